"""Pure numerics for Regularization Landscapes: no Streamlit, no Plotly.

float64 is switched on here so that the solver can reach its 1e-6 tolerance and
the Update rules page can compare float32 with float64. Every array the app
draws is made float32 on purpose (see ``core.problems.make``); nothing relies
on JAX's default dtype.
"""

import jax

jax.config.update("jax_enable_x64", True)
