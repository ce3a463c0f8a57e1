"""What a class room draws on a page's figure: the class's answers, a student's own, and
after the reveal the true one (``classroom.rooms``'s questions and clouds). No Streamlit here.
"""

from __future__ import annotations


def room_traces(room, *, color: str) -> list[dict]:
    """The class's answers (the teacher's screen, and everyone's after the reveal), the
    student's own answer, and after the reveal the true one. ``room``: a
    ``ui.room_panel.Room`` (role, asked, cloud, mine)."""
    out: list[dict] = []
    if room.asked is None or room.asked.question.kind == "choice":
        return out
    q, revealed = room.asked.question, room.asked.state == "revealed"

    def at(point) -> tuple[float, float]:
        """A point as the chart's data has it: an answer on a log axis is kept as log₁₀."""
        x, y = (10 ** float(v) if lg else float(v) for v, lg in zip(point[:2], q.log,
                                                                    strict=True))
        return x, y

    if room.cloud is not None and room.cloud.points and (room.role == "teacher" or revealed):
        xs, ys = zip(*(at(p) for p in room.cloud.points), strict=True)
        names = room.cloud.names or [""] * len(xs)
        out.append({"type": "scatter", "mode": "markers", "x": list(xs), "y": list(ys),
                    "name": f"the class's answers ({room.cloud.total})",
                    "text": [n or "an answer" for n in names],
                    "marker": {"size": 11, "color": "rgba(120,120,120,0.45)",
                               "line": {"color": "#333333", "width": 1}},
                    "hovertemplate": "(%{x:.3g}, %{y:.3g})<extra>%{text}</extra>"})
    if room.mine is not None:
        x, y = at(room.mine)
        out.append({"type": "scatter", "mode": "markers", "x": [x], "y": [y],
                    "name": "your answer",
                    "marker": {"size": 16, "symbol": "x", "color": "#000000"}})
    if revealed:
        close = room.cloud.close(q) if room.cloud else 0
        total = room.cloud.total if room.cloud else 0
        x, y = at(q.truth)
        # the count goes in the legend: written beside the star it would cover the cloud
        out.append({"type": "scatter", "mode": "markers", "x": [x], "y": [y],
                    "text": [f"{close} of {total} close"],
                    "hovertemplate": "the answer: %{text}<extra></extra>",
                    "name": f"the answer ({close} of {total} close)",
                    "marker": {"size": 22, "symbol": "star", "color": color,
                               "line": {"color": "#000000", "width": 2}}})
    return out
