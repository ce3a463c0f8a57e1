"""λ sweep & residuals: coefficient paths over λ, train vs validation error (bias and variance),
and L1 vs L2 as losses on residuals."""

from typing import NamedTuple

import numpy as np
import streamlit as st

from core import solve
from core.scenes import sweep
from ui import controls, data_panel, figures, kit, room_panel
from ui.figures import style
from ui.figures.style import PALETTE, PENALTY_NAMES
from ui.kit import Preset

PAGE = "sweep"
DEFAULTS = sweep.DEFAULTS
# The controls a preset sets; presenter mode and predict-first are kept as they are.
MODEL_KEYS = ("lam", "penalty", "noise", "n", "degree", "cv", "folds", "out")
LAST_LAM = "_sweep_last_lam"  # the λ of this session's previous run (which chart goes first)
KIND_NAMES = style.SWEEP_KIND_NAMES
PRESETS = {
    "small": Preset("λ too small", {"lam": "0.001"},
                    "λ too small: every path is flat at its least-squares value and all 8 "
                    "weights are non-zero, even the five that do not matter. Below, train error "
                    "is far under validation error: the model fits the noise (variance)."),
    "right": Preset("λ appropriate", {"lam": "0.22"},
                    "λ appropriate, at L2's validation minimum: L1 keeps exactly the three "
                    "features that matter (solid) and sets the other five to exactly 0; L2 keeps "
                    "all 8, shrunk. Below, validation error is at its lowest."),
    "large": Preset("λ too large", {"lam": "100"},
                    "λ too large, past λ_max: every L1 and elastic-net weight is exactly 0 and "
                    "L2 squashes all 8 towards 0. Train and validation error both climb to the "
                    "error of always predicting the mean (about 0.9): the model underfits "
                    "(bias)."),
    "hard": Preset("Harder problem", {"noise": "1", "n": "15", "degree": "15"},
                   "More noise (σ² = 1), 15 points, 15 features: at small λ the fit nearly "
                   "passes through every training point (train error far below σ²) while "
                   "validation error explodes. L2's best λ moves right, from 0.22 to 0.38: "
                   "noisier, smaller data need more regularization."),
    "cv": Preset("k-fold CV", {"cv": "true"},
                 "5-fold cross-validation judges λ from the 25 training points alone (dashed, "
                 "± 1 standard error shaded): its best λ, 0.15, lands near the validation "
                 "set's 0.22. At small λ it is far too hopeful: 5 held-out points rarely fall "
                 "where the wild polynomial blows up."),
    "outliers": Preset("30 % outliers", {"out": "0.3"},
                       "30 % of the points pushed up: the squared-loss line is dragged towards "
                       "them, the absolute-loss line stays with the bulk and passes exactly "
                       "through two points. Its residual histogram: a spike at exactly 0 and "
                       "the outliers far out."),
}

kit.header("λ sweep & residuals",
           "How do you choose λ? Sweep it: watch every weight along the way (L1 sets them to "
           "**exactly 0** one by one, L2 only shrinks them), then watch the error on data the "
           "model has not seen. Last, L1 and L2 as *losses*: what they do with outliers.")


class Controls(NamedTuple):
    """What the page's controls hold, and whether the answer is shown."""

    lam: float
    kind: str
    noise: float
    n: int
    degree: int
    cv: bool
    folds: int
    share: float
    show: bool
    data: data_panel.Chosen   # built-in (prep None), a sample or a class's CSV


@st.fragment
def sweep_page() -> None:
    room = room_panel.current_room()
    # a question on the λ axis puts the bias/variance chart on the first screen
    on_lambda = room.asked is not None and room.asked.question.kind == "x"
    above = st.container()   # a student's question leads, above the chart
    with kit.controls_block(PRESETS, keys=MODEL_KEYS, room=room) as block:
        stage = block.stage("λ")
        room_box = room_panel.box(room, stage, above)
        c, bv_right, res_right = page_controls(stage, on_lambda)
    if room.hides_answer:   # the class predicts: the answer waits for the teacher's Reveal
        c = c._replace(show=False)

    paths, errors = own_sweep(c.data)
    if paths is None:
        paths = sweep.paths()
        errors = sweep.bias_variance_cached(c.noise, c.n, c.degree, c.folds if c.cv else 0)
    i = paths.index(c.lam)
    with room_box:
        room_panel.panel(room, PAGE, class_questions(errors, i, c))
    main = Place(stage.chart, stage.below, True)
    column = Place(bv_right, bv_right, False)
    # The chart the student just moved is sent first, and alone (kit.chart's lead): charts
    # that reach the browser together are drawn in one go. A λ move changes both, so the
    # paths lead; a σ, n, degree or CV move changes the bias/variance chart alone.
    lam_moved = st.session_state.get(LAST_LAM) != c.lam
    st.session_state[LAST_LAM] = c.lam
    sections = [lambda lead: paths_section(column if on_lambda else main, paths, i, c, lead),
                lambda lead: bias_section(main if on_lambda else column, errors, i, c, lead,
                                          room)]
    first, second = sections if lam_moved else sections[::-1]
    first(True)
    second(False)
    with res_right:
        residuals_section(sweep.residuals(c.share), c)

    kit.share_link()
    kit.show_code(sweep.coefficient_paths, sweep.absolute_loss_line, sweep.choose)


class Place(NamedTuple):
    """Where a section draws: its chart, its notes (the export buttons lead them on the
    first screen) and whether it is the page's main chart."""

    chart: st.delta_generator.DeltaGenerator
    notes: st.delta_generator.DeltaGenerator
    main: bool

    def draw(self, fig, key: str, filename: str, *, lead: bool, on_click=None) -> None:
        with self.chart:
            kit.chart(fig, key, filename, lead=lead, main=self.main,
                      exports=self.notes if self.main else None, on_click=on_click)


REGIMES = ("overfitting (λ too small)", "about right", "underfitting (λ too large)")


def class_questions(errors, i: int, c: Controls) -> list[room_panel.Question]:
    """What the teacher's Ask may put to a class room: where the best λ is (a click on the
    bias/variance chart's λ axis: its axes are log₁₀ there), and which regime today's λ is in
    (a tap). Close: within a factor of 2 of the best λ."""
    pick = errors.choice(c.kind)
    curve = errors.curve(c.kind)[0]
    by = "CV" if errors.cv is not None else "validation"
    name = PENALTY_NAMES[c.kind]
    lo, hi = (float(np.log10(errors.lams[k])) for k in (0, -1))
    best = (float(np.log10(errors.lams[pick.best])), float(np.log10(curve[pick.best])))
    return [
        room_panel.Question("x", f"Where is {name}'s {by} error lowest? Click above that λ.",
                            box=(lo, hi, -12.0, 12.0), truth=best, near=float(np.log10(2)),
                            log=(True, True), label="λ ="),
        room_panel.Question("choice", f"At λ = {c.lam:g}, is {name} overfitting, about right "
                            "or underfitting?", choices=REGIMES,
                            truth=(("small", "right", "large").index(pick.regime(i)),)),
    ]


def page_controls(stage: kit.Stage, on_lambda: bool):
    """The λ control on the first screen, the bias/variance and residuals sections' own
    controls beside their charts; returns the values and those two charts' columns.
    ``on_lambda``: the bias/variance chart is on the first screen and the paths here."""
    with stage.control:
        lam = controls.pick_number("λ, regularization strength", "lam",
                                   sweep.LAMBDAS.tolist(), DEFAULTS["lam"],
                                   help=f"{len(sweep.LAMBDAS)} values from 0.0001 to 1000, "
                                        "24 a decade: the grid every curve is computed on.")
    with stage.side:
        data = data_panel.section(PAGE, SAMPLES, two=False)
        if data.prep is None:
            kit.prose(f"{sweep.N_PATHS} samples of {sweep.D_PATHS} correlated features "
                      "(neighbours correlate at 0.6); y depends on x₁, x₂ and x₅ only.")
    own = data.prep is not None
    st.subheader("The coefficient paths (the bias/variance chart is on top while the class "
                 "answers)" if on_lambda else "Choosing λ: bias and variance")
    bv_left, bv_right = st.columns([1, 3], gap="medium")
    with bv_left:
        kind = controls.select("Penalty P", "penalty", KIND_NAMES, DEFAULTS["penalty"])
        if own:
            st.caption(f"Your data: {100 - HELD_OUT}% of the rows (drawn at random, the same "
                       f"every time) fit each λ, the other {HELD_OUT}% validate it. The "
                       "sliders below shape the built-in problem only.")
        noise = controls.slider("Noise σ", "noise", 0.0, 2.0, DEFAULTS["noise"], 0.05,
                                help="y = f(x) + σ·ε: the part no model can predict.",
                                disabled=own)
        n = controls.slider("Training points n", "n", 10, sweep.N_MAX, DEFAULTS["n"], 5,
                            disabled=own)
        degree = controls.slider("Polynomial degree", "degree", 1, sweep.DEGREE_MAX,
                                 DEFAULTS["degree"], 1, disabled=own,
                                 help="Features P₁(x) … P_degree(x) (Legendre polynomials, "
                                      "standardized): more degree, more capacity.")
        cv = controls.toggle("k-fold cross-validation", "cv", DEFAULTS["cv"], disabled=own,
                             help="Estimate the validation error from the training points "
                                  "alone: fit on k − 1 folds, test on the one left out.")
        folds = controls.slider("k, folds", "folds", 2, sweep.FOLDS_MAX, DEFAULTS["folds"], 1,
                                disabled=not cv or own)
    st.subheader("L1 and L2 as losses: residuals")
    res_left, res_right = st.columns([1, 3], gap="medium")
    with res_left:
        share = controls.slider("Share of outliers", "out", 0.0, 0.5, DEFAULTS["out"], 0.05,
                                help="Points pushed up by 4 to 9: bad measurements.")
    with stage.reveal:
        show = kit.predict_reveal(PAGE, (lam, kind, noise, n, degree, cv, folds, share,
                                         data.key), main=True)
    return (Controls(lam, kind, noise, n, degree, cv and not own, folds, share, show, data),
            bv_right, res_right)


# ---- a class's own data ---------------------------------------------------------------------

SAMPLES = ("diabetes", "wine")
HELD_OUT = 30   # % of a class's rows the validation error is measured on


def own_sweep(data: data_panel.Chosen):
    """The paths and the train/validation errors of the page's data, kept in the session;
    (None, None) for the built-in data."""
    if data.prep is None:
        return None, None
    p = data.prep
    key = (data.key, p.features, p.target, p.standardized)
    return data_panel.session_cache(
        ("sweep", *key), lambda: (sweep.own_paths(p), sweep.own_errors(p,
                                                                       share=HELD_OUT / 100)))


def bias_section(place: Place, errors, i: int, c: Controls, lead: bool,
                 room: room_panel.Room) -> None:
    """Train and validation error over λ, with what it says, and a class room's answers on
    its λ axis."""
    fig = figures.bias_variance_figure(errors, c.kind, i, palette=PALETTE,
                                       names=PENALTY_NAMES, show_answer=c.show)
    fig.spec["data"] += figures.room_traces(room, color=PALETTE[c.kind])
    click = room_panel.answer_click(room) if room.takes_answers else None
    place.draw(fig, "sweep_bias_chart", f"bias-variance-{c.kind}-lambda-{c.lam:g}", lead=lead,
               on_click=click)
    with place.notes:
        if c.data.prep is None:
            kit.prose(f"y = sin(3x) + 0.4·cos(7x) + σ·ε, fitted on n = {c.n} points with "
                      f"{c.degree} polynomial features and scored on {sweep.N_VAL} fresh "
                      "points (validation). Left: the model is free to chase the noise of its "
                      "few training points; right: it is held so tight it misses the pattern.")
        else:
            kit.prose(f"“{c.data.prep.target}” fitted on {errors.n} rows of {c.data.label} "
                      f"with {errors.degree} features and scored on the other "
                      f"{len(c.data.prep.y) - errors.n} (validation).")
        if c.data.prep is None and c.n <= c.degree + 1:
            st.info(f"n = {c.n} training points and {c.degree} features (plus the mean): "
                    "least squares can pass through every training point, so at small λ the "
                    "train error is near 0 and the validation error explodes.")
        if not errors.converged:
            st.warning(f"The solver stopped after {solve.MAX_ITER:,} iterations before "
                       f"reaching its tolerance at some λ (largest residual "
                       f"{errors.residual:.1e}): the curves there may be slightly off.")
        for line in errors_latex(errors, c.kind, i, c.show):
            st.latex(line)
        if c.show:
            st.markdown(best_table(errors, c.kind))


def paths_section(place: Place, paths, i: int, c: Controls, lead: bool) -> None:
    """The coefficient paths, the page's main chart, with what they say under them."""
    place.draw(figures.paths_figure(paths, i, palette=PALETTE, names=PENALTY_NAMES,
                                    mix=sweep.MIX, show_answer=c.show),
               "sweep_paths_chart", f"paths-lambda-{c.lam:g}", lead=lead)
    with place.notes:
        if c.data.prep is None:
            kit.prose("Each line is one weight as λ grows (left to right). Solid: the three "
                      "features y is made from; dotted: the five that do not matter. L1 drops "
                      "them to **exactly 0** one by one (bottom row: how many are left); L2 "
                      "shrinks all eight and zeros none.")
        else:
            own_notes(c.data)
        if max(float(r.max()) for r in paths.residual.values()) >= solve.TOL:
            st.warning("The solver stopped before reaching its tolerance at some λ: the paths "
                       "there may be slightly off.")
        for line in paths_latex(paths, i, len(c.data.prep.y) if c.data.prep is not None
                                else sweep.N_PATHS):
            st.latex(line)


def own_notes(data: data_panel.Chosen) -> None:
    """What the paths are of, in one line."""
    p = data.prep
    std = "standardized" if p.standardized else "centred, not standardized"
    st.caption(f"Each line is one weight of “{p.target}” ~ {len(p.features)} features of "
               f"{data.label} ({len(p.y)} rows, {std}) as λ grows. L1 drops them to exactly 0 "
               "one by one (bottom row: how many are left); L2 shrinks them all and zeros "
               "none.")


def residuals_section(res, c: Controls) -> None:
    """Squared against absolute loss on data with outliers."""
    kit.chart(figures.residuals_figure(res, palette=PALETTE, show_answer=c.show),
              "sweep_residuals_chart", f"residuals-outliers-{c.share:g}")
    kit.prose("Squared loss (L2) pays the square of a residual, so its line leans towards "
              "the outliers to shrink the largest ones: its biggest residuals are smaller, "
              "but hardly any is small. Absolute loss (L1) pays in proportion: it leaves "
              "the outliers far out (larger residuals) and passes **exactly** through two "
              "points (a line has two parameters), whose residuals are exactly 0.")
    if c.show:
        for line in residuals_latex(res):
            st.latex(line)


# ---- text with today's numbers -------------------------------------------------------------

def paths_latex(paths, i: int, n: int) -> list[str]:
    """The objective at today's λ, and L1's λ_max with its numbers (``n`` rows)."""
    lam = paths.lams[i]
    top = paths.lam_max * n / 2
    return [rf"\hat w(\lambda) = \arg\min_w\ \tfrac1n\lVert Xw - y\rVert^2 + \lambda P(w),"
            rf"\quad \lambda = {lam:g}",
            rf"\lambda_{{\max}} = \tfrac2n\max_k |X_k^\top y| = \tfrac{{2}}{{{n}}}"
            rf"\times{top:.4g} = {paths.lam_max:.4g}"]


def errors_latex(errors, kind: str, i: int, show: bool) -> list[str]:
    """The errors at today's λ and, once revealed, the best λ (one formula a line)."""
    lam = errors.lams[i]
    first = rf"\lambda = {lam:g}:\quad \text{{train MSE}} = {errors.train[kind][i]:.4g}"
    if not show:
        return [first]
    lines = [first + rf",\quad \text{{validation MSE}} = {errors.validation[kind][i]:.4g}"]
    if errors.cv is not None:
        lines.append(rf"\text{{{errors.folds}-fold CV MSE at }}\lambda = {lam:g}:\ "
                     rf"{errors.cv[kind][i]:.4g}")
    c = errors.choice(kind)
    by = "CV" if errors.cv is not None else "validation"
    lines.append(rf"\text{{best: }}\lambda^* = {errors.lams[c.best]:g},\quad \text{{{by} MSE}} = "
                 rf"{errors.curve(kind)[0][c.best]:.4g};\quad \text{{appropriate: }} "
                 rf"{errors.lams[c.lo]:g} \le \lambda \le {errors.lams[c.hi]:g}")
    return lines


def best_table(errors, kind: str) -> str:
    """Each penalty at its own best λ: the primer's "L2 predicts better, L1 is sparser"."""
    by = "CV" if errors.cv is not None else "validation"
    rows = [f"| penalty | best λ (by {by}) | validation MSE there | non-zero weights there |",
            "|---|---|---|---|"]
    for k in sweep.KINDS:
        c = errors.choice(k)
        mark = " ◀" if k == kind else ""
        rows.append(f"| {PENALTY_NAMES[k]}{mark} | {errors.lams[c.best]:g} | "
                    f"{errors.validation[k][c.best]:.4g} | {int(errors.nonzeros[k][c.best])} "
                    f"of {errors.degree} |")
    return "\n".join(rows)


def residuals_latex(res) -> list[str]:
    """The two fitted lines with today's numbers: each has the smaller of its own sum."""
    out = []
    for name, line, own in (("squared", res.squared, "sq"), ("absolute", res.absolute, "abs")):
        sq = rf"\textstyle\sum r^2 = {line.sum_sq:.4g}" + (r"\ (\text{least})" if own == "sq"
                                                           else "")
        ab = rf"\textstyle\sum |r| = {line.sum_abs:.4g}" + (r"\ (\text{least})" if own == "abs"
                                                            else "")
        out.append(rf"\text{{{name}: }}\hat y = {line.a:.4f} + {line.b:.4f}\,x,\ \ {sq},\ \ "
                   rf"{ab},\ \ \#\{{r = 0\}} = {line.exact_zeros}")
    return out


sweep_page()
