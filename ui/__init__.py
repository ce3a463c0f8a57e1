"""Presentation, between the views and core: ``figures`` (the Plotly builders, one module a
page, plain specs; ``figures.style`` holds the colours and names), ``controls`` (widgets
bound to the URL), ``kit`` (the classroom kit: the first screen, presets,
predict-then-reveal, charts and exports), ``screen`` (presenter mode, a phone, the clicker)
and ``live_chart`` (a chart updated in place, its frames sent once)."""
