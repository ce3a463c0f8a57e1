"""Each page's numbers, one module a page, named as its view (``views/<page>.py``) and its
figures (``ui/figures/<page>.py``) are: ``landscape``, ``geometry``, ``update_rules``,
``weights``, ``sweep``, ``crosses``.

A page calls its module's ``scene`` (the Landscape, Geometry, Update rules, Weights and
Sparse crosses pages) or its few public functions (the λ sweep) with plain values, what its
widgets hold, and gets plain NumPy arrays in a NamedTuple back. What several pages share
lives one level up, in ``core``: the problems, the penalties, the optimizers and the solver,
the grids and the data.
"""
