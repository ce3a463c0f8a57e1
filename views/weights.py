"""Weights: one model trained four ways at once (none, L1, L2, dropout); its weights."""

from typing import NamedTuple

import streamlit as st

from core import data
from core.scenes import weights
from ui import controls, figures, kit, room_panel
from ui.figures import style
from ui.figures.style import PALETTE
from ui.kit import Preset

PAGE = "weights"
DEFAULTS = weights.DEFAULTS
# The controls a preset sets; presenter mode and predict-first are kept as they are.
MODEL_KEYS = tuple(DEFAULTS)
MODEL_NAMES = style.MODEL_NAMES
# The names of the four runs, as the charts and tables say them.
RUN_NAMES = style.WEIGHTS_RUN_NAMES
CACHE_ENTRIES = 32  # trained settings kept for everyone (an MLP at d = 200 is ~2 MB)

PRESETS = {
    "small": Preset("λ too small", {"lam": "0.001"},
                    "λ = 0.001: the L1 and L2 histograms lie on the red one, no weight is "
                    "exactly 0 and the test loss is almost the red run's. No visible effect."),
    "right": Preset("λ appropriate", {"lam": "0.07"},
                    "λ = 0.07: L1 puts most weights at exactly 0 (a spike: the irrelevant "
                    "features switched off) and keeps the informative ones; L2 keeps every "
                    "weight but squeezes them into a narrow bump around 0. Both beat the red "
                    "run's test loss."),
    "large": Preset("λ too large", {"lam": "1"},
                    "λ = 1: L1 sets every weight to exactly 0 (a plateau: the model says 50/50 "
                    "for everyone) and L2 squashes all weights towards 0; train and test loss "
                    "stay near log 2 ≈ 0.69. The model underfits."),
    "flips": Preset("Mislabelled points", {"flip": "0.3", "epochs": "150"},
                    "30 % of the training labels flipped: the red run learns them, and its "
                    "test loss climbs epoch after epoch while L1, L2 and dropout hold theirs "
                    "down. Regularization damps the mislabelled points."),
    "mlp": Preset("MLP + dropout", {"model": "MLP", "lam": "0.03"},
                  "A one-hidden-layer network, 3,232 weights a run: L1 sets almost all of them "
                  "to exactly 0; dropout's train loss (dotted) stays high while its test loss "
                  "stays low: it trains a different thinned network every step."),
}

kit.header("Weights",
           "One model, trained four times at once on the same data, from the same start, on "
           "the same minibatches: with **no penalty**, with **L1**, with **L2** and with "
           "**dropout**. Watch what each does to the weights: L1 makes exact zeros, L2 makes "
           "them small, and both stop the model from learning the noise.")


class NotTrained(Exception):
    """This setting is not in the cache yet."""


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def cached(model: str, d: int, k: int, flip: float, seed: int, lam: float, drop: float,
           alpha: float, epochs: int, _scene=None) -> weights.WeightsScene:
    """The trained scene of a setting, kept for every user (keyed on the plain values).

    A miss without ``_scene`` raises ``NotTrained`` (Streamlit stores nothing on an error),
    so the page trains outside the cache, where its progress bar may move (a cached
    function may not write to the page), and stores the result by calling again with it.
    """
    if _scene is None:
        raise NotTrained
    return _scene


def trained(setting: tuple, slot) -> weights.WeightsScene:
    """The scene of ``setting`` (the arguments of ``cached``): from the cache, or trained now
    with a progress bar in ``slot`` (an ``st.empty`` beside the chart, so nothing moves)."""
    try:
        return cached(*setting)
    except NotTrained:
        pass
    text = "Training the four runs together"
    bar = slot.progress(0.0, text=f"{text}… (the first run on a new server also compiles "
                                  "them: a few seconds)")
    model, d, k, flip, seed, lam, drop, alpha, epochs = setting
    scene = weights.scene(model=model, d=d, k=k, flip=flip, seed=seed, lam=lam, drop=drop,
                        alpha=alpha, epochs=epochs,
                        progress=lambda share: bar.progress(share, text=f"{text}… {share:.0%}"))
    slot.empty()
    return cached(*setting, _scene=scene)


class Controls(NamedTuple):
    """What the page's controls hold, and whether the answer is shown."""

    model: str
    lam: float
    drop: float
    epochs: int
    alpha: float
    d: int
    k: int
    flip: float
    seed: int
    show: bool

    @property
    def setting(self) -> tuple:
        """The arguments of ``cached``: everything the training depends on."""
        return (self.model, self.d, self.k, self.flip, self.seed, self.lam, self.drop,
                self.alpha, self.epochs)


@st.fragment
def weights_page() -> None:
    room = room_panel.current_room()
    lead_box = st.container()   # a student's question leads, above the chart
    with kit.controls_block(PRESETS, keys=MODEL_KEYS, room=room) as block:
        stage = block.stage("λ")
        room_box = room_panel.box(room, stage, lead_box)
        ctl, above, below = page_controls(stage)
    if room.hides_answer:   # the class predicts: the answer waits for the teacher's Reveal
        ctl = ctl._replace(show=False)

    # The first training of a visit shows its bar where the chart will appear; later ones
    # under λ, so the chart does not jump while a new setting trains.
    drawn = f"{PAGE}_drawn"
    scene = trained(ctl.setting, below if st.session_state.get(drawn) else above)
    st.session_state[drawn] = True
    with room_box:
        room_panel.panel(room, PAGE, class_questions(scene, ctl))
    main_section(stage, scene, ctl, room)
    st.latex(objective_latex(ctl.model, ctl.lam))
    st.latex(update_latex(ctl.lam, ctl.alpha, ctl.drop))
    curves_and_features_section(scene, ctl)
    kit.share_link()
    kit.show_code(weights.run_step, weights.train)


def page_controls(stage: kit.Stage):
    """λ on the first screen, the model and the data beside it; returns the values and the
    two places a progress bar can go (where the chart will be, and under λ)."""
    with stage.control:
        lam = controls.pick_number("λ, regularization strength", "lam", controls.LAMBDAS,
                                   DEFAULTS["lam"], help="The λ of the L1 and L2 runs.")
        below = st.empty()  # the progress bar of a new setting, once a chart is drawn
    with stage.side:
        model = controls.select("Model", "model", MODEL_NAMES, DEFAULTS["model"],
                                help="Logistic regression (one weight per feature) or a "
                                     f"network with one hidden layer of {weights.HIDDEN} "
                                     "tanh units.")
        drop = controls.slider("Dropout rate", "drop", 0.0, 0.9, DEFAULTS["drop"], 0.05,
                               help="The dropout run drops each input (and, in the MLP, "
                                    "each hidden unit) with this probability every step.")
        epochs = controls.slider("Epochs", "epochs", 1, weights.EPOCHS_MAX,
                                 DEFAULTS["epochs"], 1)
        alpha = controls.pick_number("α, step size", "alpha", controls.ALPHAS,
                                     DEFAULTS["alpha"])
        st.markdown("**The data**")
        d = controls.slider("d, features", "d", 20, data.D_MAX, DEFAULTS["d"], 10)
        k = controls.slider("k, informative features", "k", 1, 20, DEFAULTS["k"], 1,
                            help="The labels depend on these k features only.")
        flip = controls.slider("Share of training labels flipped", "flip", 0.0, 0.45,
                               DEFAULTS["flip"], 0.05,
                               help="Mislabelled points: 0 ↔ 1 in the training set. "
                                    "The test set is never flipped.")
        seed = controls.slider("Seed", "seed", 0, 99, DEFAULTS["seed"], 1,
                               help="Same seed, same data, same start, same weights.")
    with stage.reveal:
        show = kit.predict_reveal(PAGE, (model, lam, drop, epochs, alpha, d, k, flip,
                                         seed), main=True)
    with stage.chart:
        above = st.empty()  # the first progress bar: where the chart will be
    return Controls(model, lam, drop, epochs, alpha, d, k, flip, seed, show), above, below


def class_questions(scene, ctl: Controls) -> list[room_panel.Question]:
    """What the teacher's Ask may put to a class room: how many weights L1 sets to exactly 0
    (a click at that height on the histogram; close: within a tenth of the weights), and
    which run ends with the lowest test loss (a tap)."""
    t, n = scene.training, scene.n_weights
    zeros = float(scene.hist.zeros[-1, t.run("l1")])
    edges = scene.hist.edges
    test = [float(t.curves.test_loss[-1, t.run(r)]) for r in t.runs]
    return [
        room_panel.Question("y", f"After {ctl.epochs} epochs at λ = {ctl.lam:g}, how many of "
                            f"the {n:,} weights will L1 set to exactly 0? Click at that "
                            "height.", box=(float(edges[0]), float(edges[-1]), 0.0, 1.15 * n),
                            truth=(0.0, zeros), near=0.1 * n, label="exactly 0:"),
        room_panel.Question("choice", f"After {ctl.epochs} epochs at λ = {ctl.lam:g}, which "
                            "run has the lowest test loss?",
                            choices=tuple(RUN_NAMES[r] for r in t.runs),
                            truth=(test.index(min(test)),)),
    ]


def main_section(stage: kit.Stage, scene, ctl: Controls, room: room_panel.Room) -> None:
    """The histograms of the four runs' weights, the page's main chart, with their numbers
    (and a class room's answers: while the class says how many weights are exactly 0, the
    count axis stays linear and reaches every weight)."""
    t = scene.training
    fig = figures.weight_histogram_figure(scene, lam=ctl.lam, palette=PALETTE, names=RUN_NAMES,
                                          show_answer=ctl.show)
    if room.asked is not None and room.asked.question.kind == "y":
        layout = fig.spec["layout"]
        layout.pop("updatemenus", None)
        layout["yaxis"] = {**layout["yaxis"], "type": "linear",
                           "range": [0, 1.15 * scene.n_weights]}
    fig.spec["data"] += figures.room_traces(room, color=PALETTE["l1"])
    stage.main_chart(fig, "weights_chart",
                     f"weights-{ctl.model}-lambda-{ctl.lam:g}-epoch-{ctl.epochs}", lead=True,
                     on_click=room_panel.answer_click(room) if room.takes_answers else None)
    with stage.below:
        st.caption("Drag **epoch** under the chart to watch the histograms form (nothing is "
                   "recomputed). **log** shows the small counts next to L1's spike.")
        warn_diverged(t, ctl.alpha)
        st.markdown(numbers_table(scene, ctl.show))
        kit.prose(f"{scene.flipped} of the {data.N_TRAIN} training labels are flipped; the "
                  f"{data.N_TEST} test points are not. Exactly 0 is a weight equal to 0.0; "
                  f"“|w| < 10⁻³” also counts the tiny ones L2 leaves.")


def curves_and_features_section(scene, ctl: Controls) -> None:
    """Loss, accuracy and weight size over the epochs; which features kept a weight."""
    st.subheader("Loss, accuracy and weight size over the epochs")
    kit.chart(figures.training_curves_figure(scene.training, palette=PALETTE, names=RUN_NAMES,
                                             show_answer=ctl.show),
              "curves_chart", f"weights-curves-{ctl.model}-lambda-{ctl.lam:g}")
    kit.prose("The red run's training loss keeps falling while its test loss turns and climbs: "
              "it is learning the noise and the flipped labels. A penalty or dropout holds the "
              "weights down, and the test loss with them.")
    st.subheader("Which features kept a weight?")
    if ctl.model == "logistic":
        kit.chart(figures.feature_weights_figure(scene, palette=PALETTE, names=RUN_NAMES,
                                                 show_answer=ctl.show),
                  "features_chart", f"weights-features-lambda-{ctl.lam:g}")
    if ctl.show:
        st.markdown(features_sentence(scene))
    else:
        st.caption("Which features will L1 keep? Reveal the answer to see.")


# ---- text with today's numbers -------------------------------------------------------------

def numbers_table(scene, show: bool) -> str:
    t, h, c = scene.training, scene.hist, scene.training.curves
    n = scene.n_weights
    rows = [f"| run | exactly 0 (of {n:,}) | \\|w\\| < 10⁻³ | train accuracy | test accuracy | "
            "train loss | test loss | ‖w‖₂ |", "|---|---|---|---|---|---|---|---|"]
    for r in t.runs:
        if not show and r != "none":
            continue
        j = t.run(r)
        z, s = int(h.zeros[-1, j]), int(h.small[-1, j])
        rows.append(f"| {RUN_NAMES[r]} | {z:,} ({z / n:.0%}) | {s:,} ({s / n:.0%}) | "
                    f"{c.train_acc[-1, j]:.1%} | {c.test_acc[-1, j]:.1%} | "
                    f"{c.train_loss[-1, j]:.3f} | {c.test_loss[-1, j]:.3f} | {c.norm[-1, j]:.3g} |")
    return "\n".join(rows)


def features_sentence(scene) -> str:
    t, inf = scene.training, scene.informative
    parts = []
    for r in ("l1", "l2", "none"):
        kept = scene.kept[t.run(r)]
        parts.append(f"**{RUN_NAMES[r]}** kept {int(kept[inf].sum())} of the {scene.k} informative "
                     f"features and {int(kept[~inf].sum())} of the {scene.d - scene.k} others")
    unit = ("a weight" if t.model == "logistic"
            else f"a non-zero weight among its {weights.HIDDEN} into the hidden layer")
    return f"A feature is kept if it still has {unit}: " + "; ".join(parts) + "."


def objective_latex(model: str, lam: float) -> str:
    z = r"x\cdot w" if model == "logistic" else r"\tanh(xW_1 + b_1)\cdot w_2 + b_2"
    return (rf"J(w) = \operatorname{{mean}}\big(\log(1 + e^{{z}}) - y\,z\big),\ z = {z};"
            rf"\qquad \text{{L1: }} J + {lam:g}\sum_k |w_k|,\quad"
            rf"\text{{L2: }} J + {lam:g}\sum_k w_k^2")


def update_latex(lam: float, alpha: float, drop: float) -> str:
    al = float(alpha) * float(lam)
    q = 1 - drop
    return (rf"\begin{{gathered}}v = w - \alpha\nabla J = w - {alpha:g}\,\nabla J,\quad "
            rf"\alpha\lambda = {alpha:g}\times{lam:g} = {al:.4g}\\"
            rf"\text{{L1: }} w \leftarrow \operatorname{{sign}}(v)\max(|v| - {al:.4g},\ 0)"
            rf"\qquad \text{{L2: }} w \leftarrow \frac{{v}}{{1 + 2\cdot{al:.4g}}} = "
            rf"\frac{{v}}{{{1 + 2 * al:.4g}}}\\"
            rf"\text{{dropout: }} \nabla J \text{{ on the inputs}}\ x \odot m / {q:.2g},\ "
            rf"m_i \sim \operatorname{{Bernoulli}}({q:.2g})"
            rf"\ \text{{(and the hidden units, in the MLP)}}\end{{gathered}}")


def warn_diverged(t, alpha: float) -> None:
    broke = [(RUN_NAMES[r], int(t.diverged_at[t.run(r)])) for r in t.runs
             if t.diverged_at[t.run(r)] >= 0]
    kit.warn_diverged({f"the {n} run": e for n, e in broke}, alpha, unit="epoch",
                      held="weights")


weights_page()
