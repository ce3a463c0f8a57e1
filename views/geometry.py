"""Geometry: level sets touching the L1 diamond and the L2 circle; penalized ↔ constrained;
how often L1 lands on an axis over many random problems."""

import numpy as np
import streamlit as st

from core.scenes import geometry
from ui import controls, figures, kit, room_panel
from ui.figures.style import PALETTE, PENALTY_NAMES
from ui.kit import Preset

PAGE = "geometry"
DEFAULTS = geometry.DEFAULTS
# The controls a preset sets; the Monte Carlo's and presenter mode are kept as they are.
MODEL_KEYS = ("c1", "c2", "elong", "rot", "t", "lam")
PRESETS = {
    "small": Preset("λ too small", {"lam": "0.01", "t": "3.2"},
                    "λ too small, t large: the balls are so big that they hardly bind. Every "
                    "answer sits almost on the unconstrained (red) star: no visible effect."),
    "right": Preset("λ appropriate", {"lam": "1", "t": "1.5"},
                    "λ appropriate: the level set touches the diamond at its corner on the w₁ "
                    "axis, so w₂ is exactly 0. It touches the circle at a point where both "
                    "weights are non-zero."),
    "large": Preset("λ too large", {"lam": "5", "t": "0.2"},
                    "λ too large, t tiny: L1's answer is (0, 0) at λ = 5 and L2's is squashed "
                    "towards 0. The model ignores the data: it underfits."),
    "round": Preset("Round bowl", {"elong": "1", "c1": "1.5", "c2": "1", "t": "1"},
                    "Circular level sets: the answer is the point of the ball nearest to the "
                    "centre. L1 still takes a corner when the centre is far enough from the "
                    "diagonal; move c₂ towards c₁ and it leaves the corner."),
    "diagonal": Preset("Centre on the diagonal", {"c1": "1.5", "c2": "1.5", "elong": "1",
                                                  "t": "1.5"},
                       "Centre on the diagonal: the level set touches the diamond along its "
                       "edge, not at a corner, so even L1 keeps both weights. L1 makes zeros "
                       "often, not always."),
}

kit.header("Geometry: diamond vs circle",
           "Regularizing is the same as limiting a budget: find the smallest data loss **J** "
           "inside a ball ‖w‖ ≤ t. The L1 ball is a diamond whose corners sit on the axes, so "
           "the level sets of J tend to touch it at a corner, where a weight is **exactly 0**; "
           "the L2 ball is a circle, touched at a point where both weights are non-zero.")


@st.fragment
def geometry_page() -> None:
    room = room_panel.current_room()
    lead_box = st.container()   # a student's question leads, above the chart
    with kit.controls_block(PRESETS, keys=MODEL_KEYS, room=room) as block:
        stage = block.stage("t")
        room_box = room_panel.box(room, stage, lead_box)
        with stage.control:
            t = controls.slider("t, budget (ball radius)", "t", 0.0, 3.5, DEFAULTS["t"], 0.05)
        with stage.side:
            c1 = controls.slider("Centre c₁ of J", "c1", -3.0, 3.0, DEFAULTS["c1"], 0.1,
                                 help="J's own minimizer (no constraint) is c = (c₁, c₂).")
            c2 = controls.slider("Centre c₂ of J", "c2", -3.0, 3.0, DEFAULTS["c2"], 0.1)
            elong = controls.slider("Elongation of J", "elong", 1.0, 5.0, DEFAULTS["elong"],
                                    0.5, help="Long axis ÷ short axis of J's elliptic level "
                                              "sets (1: circles). Correlated features make it "
                                              "long.")
            rot = controls.slider("Rotation of J (°)", "rot", 0, 175, DEFAULTS["rot"], 5,
                                  help="Angle of the long axis from the w₁ axis.")
        duality_box = st.container()
        with duality_box:
            st.subheader("Penalized ↔ constrained: each λ is a budget t")
            kit.prose("Minimizing **J + λ·P** gives w*(λ). Draw the ball through it, of radius "
                      "t(λ) = ‖w*(λ)‖, and solve the constrained problem with that budget: the "
                      "ring lands on the star. Every λ is some budget t, and the two answers "
                      "coincide.")
            lam = controls.pick_number("λ, regularization strength", "lam", controls.LAMBDAS,
                                       DEFAULTS["lam"], container=st.columns([2, 3])[0])
        with stage.reveal:
            show = kit.predict_reveal(PAGE, (c1, c2, elong, rot, t, lam), main=True)
        # the class predicts: the answer waits for the teacher's Reveal
        show = show and not room.hides_answer
        # The charts t and λ move are built and sent before the how-often section below
        # them, whose own controls must still be made inside this block
        scene = geometry.scene((c1, c2), elong, rot, t, lam)
        with room_box:
            room_panel.panel(room, PAGE, class_questions(scene))
        main_section(stage, scene, show, room)
        duality_section(duality_box, scene, show)
        how_often()

    kit.show_code(geometry.project_l1_ball, geometry.project_l2_ball,
                  geometry.projected_gradient)


def move_center(x: float, y: float) -> None:
    """A click on a panel, or the centre's handle dragged there: J's centre moves there, and
    the sliders and the link follow."""
    controls.set_from_chart({"c1": controls.snap(x, -3.0, 3.0, 0.1),
                             "c2": controls.snap(y, -3.0, 3.0, 0.1)})


def class_questions(scene) -> list[room_panel.Question]:
    """What the teacher's Ask may put to a class room: where the L1 ball's answer lands (a
    click on the diamond's panel; close: within 8 % of the panel's width), and which weights
    of each ball's answer are exactly 0 (a tap)."""
    x0, x1, y0, y1 = scene.problem.view
    t = f"{scene.t:g}"
    out = [room_panel.Question("point", f"Where does the answer in the L1 ball (t = {t}) "
                               "land? Click it on the diamond's panel.", box=(x0, x1, y0, y1),
                               truth=tuple(float(v) for v in scene.constrained["l1"].w),
                               near=0.08 * (x1 - x0))]
    for kind in geometry.BALLS:
        out.append(room_panel.Question("choice", f"In the {PENALTY_NAMES[kind]} ball of "
                                       f"radius t = {t}, which weights of the answer are "
                                       "exactly 0?", choices=room_panel.ZERO_CHOICES,
                                       truth=(room_panel.zero_choice(
                                           scene.constrained[kind].w),)))
    return out


def main_section(stage: kit.Stage, scene, show: bool, room: room_panel.Room) -> None:
    """The level sets touching both balls at radius t, the page's main chart, with what it
    says and the constrained answers under it (and a class room's answers, on the diamond's
    panel)."""
    l1, l2 = scene.constrained["l1"], scene.constrained["l2"]
    fig = figures.constrained_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                     show_answer=show)
    fig.spec["data"] += figures.room_traces(room, color=PALETTE["l1"])
    if room.takes_answers:   # a drag of J's centre would answer too: the handles go
        fig.spec["layout"]["shapes"] = []
    stage.main_chart(fig, "geometry_chart", f"constrained-t-{scene.t:g}",
                     on_click=room_panel.answer_click(room) if room.takes_answers
                     else move_center)
    with stage.below:
        kit.prose("Click a panel (or drag the ring at J's centre) to move J there. "
                  "Shrink the level sets of J (grey) from the red star until one just touches "
                  "the ball: that **touching level set** (solid) meets the ball at the "
                  "constrained answer. The diamond's corners stick out, so they are usually "
                  "touched first.")
        inside = [PENALTY_NAMES[k] for k in geometry.BALLS
                  if float(geometry.norm(k, scene.center)) <= scene.t]
        if inside:
            both = len(inside) > 1
            st.info(f"The {' and the '.join(inside)} ball{'s' if both else ''} already "
                    f"hold{'' if both else 's'} J's own minimizer (the red star): "
                    f"{'those constraints do' if both else 'that constraint does'} nothing. "
                    "Lower t to make it bind.")
        st.latex(constrained_latex(scene))
        if show:
            st.markdown(answer_table(l1, l2))
        if scene.residual > 10 * geometry.TOL:
            st.warning(f"The constrained solver stopped before it converged (residual "
                       f"{scene.residual:.1e}); the numbers shown may be slightly off.")


def duality_section(duality_box, scene, show: bool) -> None:
    """Penalized ↔ constrained over λ, in its box (its heading and λ are above it)."""
    with duality_box:
        kit.chart(figures.duality_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                         show_answer=show),
                  "duality_chart", f"penalized-vs-constrained-lambda-{scene.lam:g}")
        st.caption("Drag **scrub λ** under the chart to see other λ at once (nothing is "
                   "recomputed); the λ slider above sets the numbers below and the link.")
        st.latex(duality_latex(scene))
        if show:
            gap = max(d.gap for d in scene.duality.values())
            st.caption(f"Largest gap between the constrained answer at t(λ) and the penalized "
                       f"answer at λ, over the {len(scene.lams)} λ of the slider: {gap:.1e} "
                       "(the solvers' tolerance).")


@st.fragment
def how_often() -> None:
    """How often each ball gives an exact zero, over many random problems: a fragment of its
    own, so its sliders rerun this section only (the figures above stay as they are)."""
    st.subheader("How often does each ball give an exact zero?")
    kit.prose("Many random problems: centres c at random angles, level sets of one "
              "elongation tilted at random. Each is solved in the L1 ball and in the L2 "
              "ball with a **matched budget**: each ball shrinks the answer to the same "
              "share of its own norm, t = share·‖c‖.")
    cols = st.columns(5, gap="medium")
    n = controls.slider("N, random problems", "mc_n", 100, geometry.N_MAX,
                        DEFAULTS["mc_n"], 100, container=cols[0])
    share = controls.slider("Budget share t / ‖c‖", "mc_share", 0.1, 0.9,
                            DEFAULTS["mc_share"], 0.05, container=cols[1],
                            help="t = share·‖c‖₁ for L1 and share·‖c‖₂ for L2: both "
                                 "constraints bind, equally hard.")
    mc_elong = controls.slider("Elongation of the family", "mc_elong", 1.0, 5.0,
                               DEFAULTS["mc_elong"], 0.5, container=cols[2])
    mc_rot = controls.slider("Random tilt up to ± (°)", "mc_rot", 0, 90,
                             DEFAULTS["mc_rot"], 5, container=cols[3],
                             help="0: every long axis along w₁; 90: any direction.")
    seed = controls.slider("Seed", "mc_seed", 0, 99, DEFAULTS["mc_seed"], 1,
                           container=cols[4],
                           help="Same seed, same problems: the numbers reproduce.")
    mc = geometry.monte_carlo(n, seed=seed, elongation=mc_elong, max_rotation=mc_rot,
                              share=share)
    show_mc = kit.predict_reveal(f"{PAGE}_mc", (n, seed, mc_elong, mc_rot, share))
    if show_mc:
        a, b = st.columns(2)
        a.metric("L1 answers with an exact 0", f"{100 * mc.share_l1:.1f} %",
                 help=f"{int(round(mc.share_l1 * mc.n)):,} of {mc.n:,} problems")
        b.metric("L2 answers with an exact 0", f"{100 * mc.share_l2:.1f} %",
                 help=f"{int(round(mc.share_l2 * mc.n)):,} of {mc.n:,} problems")
    kit.chart(figures.angle_histogram_figure(mc, palette=PALETTE, names=PENALTY_NAMES,
                                             show_answer=show_mc),
              "often_chart", f"how-often-n-{n}-seed-{seed}")
    kit.prose("The angle of an answer from the w₁ axis is 0° when w₂ = 0 and 90° when "
              "w₁ = 0. The unconstrained minimizers (outline) spread evenly; L1's answers "
              "pile up on the two axes, L2's do not.")
    # here, not at the page's end: this section's own reruns must update the link too
    kit.share_link()


def constrained_latex(scene) -> str:
    """The constrained problem with today's J (A and c) and t."""
    A, c = scene.A, scene.center
    J = (rf"J(w) = (w - c)^\top A\,(w - c),\quad c = \begin{{pmatrix}}{c[0]:.3g}\\{c[1]:.3g}"
         rf"\end{{pmatrix}},\ A = \begin{{pmatrix}}{A[0, 0]:.3g} & {A[0, 1]:.3g}\\"
         rf"{A[1, 0]:.3g} & {A[1, 1]:.3g}\end{{pmatrix}}")
    return (r"\begin{gathered}" + J + r"\\ "
            rf"\min_w J(w)\ \text{{s.t.}}\ |w_1| + |w_2| \le {scene.t:g}"
            rf"\ \text{{(L1) or}}\ \sqrt{{w_1^2 + w_2^2}} \le {scene.t:g}\ \text{{(L2)}}"
            r"\end{gathered}")


def duality_latex(scene) -> str:
    """t(λ) with today's λ for both balls."""
    d1, d2 = scene.duality["l1"], scene.duality["l2"]
    i, lam = scene.index, scene.lam
    return (rf"\begin{{gathered}}w^*(\lambda) = \arg\min_w J(w) + {lam:g}\,P(w)\\ "
            rf"t_{{L1}}(\lambda) = \|w^*\|_1 = {d1.t[i]:.4g},\quad "
            rf"t_{{L2}}(\lambda) = \|w^*\|_2 = {d2.t[i]:.4g}\end{{gathered}}")


def answer_table(l1, l2) -> str:
    rows = ["| ball, radius t | w₁ | w₂ | exact zeros | J at the answer |", "|---|---|---|---|---|"]
    for a in (l1, l2):
        rows.append(f"| {PENALTY_NAMES[a.kind]}, t = {a.t:g} | {figures.fmt_weight(a.w[0])} | "
                    f"{figures.fmt_weight(a.w[1])} | {int(np.sum(a.w == 0))} | {a.J:.4g} |")
    return "\n".join(rows)


geometry_page()
