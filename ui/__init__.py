"""Presentation: pure Plotly figure builders (figures.py) and shared widgets (controls.py)."""
