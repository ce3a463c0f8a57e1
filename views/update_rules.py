"""Update rules: one weight, step by step, under L1 (subgradient, clip, proximal) and L2."""

from typing import NamedTuple

import streamlit as st

from core import optim
from core.scenes import update_rules
from ui import controls, figures, kit, room_panel
from ui.figures import style
from ui.figures.fmt import tex_number, tex_sign
from ui.figures.style import PALETTE, PROBLEM_NAMES
from ui.kit import Preset

PAGE = "update"
ROOM_PAGE = "update_rules"   # the page's id in links (a class room follows the teacher there)
DEFAULTS = update_rules.DEFAULTS
# The controls a preset sets; presenter mode and predict-first are kept as they are.
MODEL_KEYS = ("lam", "alpha", "data", "a", "c", "w0", "steps", "k", "problem", "w1", "w2")
STEPS_MAX = update_rules.STEPS_MAX
# What the page calls each run (update_rules.RUNS) and each penalty.
# The names of the runs (a penalty and a rule each), as the charts and tables say them.
RUN_NAMES = style.UPDATE_RUN_NAMES
RULES = ("l1_subgradient", "l1_clip", "l1_proximal", "l2")
# The taps of "how many of the four rules end at exactly 0?"
HOW_MANY_CHOICES = ("none", "1", "2", "3", "all 4")

# The regimes are set against the data's pull at 0, |∂J/∂w(0)| = a|c| = 0.5 with the
# default a = 1 and c = 0.5: L1 holds w at exactly 0 once λ ≥ a|c|.
PRESETS = {
    "small": Preset("λ too small", {"lam": "0.01"},
                    "λ = 0.01 is tiny next to the data's pull at 0, a|c| = 0.5: every rule "
                    "follows the unregularized (red) curve to c. No visible effect."),
    "right": Preset("λ appropriate", {"lam": "1"},
                    "λ = 1 beats the data's pull at 0 (a|c| = 0.5): L1 proximal lands on "
                    "exactly 0 and stays there, while L2 only decays geometrically towards "
                    "a·c/(a + 2λ) = 0.17 and never reaches 0."),
    "large": Preset("λ too large", {"lam": "4"},
                    "λ = 4: L1's pull αλ = 0.4 dwarfs the data's step α·a|w − c| ≈ 0.05 near "
                    "0, so L1 subgradient hops in a plateau of width 2αλ = 0.8 around 0, and "
                    "L2 collapses to 0.06 in a few steps: the model ignores its data."),
    "primer": Preset("+0.1 → −0.2 becomes 0", {"data": "false", "w0": "0.1", "lam": "3"},
                     "The primer's example, no data loss, αλ = 0.3: from w₀ = 0.1 the "
                     "subgradient step goes to −0.2, while clip and proximal set w to exactly "
                     "0 (see the numbers of step k = 0 below)."),
    "zeno": Preset("Zeno", {"data": "false", "w0": "1", "lam": "0.5"},
                   "No data loss and 2αλ = 0.1: L2 removes 10 % of w every step, so in real "
                   "numbers w never reaches 0. Scroll to the Zeno chart: floats do get there."),
    "diverge": Preset("Step too big", {"alpha": "1.5", "a": "2"},
                      "α·a = 3 > 2: each gradient step overshoots c by more than it started "
                      "from, and the runs diverge. Lower α or a until they converge."),
}

kit.header("Update rules",
           "The primer's two updates for one weight: L1 is **w − αλ·sign(w) − α∂J/∂w**, "
           "L2 is **w − 2αλw − α∂J/∂w**. L1 subtracts the same amount every step and can land "
           "on exactly 0; L2 removes a share of w and, in real numbers, never gets there.")


class Controls(NamedTuple):
    """What the page's controls hold, and whether the answer is shown."""

    lam: float
    alpha: float
    data: bool
    a: float
    c: float
    w0: float
    steps: int
    k: int
    problem: str
    start: tuple[float, float]   # of the two-weight paths
    show: bool


@st.fragment
def update_rules_page() -> None:
    room = room_panel.current_room()
    lead_box = st.container()   # a student's question leads, above the chart
    with kit.controls_block(PRESETS, keys=MODEL_KEYS, room=room) as block:
        stage = block.stage("λ")
        room_box = room_panel.box(room, stage, lead_box)
        ctl, below, plane_box = page_controls(stage)
    if room.hides_answer:   # the class predicts: the answer waits for the teacher's Reveal
        ctl = ctl._replace(show=False)

    scene = update_rules.scene(ctl.lam, ctl.alpha, a=ctl.a, c=ctl.c, w0=ctl.w0,
                               steps=ctl.steps, data=ctl.data, problem=ctl.problem,
                               start=ctl.start)
    k_shown = min(ctl.k, ctl.steps - 1)
    with room_box:
        room_panel.panel(room, ROOM_PAGE, class_questions(scene, ctl))
    one_weight_section(stage, scene, ctl, k_shown, room)
    # Sent right after the top chart (which leads: see kit.chart), before the formulas (above
    # it on the page) and the Zeno chart (below), so it is drawn next.
    with plane_box:
        two_weights_section(scene, ctl)
    with below:
        formulas_section(scene, ctl, k_shown)
    zeno_section(scene, ctl)
    kit.share_link()
    kit.show_code(optim.step, update_rules.zeno)


def page_controls(stage: kit.Stage):
    """λ on the first screen, the rest beside it, k over the formulas, the problem over the
    two weights; returns the values and the formulas' and the two weights' containers."""
    with stage.control:
        lam = controls.pick_number("λ, regularization strength", "lam", controls.LAMBDAS,
                                   DEFAULTS["lam"])
    with stage.side:
        alpha = controls.pick_number("α, step size", "alpha", controls.ALPHAS,
                                     DEFAULTS["alpha"])
        data = controls.toggle("Data loss J(w) = ½a(w − c)²", "data", DEFAULTS["data"],
                               help="Off: no data loss, only the penalty moves w.")
        a = controls.slider("a, curvature of J", "a", 0.1, 4.0, DEFAULTS["a"], 0.1,
                            disabled=not data)
        c = controls.slider("c, where J is smallest", "c", -2.0, 2.0, DEFAULTS["c"], 0.1,
                            disabled=not data)
        w0 = controls.slider("Start w₀", "w0", -3.0, 3.0, DEFAULTS["w0"], 0.1)
        steps = controls.slider("Steps", "steps", 1, STEPS_MAX, DEFAULTS["steps"], 1)
    with stage.reveal:
        show = kit.predict_reveal(PAGE, (lam, alpha, data, a, c, w0, steps), main=True)
    below = st.container()
    with below:
        st.subheader("The k-th update, with today's numbers")
        k = controls.slider("Step k shown in the formulas", "k", 0, STEPS_MAX - 1,
                            DEFAULTS["k"], 1,
                            help="The update that takes w_k to w_(k+1), for every rule.")
    st.subheader("Two weights")
    plane_box = st.container()
    with plane_box:
        problem = controls.select("Problem (the Landscape page's)", "problem",
                                  PROBLEM_NAMES, DEFAULTS["problem"])
        row = st.columns(2)
        start = (controls.slider("Start w₁", "w1", -5.0, 5.0, DEFAULTS["w1"], 0.1,
                                 container=row[0]),
                 controls.slider("Start w₂", "w2", -3.0, 3.0, DEFAULTS["w2"], 0.1,
                                 container=row[1]))
    return (Controls(lam, alpha, data, a, c, w0, steps, k, problem, start, show), below,
            plane_box)


def place_start(x: float, y: float) -> None:
    """A click on the two-weight view: the paths start there; the sliders and link follow."""
    controls.set_from_chart({"w1": controls.snap(x, -5.0, 5.0, 0.1),
                             "w2": controls.snap(y, -3.0, 3.0, 0.1)})


def answer_range(ctl: Controls) -> tuple[float, float]:
    """The heights a class may answer in, from what the question shows (the start, c, 0),
    not from the answer: from the start a converging run stays between them."""
    ends = [0.0, ctl.w0, ctl.c if ctl.data else 0.0]
    pad = 0.25 * (max(ends) - min(ends)) + 0.1
    return min(ends) - pad, max(ends) + pad


def class_questions(scene, ctl: Controls) -> list[room_panel.Question]:
    """What the teacher's Ask may put to a class room: where L1 proximal's weight is after
    the last step (a click at that height; close: within a tenth of the chart's height),
    while it has not diverged, and how many of the four rules end at exactly 0 (a tap)."""
    n = ctl.steps
    ends = {r: float(scene.runs[r].w[-1]) for r in RULES}
    out = []
    lo, hi = answer_range(ctl)
    if lo <= ends["l1_proximal"] <= hi:
        out.append(room_panel.Question(
            "y", f"After {n} steps at λ = {ctl.lam:g}, where is L1 proximal's weight? Click "
                 "at that height.", box=(0.0, float(n), lo, hi),
            truth=(float(n), ends["l1_proximal"]), near=0.1 * (hi - lo), label="w ="))
    zeros = sum(v == 0.0 for v in ends.values())
    out.append(room_panel.Question("choice", f"After {n} steps at λ = {ctl.lam:g}, how many "
                                   "of the four rules (L1 subgradient, clip, proximal; L2) "
                                   "have their weight at exactly 0?",
                                   choices=HOW_MANY_CHOICES, truth=(zeros,)))
    return out


def one_weight_section(stage: kit.Stage, scene, ctl: Controls, k_shown: int,
                       room: room_panel.Room) -> None:
    """The page's main chart, one weight under every rule, with what it says under it (and
    a class room's answers: while the class says a height, the chart shows the heights a
    click may give)."""
    fig = figures.one_weight_figure(scene, palette=PALETTE, names=RUN_NAMES, k=k_shown,
                                    show_answer=ctl.show)
    if room.asked is not None and room.asked.question.kind == "y":
        fig.spec["layout"]["yaxis"]["range"] = list(room.asked.question.box[2:])
    fig.spec["data"] += figures.room_traces(room, color=PALETTE["l1"])
    stage.main_chart(fig, "update_chart",
                     f"update_rules-lambda-{ctl.lam:g}-alpha-{ctl.alpha:g}", lead=True,
                     on_click=room_panel.answer_click(room) if room.takes_answers else None)
    with stage.below:
        kit.prose(f"The shaded band is ±αλ = ±{scene.band:.4g}: one step of L1's constant pull. "
                  f"The data's pull is α·|∂J/∂w| = α·a|w − c|"
                  + (f" (at w = 0 it is {ctl.alpha * scene.a * abs(ctl.c):.4g})." if ctl.data
                     else " (no data loss: 0).")
                  + " A marker on the axis is a step where a weight lands on exactly 0.")
        warn_diverged(scene.diverged, ctl.alpha, scene.a, ctl.lam)
        if ctl.show:
            st.markdown(final_table(scene))
            clip = scene.runs["l1_clip"]
            if len(clip.landings) > 1:
                kit.prose("Why L1 clip leaves 0 again: at w = 0, sign(0) = 0, so L1 does not "
                          "pull, and the data's step moves w off 0; the next step that "
                          "crosses 0 is clipped back. Proximal compares the whole gradient "
                          "step with αλ, so it stays at 0 as long as the data's pull at 0, "
                          "a|c|, is at most λ.")


def two_weights_section(scene, ctl: Controls) -> None:
    """The same rules on the Landscape page's two-weight problem."""
    kit.prose("The same four rules on the Landscape page's problems, from "
              f"({ctl.start[0]:g}, {ctl.start[1]:g}) (click a panel to start elsewhere), "
              "with the same "
              "α, λ and steps: the L1 rules over J + λ(|w₁| + |w₂|), L2 over "
              "J + λ(w₁² + w₂²). Proximal and clip paths can sit on an axis; subgradient "
              "ones zig-zag across it.")
    kit.chart(figures.two_weight_figure(scene.plane, ctl.lam, palette=PALETTE, names=RUN_NAMES,
                                        show_answer=ctl.show),
              "two_weight_chart",
              f"update_rules-two-weights-{ctl.problem}-lambda-{ctl.lam:g}",
              on_click=place_start)
    kit.warn_diverged({f"on two weights, the {RUN_NAMES[r]} path": p.diverged_at
                       for r, p in scene.plane.runs.items() if p.diverged_at >= 0}, ctl.alpha)


def formulas_section(scene, ctl: Controls, k_shown: int) -> None:
    """The k-th update of every rule, typeset with today's numbers."""
    if ctl.k != k_shown:
        st.caption(f"k = {ctl.k} is past the last update of this run; showing k = {k_shown}.")
    st.latex(data_latex(scene))
    for rid in RULES:
        n = scene.numbers(rid, k_shown) if ctl.show else None
        st.latex(rule_latex(rid, n, k_shown, scene.band, ctl.alpha))
    if not ctl.show:
        st.caption("The numbers are hidden until you reveal the answer.")


def zeno_section(scene, ctl: Controls) -> None:
    """L2 alone in float32 and float64: does w ever reach exactly 0?"""
    st.subheader("Zeno: does L2 ever reach exactly 0?")
    kit.prose("L2 alone (no data loss) gives w_k = (1 − 2αλ)ᵏ·w₀: every step removes the same "
              "share of w, so in real numbers w never reaches 0. Floats do: compiled JAX code on "
              "this CPU flushes any result below the smallest *normal* float to exactly 0. "
              "(With IEEE gradual underflow, as in NumPy, w − 2αλw instead stops changing at a "
              "tiny subnormal, and Zeno wins after all.) Same α, λ and w₀ as above.")
    kit.chart(figures.zeno_figure(scene.zeno, color=PALETTE["l2"],
                                  two_alpha_lambda=2 * scene.band, show_answer=ctl.show),
              "zeno_chart", f"zeno-lambda-{ctl.lam:g}-alpha-{ctl.alpha:g}")
    if ctl.show:
        st.markdown("\n".join(f"- {zeno_sentence(z, ctl.w0)}" for z in scene.zeno.values()))


# ---- text with today's numbers -------------------------------------------------------------

def data_latex(scene) -> str:
    al = (rf"\alpha\lambda = {tex_number(scene.alpha)}\times{tex_number(scene.lam)} = "
          rf"{tex_number(scene.band)}")
    if scene.a == 0:
        return rf"J(w) = 0\ \text{{(no data loss)}},\quad \tfrac{{\partial J}}{{\partial w}} = 0," \
               rf"\quad {al}"
    return (rf"J(w) = \tfrac12 a(w - c)^2,\quad \tfrac{{\partial J}}{{\partial w}} = a(w - c) = "
            rf"{tex_number(scene.a)}\,(w - {tex_number(scene.c, paren=True)}),\quad {al}")


def rule_latex(rid: str, n, k: int, band: float, alpha: float) -> str:
    """One rule's update from w_k to w_(k+1), symbols on the first line, numbers on the second.

    ``n`` is core's ``StepNumbers`` of this step: every number shown is one of them.
    Without ``n`` (the answer is hidden) only the symbols are typeset.
    """
    if n is None:
        return rule_latex(rid, _NO_NUMBERS, k, band, alpha).split(r" \\ ")[0] + \
            r"\end{gathered}"
    K1 = f"w_{{{k + 1}}}"
    w, g, a = tex_number(n.w), tex_number(n.grad, paren=True), tex_number(alpha)
    b, s, new = tex_number(band), tex_sign(n.w), tex_number(n.new)
    data = rf"{a}\cdot{g}"
    if rid == "l1_subgradient":
        head = r"\textsf{L1 subgradient:}\quad w_{k+1} = w_k - \alpha\lambda\,\mathrm{sign}(w_k)" \
               r" - \alpha\,\partial J/\partial w"
        nums = rf"{K1} = {w} - {b}\cdot({s}) - {data} = {new}"
    elif rid == "l1_clip":
        head = r"\textsf{L1 clip:}\quad u = w_k - \alpha\lambda\,\mathrm{sign}(w_k) - \alpha\," \
               r"\partial J/\partial w,\ \ w_{k+1} = 0 \text{ if the sign flipped, else } u"
        nums = rf"u = {w} - {b}\cdot({s}) - {data} = {tex_number(n.raw)}"
        nums += (rf"\ \Rightarrow\ \text{{the sign flipped: }} {K1} = {new}" if n.zeroed
                 else rf",\quad {K1} = {new}")
    elif rid == "l1_proximal":
        head = r"\textsf{L1 proximal:}\quad v = w_k - \alpha\,\partial J/\partial w,\ \ " \
               r"w_{k+1} = \mathrm{sign}(v)\max(|v| - \alpha\lambda,\ 0)"
        v = tex_number(n.v)
        nums = (rf"v = {w} - {data} = {v},\quad {K1} = \mathrm{{sign}}({v})"
                rf"\max(|{v}| - {b},\ 0) = {new}")
    elif rid == "l2":
        head = r"\textsf{L2:}\quad w_{k+1} = w_k - 2\alpha\lambda\,w_k - \alpha\,\partial J/" \
               r"\partial w"
        nums = rf"{K1} = {w} - 2\cdot{b}\cdot{tex_number(n.w, paren=True)} - {data} = {new}"
    else:
        raise ValueError(rid)
    return rf"\begin{{gathered}}{head} \\ {nums}\end{{gathered}}"


_NO_NUMBERS = update_rules.StepNumbers(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False)


def final_table(scene) -> str:
    rows = [f"| rule | w after {scene.steps} steps | first step at exactly 0 | "
            "steps at exactly 0 | minimizer of J + λ·P |", "|---|---|---|---|---|"]
    for rid, run in scene.runs.items():
        m = scene.minimizers[run.kind]
        first = run.first_zero
        end = (f"diverged at step {run.diverged_at}" if run.diverged_at >= 0
               else figures.fmt_weight(run.w[-1]))
        rows.append(f"| {RUN_NAMES[rid]} | {end} | "
                    f"{first if first >= 0 else 'never'} | {len(run.zeros)} | "
                    f"{figures.fmt_weight(m) if m is not None else 'any w'} |")
    return "\n".join(rows)


def zeno_sentence(z, w0: float) -> str:
    name = f"**{z.dtype}**"
    if w0 == 0:
        return f"{name}: w₀ = 0, so there is nothing to decay."
    if z.zero_at >= 0:
        return (f"{name}: w is exactly 0 at step **{z.zero_at:,}**, the first step at which "
                f"|w| would drop below {z.floor:.3g}, the smallest {z.dtype} this code keeps "
                f"(predicted: log({z.floor:.3g}/|w₀|) / log|1 − 2αλ| = {z.predicted:,.1f}). "
                f"The last non-zero value was {z.last:.3g}.")
    if z.status == update_rules.ZENO_RUNNING:
        need = (f"; it would need about {z.predicted:,.0f} steps" if z.predicted == z.predicted
                else "")
        return (f"{name}: not 0 after {z.end:,} steps, the most this page runs "
                f"(|w| is still {z.last:.3g}){need}.")
    if z.status == update_rules.ZENO_DIVERGED:
        return (f"{name}: 2αλ > 2, so each step overshoots 0 by more than w was: |w| grows "
                f"without bound (stopped at step {z.end:,}).")
    if z.last == abs(w0) and z.end == 1:
        return (f"{name}: with 2αλ = 0 or 2, |w| never changes (λ = 0 removes nothing; "
                "2αλ = 2 flips the sign of w forever).")
    return (f"{name}: w stops changing at {z.last:.3g} (step {z.end:,}) and never reaches 0: "
            "Zeno wins.")


def warn_diverged(diverged: dict, alpha: float, a: float, lam: float) -> None:
    """The one weight's runs that diverged, each with its curvature's reason."""
    def why(rid: str) -> str:
        if rid == "l2":
            return f"α(a + 2λ) = {alpha * (a + 2 * lam):.3g} > 2"
        return f"α·a = {alpha * a:.3g} > 2"

    kit.warn_diverged({f"{RUN_NAMES[rid]} ({why(rid)})": at for rid, at in diverged.items()},
                      alpha, try_also=" or a")


update_rules_page()
