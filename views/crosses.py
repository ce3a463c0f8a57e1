"""Sparse crosses: latitude × longitude buckets crossed, one weight a cell; L1 against L2."""

import numpy as np
import streamlit as st

from core.scenes import crosses
from ui import controls, figures, kit, room_panel
from ui.figures import style
from ui.figures.fmt import bytes_exact, tex_bytes, tex_int
from ui.figures.style import PALETTE
from ui.kit import Preset

PAGE = "crosses"
DEFAULTS = crosses.DEFAULTS
# The controls a preset sets; presenter mode and predict-first are kept as they are. The keys
# are this page's own ("lambda", not the other pages' "lam"): the options differ, and a
# value left in the session by another page must not land on a control that lacks it.
MODEL_KEYS = tuple(DEFAULTS)
# Cell sizes as floats, like every numeric select-slider here (the URL still reads res=2).
SIZES = [float(s) for s in crosses.RESOLUTIONS]
# The names of the page's runs (none, L1, L2), as its charts and tables say them.
RUN_NAMES = style.CROSSES_RUN_NAMES
CACHE_ENTRIES = 32  # trained settings kept for everyone (one at 1° cells is ~1.3 MB)
# The taps of "what share of the cells with data will L1 keep?", with their upper ends.
SHARE_CHOICES = ("under 10 %", "10 % to 50 %", "50 % to 90 %", "90 % or more")
SHARE_ENDS = (0.1, 0.5, 0.9)

PRESETS = {
    "small": Preset("λ too small", {"lambda": "1e-06"},
                    "λ = 0.000001: L1 keeps nearly every cell that has a training point, just "
                    "as L2 does, and both test errors are the unpenalized run's. No visible "
                    "effect."),
    "right": Preset("λ appropriate", {"lambda": "0.001"},
                    "λ = 0.001: L1 keeps the downtown cells and zeroes the thinly populated "
                    "ones, so its sparse model is a small fraction of L2's, at about L2's test "
                    "error; both beat the unpenalized run."),
    "large": Preset("λ too large", {"lambda": "0.1"},
                    "λ = 0.1: L1 zeroes every cell and L2 squashes every weight towards 0, so "
                    "both predict about the average price everywhere and the test error "
                    "climbs. The model underfits."),
    "fine": Preset("1° cells", {"res": "1", "lambda": "0.001"},
                   "1° cells: 64,800 crossed features, most of them ocean. The dense model "
                   "stores every one; L1's sparse model stores a few hundred."),
    "diverge": Preset("Step too big", {"alpha": "2.2"},
                      "α > 2: each cell's step overshoots its best value by more than it "
                      "started, so the weights blow up. Lower α below 2."),
}

kit.header("Sparse crosses",
           "Bucket latitude and longitude and **cross** them: every cell of the grid becomes a "
           "feature with its own weight, and the dimension explodes, most of it ocean and "
           "desert. Train the same model with **L1** and with **L2** and count what each "
           "must keep in memory at inference.")


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def computed(size: int, lam: float, alpha: float, seed: int) -> crosses.CrossesScene:
    """The scene of a setting, kept for every user (keyed on the plain values)."""
    return crosses.scene(size, lam, alpha, seed)


@st.fragment
def crosses_page() -> None:
    room = room_panel.current_room()
    lead_box = st.container()   # a student's question leads, above the chart
    with kit.controls_block(PRESETS, keys=MODEL_KEYS, room=room) as block:
        stage = block.stage("λ")
        room_box = room_panel.box(room, stage, lead_box)
        with stage.control:
            lam = controls.pick_number("λ, regularization strength", "lambda",
                                       crosses.LAMBDAS, DEFAULTS["lambda"],
                                       help="The λ of the L1 and L2 runs. Its scale is set by "
                                            f"the {crosses.N_TRAIN:,} training points: a "
                                            "cell's L1 threshold is λn/(2n_c).")
        with stage.side:
            size = controls.pick_number("Cell size, degrees", "res", SIZES, DEFAULTS["res"],
                                        help="Each cell spans this many degrees of latitude "
                                             "and of longitude. Right is finer: more cells.")
            alpha = controls.pick_number("α, step size", "alpha", crosses.ALPHAS,
                                         DEFAULTS["alpha"],
                                         help="Each cell moves α of the way to its best value "
                                              "a step: below 2 it settles, above 2 it "
                                              "diverges.")
            seed = controls.slider("Seed", "seed", 0, 99, DEFAULTS["seed"], 1,
                                   help="Same seed, same world, same weights.")
        with stage.reveal:
            show = kit.predict_reveal(PAGE, (size, lam, alpha, seed), main=True)
    show = show and not room.hides_answer   # the class predicts: the answer waits for Reveal
    size = int(size)
    scene = computed(size, float(lam), float(alpha), int(seed))
    with room_box:
        room_panel.panel(room, PAGE, class_questions(scene))
    main_section(stage, scene, show, f"{size}deg-lambda-{lam:g}")
    st.latex(dimension_latex(scene))
    st.latex(minute_latex())
    st.latex(objective_latex(scene))
    st.latex(update_latex(scene))
    bytes_and_sweep_section(scene, show, size, lam)
    data_section(scene, seed)
    kit.share_link()
    kit.show_code(crosses.train_cells, crosses.closed_form)


def class_questions(scene) -> list[room_panel.Question]:
    """What the teacher's Ask may put to a class room (taps): what share of the cells with
    training points L1 keeps a weight for, and which run has the lowest test error."""
    with_data = scene.occupied
    kept = int(scene.nonzero[scene.run("l1")]) / max(with_data, 1)
    share = sum(kept >= end for end in SHARE_ENDS)
    runs = list(crosses.RUNS)
    # a diverged run's error is not finite: it is never the lowest
    test = [float(np.nan_to_num(scene.test_mse[scene.run(r)], nan=np.inf)) for r in runs]
    at = f"At λ = {scene.lam:g} on {scene.size}° cells"
    return [
        room_panel.Question("choice", f"{at}, what share of the {with_data:,} cells with "
                            "training points will L1 keep a weight for?",
                            choices=SHARE_CHOICES, truth=(share,)),
        room_panel.Question("choice", f"{at}, which run has the lowest test error?",
                            choices=tuple("no penalty" if r == "none" else RUN_NAMES[r]
                                          for r in runs),
                            truth=(test.index(min(test)),)),
    ]


def main_section(stage: kit.Stage, scene, show: bool, name: str) -> None:
    """The L1 and L2 maps of the cells, the page's main chart, with their numbers."""
    stage.main_chart(figures.crosses_map_figure(scene, palette=PALETTE, names=RUN_NAMES,
                                                show_answer=show),
                     "crosses_chart", f"crosses-{name}", lead=True)
    with stage.below:
        if show:
            st.caption("Coloured: a non-zero weight. Grey: the cell has training points but "
                       "its weight is exactly 0. Blank: no training point, so no gradient ever "
                       "reaches the weight and it stays at its start, 0, under any penalty.")
        else:
            st.caption("Grey: the cells with training points. Which of them will keep a "
                       "weight under L1? Under L2? And how many bytes will each model need?")
        warn_unstable(scene)
        st.markdown(numbers_table(scene, show))
        if show:
            kit.prose(threshold_sentence(scene))


def bytes_and_sweep_section(scene, show: bool, size: int, lam: float) -> None:
    """What each model costs in bytes, and the runs across λ."""
    st.subheader("Bytes at inference")
    kit.chart(figures.bytes_figure(scene, palette=PALETTE, names=RUN_NAMES,
                                   minute_cells=crosses.MINUTE_CELLS, show_answer=show),
              "bytes_chart", f"crosses-bytes-{size}deg-lambda-{lam:g}")
    st.latex(bytes_latex(scene, show))
    kit.prose("Dense storage keeps a float32 for every cell, zero or not. Sparse storage keeps "
              "only the non-zero weights, each with the int32 index of its cell, so it pays "
              "8 bytes a weight: it wins when fewer than half the weights are non-zero.")

    st.subheader("Across λ")
    kit.chart(figures.crosses_sweep_figure(scene, palette=PALETTE, names=RUN_NAMES,
                                           show_answer=show),
              "sweep_chart", f"crosses-sweep-{size}deg")
    kit.prose("L2 never zeroes a cell that has data: it only shrinks the weight. L1's count "
              "falls as λ grows; its test error stays close to L2's until λ is too large, "
              "then both underfit.")


def data_section(scene, seed: int) -> None:
    """Where the training points are, and what they are made of."""
    st.subheader("The data")
    kit.chart(figures.crosses_data_figure(scene), "data_chart", f"crosses-data-seed-{seed}")
    kit.prose(f"{scene.n_train:,} training and {scene.n_test:,} test points, made in code: "
              f"{len(crosses.CITIES)} cities (prices highest downtown, some above the base "
              f"level, some below) and a thin {crosses.BACKGROUND:.0%} spread over rough "
              "continents. Far from a downtown a price is the base level plus noise, so most "
              "cells carry nothing worth a weight.")


# ---- text with today's numbers -------------------------------------------------------------

def numbers_table(scene, show: bool) -> str:
    rows = [f"| run | non-zero weights (of {scene.cells:,}) | dense bytes (4·d) | "
            "sparse bytes (8·nnz) | test error | train error |",
            "|---|---|---|---|---|---|"]
    for kind in crosses.RUNS:
        if not show and kind != "none":
            continue
        j = scene.run(kind)
        k = int(scene.nonzero[j])
        rows.append(f"| {RUN_NAMES[kind]} | {k:,} ({k / scene.cells:.1%}) | "
                    f"{bytes_exact(scene.dense[j])} | "
                    f"{bytes_exact(scene.sparse[j])} | {scene.test_mse[j]:.4f} | "
                    f"{scene.train_mse[j]:.4f} |")
    return "\n".join(rows)


def threshold_sentence(scene) -> str:
    half = scene.lam * scene.n_train / 2
    if half == 0:
        return "λ = 0: no threshold, every cell with data keeps the mean of its prices."
    return (f"Where it ends (the minimizer, cell by cell): L1 keeps a cell's weight only if "
            f"n_c·|ȳ_c − b| > λn/2 = {scene.lam:g} × {scene.n_train:,} / 2 = {half:.4g}, "
            f"with n_c the cell's training points and ȳ_c their mean price: a cell with one "
            f"point needs its price {half:.3g} away from the average b = {scene.b:.3f}, a cell "
            f"with 100 points only {half / 100:.3g}. L2 keeps every cell with data, shrunk by "
            f"n_c/(n_c + λn) = n_c/(n_c + {2 * half:.4g}).")


def dimension_latex(scene) -> str:
    s = scene.size
    return (rf"\begin{{gathered}}d = \frac{{180^\circ}}{{{s}^\circ}}\times"
            rf"\frac{{360^\circ}}{{{s}^\circ}} = {tex_int(scene.rows)}\times"
            rf"{tex_int(scene.cols)} = "
            rf"{tex_int(scene.cells)}\ \text{{cells}}\\"
            rf"\text{{one-hot matrix (never built): }} n\times d\times 4\,\text{{B}} = "
            rf"{tex_int(scene.n_train)}\times{tex_int(scene.cells)}\times 4\,\text{{B}} = "
            rf"{tex_bytes(scene.design_bytes)}\\ \text{{one index a point instead: }}"
            rf"{tex_int(scene.n_train)}\times 4\,\text{{B}} = {tex_bytes(4 * scene.n_train)}"
            rf"\end{{gathered}}")


def minute_latex() -> str:
    m, p = crosses.MINUTE_CELLS, crosses.PRIMER_CELLS
    return (rf"\begin{{gathered}}\text{{minute-level cells: }}(180\cdot 60)\times(360\cdot 60)"
            rf" = {tex_int(180 * 60)}\times {tex_int(360 * 60)} = {tex_int(m)} \approx "
            rf"{tex_int(10_000)}\times {tex_int(20_000)} = {tex_int(p)}\\ "
            rf"\text{{dense: }}4\,\text{{B}}\times {tex_int(m)} = "
            rf"{tex_bytes(crosses.dense_bytes(m))}\quad\text{{(the primer's round }}{tex_int(p)}"
            rf"\text{{: }}{tex_bytes(crosses.dense_bytes(p))}\text{{)}}\end{{gathered}}")


def objective_latex(scene) -> str:
    return (rf"J(w) = \frac{{1}}{{n}}\sum_{{i=1}}^{{n}}\big(b + w_{{c(i)}} - y_i\big)^2,\ "
            rf"b = {scene.b:.3f};\qquad \text{{L1: }} J + {scene.lam:g}\sum_c |w_c|,\quad"
            rf"\text{{L2: }} J + {scene.lam:g}\sum_c w_c^2")


def update_latex(scene) -> str:
    a, lam, n = scene.alpha, scene.lam, scene.n_train
    t = a * lam * n / 2
    return (rf"\begin{{gathered}}v_c = w_c - \alpha_c\frac{{\partial J}}{{\partial w_c}} = "
            rf"w_c - {a:g}\,\big(b + w_c - \bar y_c\big),\quad "
            rf"\alpha_c = \frac{{\alpha n}}{{2 n_c}},\ "
            rf"\alpha_c\lambda = \frac{{{a:g}\times{lam:g}\times{tex_int(n)}}}{{2\,n_c}} = "
            rf"\frac{{{t:.4g}}}{{n_c}}\\"
            rf"\text{{L1: }} w_c \leftarrow \operatorname{{sign}}(v_c)\max\!\Big(|v_c| - "
            rf"\frac{{{t:.4g}}}{{n_c}},\ 0\Big)\qquad"
            rf"\text{{L2: }} w_c \leftarrow \frac{{v_c}}{{1 + {2 * t:.4g}/n_c}}"
            rf"\end{{gathered}}")


def bytes_latex(scene, show: bool) -> str:
    parts = [rf"\text{{dense}} = 4\,\text{{B}}\times {tex_int(scene.cells)} = "
             rf"{tex_int(scene.dense[0])}\,\text{{B}}"]
    if show:
        for kind in ("l1", "l2"):
            j = scene.run(kind)
            parts.append(rf"\text{{sparse, {RUN_NAMES[kind]}}} = (4 + 4)\,\text{{B}}\times "
                         rf"{tex_int(scene.nonzero[j])} = {tex_int(scene.sparse[j])}\,\text{{B}}")
    return r"\begin{gathered}" + r"\\ ".join(parts) + r"\end{gathered}"


def warn_unstable(scene) -> None:
    broke = [(RUN_NAMES[r], int(scene.diverged_at[scene.run(r)])) for r in crosses.RUNS
             if scene.diverged_at[scene.run(r)] >= 0]
    if broke:
        kit.warn_diverged({f"the {n} run": k for n, k in broke}, scene.alpha,
                          why=f" (α = {scene.alpha:g} > 2)", held="weights",
                          try_also=", below 2")
    elif not scene.settled.all():
        st.warning(f"With α = {scene.alpha:g} the weights did not settle in {crosses.STEPS} "
                   "steps: at α = 2 each cell jumps across its best value and back, forever. "
                   "Try α below 2.")


crosses_page()
