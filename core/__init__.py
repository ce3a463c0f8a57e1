"""Pure numerics for Regularization Landscapes: no Streamlit, no Plotly.

The public face: ``problems`` (the data losses and their demo problems), ``penalties``
(each penalty's value, subgradient, prox and ball), ``optim`` (the update rules and descent
paths), ``solve`` (the exact minimizers), ``grids`` (losses on a grid), ``data`` (the
Weights page's data), ``runtime`` (the compile cache and its warm-up), and ``scenes``: one
module a page with what that page draws. Names with a leading underscore stay inside their
module.

float64 is switched on here so that the solver can reach its 1e-6 tolerance and
the Update rules page can compare float32 with float64. Every array the app
draws is made float32 on purpose (see ``core.problems.make``); nothing relies
on JAX's default dtype.
"""

import jax

jax.config.update("jax_enable_x64", True)
