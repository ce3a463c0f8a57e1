"""Presentation, between the views and core: ``figures`` (the Plotly builders, one module a
page, plain specs), ``controls`` (widgets bound to the URL, the palette and names), ``kit``
(the classroom kit: the first screen, presets, predict-then-reveal, charts and exports),
``screen`` (presenter mode, a phone, the clicker) and ``live_chart`` (a chart updated in
place, its frames sent once)."""
