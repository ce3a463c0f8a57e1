"""A chart's data as CSV and as a standalone HTML file (plotly.js inside, opens offline)."""

from __future__ import annotations

import csv
import io

import plotly.graph_objects as go

from ui.figures.fmt import csv_number
from ui.figures.spec import array_of


def figure_csv(fig: go.Figure) -> str:
    """The data behind a figure as CSV: one row per point (a grid is written out long).

    Columns: trace, point, x, y, z. A contour or surface gives one row per grid node.
    """
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["trace", "point", "x", "y", "z"])
    for t in fig.to_dict()["data"]:  # the spec as sent: a PlainFigure has no fig.data
        name = t.get("name") or t.get("type", "scatter")
        x, y, z = (array_of(t.get(k)).astype(float) for k in ("x", "y", "z"))
        if z.ndim == 2:  # a grid: z[i, j] at (x[j], y[i])
            for i in range(z.shape[0]):
                for j in range(z.shape[1]):
                    w.writerow([name, i * z.shape[1] + j, csv_number(x[j]), csv_number(y[i]),
                                csv_number(z[i, j])])
        else:
            for p in range(len(x)):
                w.writerow([name, p, csv_number(x[p]), csv_number(y[p]) if p < len(y) else "",
                            csv_number(z[p]) if p < len(z) else ""])
    return out.getvalue()


def figure_html(fig: go.Figure) -> str:
    """A standalone HTML page of the figure with Plotly embedded: opens offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True)
