"""Landscape: a two-weight loss plus λ·penalty, its minimizers and a descent path."""

import inspect

import streamlit as st

from core import penalties, scenes
from ui import controls, figures
from ui.controls import PALETTE, PENALTY_NAMES

st.title("Loss landscape")
st.markdown(
    "The cost a model minimizes is the data loss **J(w)** plus **λ·P(w)**, a penalty on the "
    "weights. Move λ and watch the minimizer move: L1's diamond pulls it onto an axis "
    "(a weight of exactly 0), L2's circle only shrinks it."
)


@st.fragment
def landscape() -> None:
    left, right = st.columns([1, 3], gap="medium")
    with left:
        problem = controls.select("Problem (data loss J)", "problem", controls.PROBLEM_NAMES,
                                  "least_squares")
        kind = controls.select("Penalty P", "penalty", PENALTY_NAMES, "l1",
                               help="L0 and Lp (p = ½) are non-convex: shown for comparison.")
        lam = controls.pick_number("λ, regularization strength", "lam", controls.LAMBDAS, 0.5)
        mix = controls.slider("Elastic-net mix (share of L1)", "mix", 0.0, 1.0, 0.5, 0.05,
                              disabled=kind != "elastic_net")
        rule = controls.select("Update rule", "rule", controls.RULE_NAMES, "proximal",
                               help="How the penalty enters each gradient step.")
        alpha = controls.pick_number("α, step size", "alpha", controls.ALPHAS, 0.1)
        steps = controls.slider("Steps", "steps", 1, 500, 100, 1)
        w1 = controls.slider("Start w₁", "w1", -5.0, 5.0, -2.5, 0.1)
        w2 = controls.slider("Start w₂", "w2", -3.0, 3.0, 2.5, 0.1)

    scene = scenes.landscape(problem, kind, lam, alpha=alpha, steps=steps, w0=(w1, w2),
                             rule=rule, mix=mix)
    run = scene.runs[kind]
    with right:
        view = controls.choose("View", "view", {"contours": "Contours", "surface": "3D surface"},
                               "contours", horizontal=True)
        if view == "contours":
            fig = figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=(w1, w2))
        else:
            fig = figures.surface_figure(scene, palette=PALETTE, names=PENALTY_NAMES)
        st.plotly_chart(fig, key="landscape_chart", config={"displaylogo": False})
        if run.diverged_at >= 0:
            L = scene.smoothness
            why = (f" (α·L = {alpha:g} × {L:.3g} = {alpha * L:.3g} > 2)" if L else "")
            st.warning(f"The path diverged at step {run.diverged_at}: the step size α = {alpha:g} "
                       f"is too large for this curvature{why}. It stops at its last finite "
                       "point. Try a smaller α.")
        if problem == "sine":
            st.info(f"J + λ·P has **{scene.local_minima}** local minima in this window. "
                    "Raise λ with L2 and watch the bad ones disappear: regularization makes "
                    "the landscape more convex.")

    if kind in ("l0", "lp"):
        st.caption("L0 counts the non-zero weights; Lp with p = ½ lies between L0 and L1. Both "
                   "are non-convex: see the level sets bend inwards. L1 is the closest convex "
                   "stand-in. Their proximal step is a hard (L0) or half (Lp) threshold.")

    st.subheader("Minimizers")
    st.markdown(minimizer_table(scene))
    st.latex(objective_latex(kind, lam, mix))
    st.latex(update_latex(kind, rule, lam, alpha))

    st.subheader("L1 and L2 side by side")
    st.caption("The primer's figure: the same data loss and the same λ. The diamond's corners "
               "sit on the axes, so the L1 minimizer tends to land on one; the circle has no "
               "corners.")
    st.plotly_chart(figures.side_by_side_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                                w0=(w1, w2)),
                    key="side_by_side_chart", config={"displaylogo": False})

    st.subheader("Cost along the path")
    st.plotly_chart(figures.path_costs_figure(run.costs, color=PALETTE[kind],
                                              name=PENALTY_NAMES[kind]),
                    key="path_costs_chart", config={"displaylogo": False})

    with st.expander("Show the code: the penalties and their prox"):
        st.code(inspect.getsource(penalties.prox), language="python")


def minimizer_table(scene) -> str:
    rows = ["| penalty | w₁ | w₂ | exact zeros |", "|---|---|---|---|"]
    for k, m in scene.minimizers.items():
        zeros = int((m.w == 0).sum())
        rows.append(f"| {PENALTY_NAMES[k]} | {figures.fmt_weight(m.w[0])} | "
                    f"{figures.fmt_weight(m.w[1])} | {zeros} |")
    return "\n".join(rows)


def objective_latex(kind: str, lam: float, mix: float) -> str:
    term = {
        "none": "0",
        "l1": r"|w_1| + |w_2|",
        "l2": r"w_1^2 + w_2^2",
        "elastic_net": rf"{mix:g}\,(|w_1| + |w_2|) + {1 - mix:g}\,(w_1^2 + w_2^2)",
        "l0": r"\#\{k : w_k \neq 0\}",
        "lp": r"|w_1|^{1/2} + |w_2|^{1/2}",
    }[kind]
    return rf"J(w) + \lambda P(w) = J(w) + {lam:g}\cdot\left({term}\right)"


def update_latex(kind: str, rule: str, lam: float, alpha: float) -> str:
    """The update rule of the path with today's α and λ."""
    v = r"w_k - \alpha\,\nabla J(w_k)"
    a, al = f"{alpha:g}", f"{alpha * lam:.4g}"
    if kind == "none":
        return rf"w_{{k+1}} = {v},\quad \alpha = {a}"
    if rule == "proximal":
        name = {"l1": "soft-threshold", "l2": "shrink", "elastic_net": "prox",
                "l0": "hard-threshold", "lp": "half-threshold"}[kind]
        return (rf"w_{{k+1}} = \operatorname{{{name}}}_{{\alpha\lambda}}\!\left({v}\right),"
                rf"\quad \alpha\lambda = {a}\times{lam:g} = {al}")
    pull = {"l1": r"\alpha\lambda\,\operatorname{sign}(w_k)", "l2": r"2\alpha\lambda\,w_k",
            "elastic_net": r"\alpha\lambda\,\partial P(w_k)", "l0": "0",
            "lp": r"\alpha\lambda\,\partial P(w_k)"}[kind]
    clip = r",\ \text{a weight whose sign flips} \to 0" if rule == "clip" else ""
    return rf"w_{{k+1}} = {v} - {pull}{clip},\quad \alpha\lambda = {al}"


landscape()
