"""Pure Plotly builders: arrays in, a ``PlainFigure`` out. No Streamlit here.

One module per page (``landscape``, ``update_rules``, ``geometry``, ``weights``, ``sweep``,
``crosses``: the figures of ``views/<page>.py``) and the machinery they share: ``spec`` (the
plain spec and ``PlainFigure``), ``style`` (projector and phone), ``fmt`` (numbers),
``traces``, ``frames`` (λ inside the figure) and ``export`` (CSV, HTML). Everything a view
or a test uses is re-exported here, so a call site reads ``figures.landscape_figure``.

Figures take float32 NumPy arrays (sent as base64) and colours from ``ui.figures.style.PALETTE``
via the ``palette`` argument, so a kind has one colour everywhere. A figure that scrubs λ
carries one Plotly frame per λ of the family and a slider inside the figure: scrubbing
needs no server round trip and a rotated 3D camera stays where the user left it.
"""

from ui.figures.crosses import (
    bytes_figure,
    cells_trace,
    crosses_data_figure,
    crosses_map_figure,
    crosses_sweep_figure,
    crosses_title,
    land_trace,
)
from ui.figures.export import figure_csv, figure_html
from ui.figures.fmt import (
    bytes_exact,
    csv_number,
    fmt_bytes,
    fmt_weight,
    lambda_label,
    minimizer_text,
    power_label,
    tex_bytes,
    tex_int,
    tex_number,
    tex_sign,
    weight_text,
)
from ui.figures.frames import (
    add_frame_slider,
    add_lambda_slider,
    contour_update,
    family_frames,
    frame_spec,
    xy_update,
)
from ui.figures.geometry import (
    angle_histogram_figure,
    constrained_figure,
    duality_figure,
    level_set_trace,
)
from ui.figures.landscape import (
    landscape_figure,
    path_costs_figure,
    side_by_side_figure,
    surface_figure,
)
from ui.figures.room import room_traces
from ui.figures.spec import (
    FRAMES,
    BuiltFrames,
    PlainFigure,
    array_of,
    axis_name,
    grid_layout,
    merged,
    note_on_panel,
    on_panel,
    set_layout,
)
from ui.figures.style import (
    CLASSROOM,
    CONTOUR_LINE,
    LAND_LINE,
    LEVELS,
    NO_WEIGHT,
    PHONE_WIDTH_PX,
    PRESENTER,
    PRICE_SCALE,
    RULE_DASH,
    SURFACE_SCALE,
    TRANSPARENT,
    ZERO_SYMBOL,
    Style,
    apply_style,
    for_phone,
    for_projector,
    rgba,
    wrap_words,
)
from ui.figures.sweep import bias_variance_figure, paths_figure, residuals_figure
from ui.figures.traces import (
    ball_trace,
    ball_xy,
    contour_levels,
    contour_trace,
    finite,
    histogram_steps,
    log_edges,
    log_lambda_axis,
    log_ticks,
    minimizer_trace,
    one_legend_entry_per_name,
    path_trace,
    square_axes,
    start_trace,
    vline,
    without_empty_lists,
    zero_annotations,
)
from ui.figures.update_rules import (
    band_trace,
    level_trace,
    one_weight_figure,
    two_weight_figure,
    weight_trace,
    zeno_figure,
    zeros_trace,
)
from ui.figures.weights import (
    feature_weights_figure,
    histogram_trace,
    training_curves_figure,
    weight_histogram_figure,
)

__all__ = [
    "room_traces",
    "set_layout", "merged", "BuiltFrames", "FRAMES", "PlainFigure", "array_of", "grid_layout",
    "axis_name", "on_panel", "note_on_panel", "SURFACE_SCALE", "CONTOUR_LINE", "LEVELS",
    "Style", "CLASSROOM", "PRESENTER", "apply_style", "for_projector", "PHONE_WIDTH_PX",
    "wrap_words", "for_phone", "RULE_DASH", "ZERO_SYMBOL", "rgba", "LAND_LINE", "NO_WEIGHT",
    "TRANSPARENT", "PRICE_SCALE", "fmt_weight", "minimizer_text", "lambda_label", "csv_number",
    "power_label", "weight_text", "fmt_bytes", "bytes_exact", "tex_number", "tex_sign",
    "tex_int", "tex_bytes", "finite", "contour_levels", "contour_trace",
    "ball_xy", "ball_trace", "path_trace", "start_trace", "minimizer_trace", "zero_annotations",
    "square_axes", "without_empty_lists", "vline", "one_legend_entry_per_name",
    "histogram_steps", "log_edges", "log_lambda_axis", "log_ticks", "contour_update",
    "xy_update", "frame_spec", "add_lambda_slider", "family_frames", "add_frame_slider",
    "figure_csv", "figure_html", "landscape_figure", "surface_figure", "side_by_side_figure",
    "path_costs_figure", "band_trace", "weight_trace", "zeros_trace", "level_trace",
    "one_weight_figure", "zeno_figure", "two_weight_figure", "level_set_trace",
    "constrained_figure", "duality_figure", "angle_histogram_figure", "histogram_trace",
    "weight_histogram_figure", "training_curves_figure", "feature_weights_figure",
    "paths_figure", "bias_variance_figure", "residuals_figure", "land_trace", "cells_trace",
    "crosses_title", "crosses_map_figure", "crosses_data_figure", "bytes_figure",
    "crosses_sweep_figure",
]
