"""Presentation: the Plotly figure builders (figures/, one module per page) and the widgets
the views share (controls.py, kit.py, live_chart.py)."""
