"""Landscape: a two-weight loss plus λ·penalty, its minimizers and a descent path."""

from typing import NamedTuple

import streamlit as st

from core import optim, own_data, penalties, solve
from core.scenes import landscape
from ui import controls, data_panel, figures, kit, room_panel
from ui.figures import style
from ui.figures.style import PALETTE, PENALTY_NAMES, PROBLEM_NAMES, RULE_NAMES
from ui.kit import Preset

PAGE = "landscape"
DEFAULTS = landscape.DEFAULTS
VIEWS = style.LANDSCAPE_VIEWS
# The controls a preset sets; the view and presenter mode are kept as they are.
MODEL_KEYS = ("problem", "penalty", "lam", "mix", "rule", "alpha", "steps", "w1", "w2")
PRESETS = {
    "small": Preset("λ too small", {"lam": "0.01"},
                    "λ too small: every minimizer sits almost on the unregularized (red) star. "
                    "No visible effect."),
    "right": Preset("λ appropriate", {"lam": "1"},
                    "λ appropriate: the L1 minimizer lands on the w₁ axis, so w₂ is exactly 0 "
                    "(a feature switched off); L2 shrinks both weights and keeps both."),
    "large": Preset("λ too large", {"lam": "5"},
                    "λ too large: L1 sets both weights to exactly 0 and L2 squashes both "
                    "towards 0. The model ignores the data: it underfits."),
    "convex": Preset("Non-convex", {"problem": "non-convex", "penalty": "L2", "lam": "0",
                                    "w1": "-3", "w2": "2"},
                     "A non-convex loss with several valleys: from this start, descent gets "
                     "stuck in a bad one. Raise λ: L2's bowl removes the bad valleys."),
    "diverge": Preset("Step too big", {"penalty": "none", "alpha": "0.8"},
                      "α·L > 2: each step overshoots further than the last and the path "
                      "diverges. Lower α until it converges."),
}

kit.header("Loss landscape",
           "The cost a model minimizes is the data loss **J(w)** plus **λ·P(w)**, a penalty on "
           "the weights. Move λ and watch the minimizer: L1's diamond pulls it onto an axis (a "
           "weight of exactly 0), L2's circle only shrinks it.")


class Controls(NamedTuple):
    """What the page's controls hold, and whether the answer is shown."""

    view: str
    problem: str
    kind: str
    lam: float
    mix: float
    rule: str
    alpha: float
    steps: int
    w1: float
    w2: float
    show: bool
    data: data_panel.Chosen   # built-in (prep None), a sample or a class's CSV


@st.fragment
def landscape_page() -> None:
    room = room_panel.current_room()
    above = st.container()   # a student's question leads, above the chart
    with kit.controls_block(PRESETS, keys=MODEL_KEYS, room=room) as block:
        stage = block.stage("λ")
        room_box = room_panel.box(room, stage, above)
        c = page_controls(stage)
    if room.hides_answer:   # the class predicts: the answer waits for the teacher's Reveal
        c = c._replace(show=False)

    scene = landscape.scene(c.problem, c.kind, c.lam, alpha=c.alpha, steps=c.steps,
                            w0=(c.w1, c.w2), rule=c.rule, mix=c.mix, fixed=own_fixed(c))
    with room_box:
        room_panel.panel(room, PAGE, class_questions(scene, c))
    main_section(stage, scene, c, room)
    st.latex(objective_latex(c.kind, c.lam, c.mix))
    st.latex(update_latex(c.kind, c.rule, c.lam, c.alpha))
    if c.show:
        st.subheader("Minimizers")
        st.markdown(minimizer_table(scene))
    more_views_section(scene, c)
    kit.share_link()
    kit.show_code(penalties.prox, solve.minimize)


def page_controls(stage: kit.Stage) -> Controls:
    """λ on the first screen, the problem, penalty, rule and start beside it."""
    with stage.control:
        lam = controls.pick_number("λ, regularization strength", "lam", controls.LAMBDAS,
                                   DEFAULTS["lam"])
    with stage.side:
        view = controls.choose("View", "view", VIEWS, DEFAULTS["view"], horizontal=True)
        data = data_panel.section(PAGE, SAMPLES, two=True)
        problem = controls.select("Problem (data loss J)", "problem",
                                  PROBLEM_NAMES, DEFAULTS["problem"],
                                  disabled=data.prep is not None,
                                  help="Your data set the problem while they are in use.")
        kind = controls.select("Penalty P", "penalty", PENALTY_NAMES, DEFAULTS["penalty"],
                               help="L0 and Lp (p = ½) are non-convex: shown for comparison.")
        mix = controls.slider("Elastic-net mix (share of L1)", "mix", 0.0, 1.0,
                              DEFAULTS["mix"], 0.05, disabled=kind != "elastic_net")
        rule = controls.select("Update rule", "rule", RULE_NAMES, DEFAULTS["rule"],
                               help="How the penalty enters each gradient step.")
        alpha = controls.pick_number("α, step size", "alpha", controls.ALPHAS,
                                     DEFAULTS["alpha"])
        steps = controls.slider("Steps", "steps", 1, optim.STEPS_COMPILED, DEFAULTS["steps"], 1)
        w1, w2 = start_controls(data)
    with stage.reveal:
        show = kit.predict_reveal(PAGE, (problem, kind, lam, mix, rule, alpha, steps, w1, w2,
                                         data.key), main=True)
    if data.prep is not None:
        problem = "own"
    return Controls(view, problem, kind, lam, mix, rule, alpha, steps, w1, w2, show, data)


# ---- the data, and the start a click places -------------------------------------------------

SAMPLES = ("diabetes", "cancer")


def own_problem(data: data_panel.Chosen):
    """The two-weight problem of the page's data (None: built-in), kept in the session."""
    if data.prep is None:
        return None
    p = data.prep
    key = ("problem", data.key, p.features, p.target, p.kind, p.standardized)
    return data_panel.session_cache(key, lambda: own_data.landscape_problem(p))


def start_controls(data: data_panel.Chosen) -> tuple[float, float]:
    """The start sliders: in the URL for the built-in data; for other data, in a box of
    their own (a link cannot carry those data, so it does not carry their start)."""
    problem = own_problem(data)
    if problem is None:
        return (controls.slider("Start w₁", "w1", -5.0, 5.0, DEFAULTS["w1"], 0.1),
                controls.slider("Start w₂", "w2", -3.0, 3.0, DEFAULTS["w2"], 0.1))
    r, step = start_range(problem)
    keys = start_keys(data)
    return (st.slider("Start w₁", -r, r, round(-0.8 * r, 10), step, key=keys[0]),
            st.slider("Start w₂", -r, r, round(0.8 * r, 10), step, key=keys[1]))


def start_range(problem) -> tuple[float, float]:
    """The half-width of the data's box and the start sliders' step (1/50 of it)."""
    r = float(problem.view[1])
    return r, round(r / 50, 12)


def start_keys(data: data_panel.Chosen) -> tuple[str, str]:
    p = data.prep
    tag = f"{data.key}-{'-'.join(p.features)}-{p.target}-{p.kind}-{p.standardized}"
    return f"start_w1_{tag}", f"start_w2_{tag}"


def place_start(c: Controls):
    """What a click on the contours does: the start goes there (rounded to the sliders'
    step, kept inside their range), and the sliders and the link follow."""
    problem = own_problem(c.data)

    def clicked(x: float, y: float) -> None:
        if problem is None:
            controls.set_from_chart({"w1": controls.snap(x, -5.0, 5.0, 0.1),
                                     "w2": controls.snap(y, -3.0, 3.0, 0.1)})
            return
        r, step = start_range(problem)
        for k, v in zip(start_keys(c.data), (x, y), strict=True):
            st.session_state[k] = controls.snap(v, -r, r, step)

    return clicked


def own_fixed(c: Controls):
    """For data of the page's own, everything λ does not change (kept in the session: no
    cache another session reads holds it); None for the built-in data."""
    problem = own_problem(c.data)
    if problem is None:
        return None
    key = ("fixed", c.data.key, c.data.prep.features, c.data.prep.target, c.data.prep.kind,
           c.data.prep.standardized, c.kind, c.alpha, c.steps, c.w1, c.w2, c.rule, c.mix)
    return data_panel.session_cache(key, lambda: landscape.fixed_scene(
        problem, c.kind, float(c.alpha), int(c.steps), (float(c.w1), float(c.w2)), c.rule,
        float(c.mix)))


def class_questions(scene, c: Controls) -> list[room_panel.Question]:
    """What the teacher's Ask may put to a class room: where the page's minimizer lands (a
    click), and which of its weights are exactly 0 (a tap)."""
    x0, x1, y0, y1 = scene.problem.view
    w = tuple(float(v) for v in scene.minimizer(c.kind).w)
    name = PENALTY_NAMES[c.kind]
    return [
        room_panel.Question("point", f"Where does the {name} minimizer land at λ = {c.lam:g}?",
                            box=(x0, x1, y0, y1), truth=w, near=0.08 * (x1 - x0)),
        room_panel.Question("choice", f"At λ = {c.lam:g}, which weights of the {name} "
                            "minimizer are exactly 0?", choices=room_panel.ZERO_CHOICES,
                            truth=(room_panel.zero_choice(w),)),
    ]


def main_section(stage: kit.Stage, scene, c: Controls, room: room_panel.Room) -> None:
    """The landscape (contours or surface), the page's main chart, with notices under it."""
    if c.view == "contours":
        fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                       w0=(c.w1, c.w2), show_answer=c.show)
    else:
        fig = figures.surface_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                     show_answer=c.show)
    if c.data.prep is not None and isinstance(fig, figures.PlainFigure):
        layout = fig.spec["layout"]
        for axis, weight, name in zip(("xaxis", "yaxis"), ("w₁", "w₂"),
                                      c.data.prep.features, strict=True):
            layout.setdefault(axis, {})["title"] = {"text": f"{weight} ({name})"}
    if isinstance(fig, figures.PlainFigure):
        fig.spec["data"] += figures.room_traces(room, color=PALETTE[c.kind])
    click = room_panel.answer_click(room) if room.takes_answers else place_start(c)
    stage.main_chart(fig, "landscape_chart",
                     f"landscape-{c.problem}-{c.kind}-lambda-{c.lam:g}",
                     on_click=click if c.view == "contours" else None)
    run = scene.run()
    with stage.below:
        st.caption("Click the contours to start the descent there. Drag **scrub λ** under "
                   "the chart to see other λ at once (nothing is recomputed); the λ slider "
                   "sets the numbers below and the link.")
        if c.data.prep is not None:
            own_notes(c.data)
        if run.diverged_at >= 0:
            L = scene.smoothness
            why = f" (α·L = {c.alpha:g} × {L:.3g} = {c.alpha * L:.3g} > 2)" if L else ""
            kit.warn_diverged({"the path": run.diverged_at}, c.alpha, why=why)
        if c.problem == "sine":
            st.info(f"J + λ·P has **{scene.local_minima}** local minima in this window. "
                    "Raise λ with L2 and watch the bad ones disappear: regularization makes "
                    "the landscape more convex.")
        if c.kind in ("l0", "lp"):
            kit.prose("L0 counts the non-zero weights; Lp with p = ½ lies between L0 and L1. "
                      "Both are non-convex (their level sets bend inwards); L1 is the closest "
                      "convex stand-in. Their proximal step is a hard (L0) or half (Lp) "
                      "threshold.")


def more_views_section(scene, c: Controls) -> None:
    """The primer's L1 | L2 figure, and the cost along the path once it is revealed."""
    st.subheader("L1 and L2 side by side")
    kit.prose("The primer's figure: the same data loss and the same λ. The diamond's corners "
              "sit on the axes, so the L1 minimizer tends to land on one; the circle has no "
              "corners.")
    kit.chart(figures.side_by_side_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                          show_answer=c.show),
              "side_by_side_chart", f"l1-vs-l2-{c.problem}-lambda-{c.lam:g}")
    if c.show:
        st.subheader("Cost along the path")
        kit.chart(figures.path_costs_figure(scene.run().costs, color=PALETTE[c.kind],
                                            name=PENALTY_NAMES[c.kind]),
                  "path_costs_chart", f"path-costs-{c.problem}-{c.kind}")


def own_notes(data: data_panel.Chosen) -> None:
    """What the page fits on data of its own, in one line (and a warning if the classes are
    separable: without a penalty the logistic weights would grow without end)."""
    p = data.prep
    model = "logistic regression" if p.kind == "logistic" else "least squares"
    std = "standardized" if p.standardized else "centred, not standardized"
    st.caption(f"J: {model} of “{p.target}” on “{p.features[0]}” (w₁) and “{p.features[1]}” "
               f"(w₂), {len(p.y)} rows of {data.label}, {std}.")
    if own_data.separable(p):
        st.warning("The two classes are separable on these features: without a penalty the "
                   "weights grow without end, so the unregularized star sits at the box's "
                   "edge. Any λ > 0 gives a finite minimizer.")


def minimizer_table(scene) -> str:
    rows = ["| penalty | w₁ | w₂ | exact zeros |", "|---|---|---|---|"]
    for k, m in scene.minimizers.items():
        rows.append(f"| {PENALTY_NAMES[k]} | {figures.fmt_weight(m.w[0])} | "
                    f"{figures.fmt_weight(m.w[1])} | {int((m.w == 0).sum())} |")
    return "\n".join(rows)


def objective_latex(kind: str, lam: float, mix: float) -> str:
    """The objective with today's λ (and mix)."""
    term = (penalties.PENALTIES[kind].formula.replace("⟨mix⟩", f"{mix:g}")
            .replace("⟨1−mix⟩", f"{1 - mix:g}"))
    return rf"J(w) + \lambda P(w) = J(w) + {lam:g}\cdot\left({term}\right)"


def update_latex(kind: str, rule: str, lam: float, alpha: float) -> str:
    """The update rule of the path with today's α and λ."""
    v = r"w_k - \alpha\,\nabla J(w_k)"
    a, al = f"{alpha:g}", f"{alpha * lam:.4g}"
    if kind == "none":
        return rf"w_{{k+1}} = {v},\quad \alpha = {a}"
    if rule == "proximal":
        name = penalties.PENALTIES[kind].prox_name
        return (rf"w_{{k+1}} = \operatorname{{{name}}}_{{\alpha\lambda}}\!\left({v}\right),"
                rf"\quad \alpha\lambda = {a}\times{lam:g} = {al}")
    pull = penalties.PENALTIES[kind].pull
    clip = r",\ \text{a weight whose sign flips} \to 0" if rule == "clip" else ""
    return rf"w_{{k+1}} = {v} - {pull}{clip},\quad \alpha\lambda = {al}"


landscape_page()
