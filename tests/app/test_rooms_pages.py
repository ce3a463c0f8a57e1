"""Class rooms on Geometry, Update rules and Sparse crosses: each page's questions, answered
by students, revealed over the class's answers; every truth from an independent reference
(a brute-force search, a scalar loop, the closed form in NumPy)."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import chart, decode

from core.scenes import crosses
from tests.app.test_rooms import members, named, on_page, own_store  # noqa: F401 (a fixture)
from tests.unit.test_geometry import l1_ball_answer_by_search
from ui import room_panel


def bars(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_geometry_the_class_clicks_where_the_l1_balls_answer_lands():
    t = on_page("geometry", presenter="true")
    t.button(key="geometry_room_start").click().run()
    code = t.query_params["room"]
    t.button(key="room_ask").click().run()
    assert "minimizer in the L1 ball" not in [d.get("name") for d in chart(t, "geometry_chart")
                                              ["data"]]
    clicks = [(1.2, 0.0), (0.6, 0.6), (-1.0, 0.5)]
    for x, y in clicks:
        s = on_page("geometry", room=code)
        assert any("L1 ball" in i.value for i in s.info)
        assert chart(s, "geometry_chart")["layout"].get("shapes", []) == []   # no drag handle
        room_panel.answer_click(members(s, code))(x, y)
    t.run()
    cloud = named(t, "geometry_chart", "the class's answers")
    assert sorted(decode(cloud["x"])) == pytest.approx(sorted(x for x, _ in clicks))
    t.button(key="room_reveal").click().run()
    scene, best = l1_ball_answer_by_search()
    truth = named(t, "geometry_chart", "the answer")
    assert [decode(truth["x"])[0], decode(truth["y"])[0]] == pytest.approx(best, abs=2e-4)
    width = scene.problem.view[1] - scene.problem.view[0]
    close = sum(np.hypot(x - best[0], y - best[1]) <= 0.08 * width for x, y in clicks)
    assert truth["text"] == [f"{close} of 3 close"]


def test_geometry_asks_which_weights_of_each_balls_answer_are_zero():
    t = on_page("geometry")
    t.button(key="geometry_room_start").click().run()
    code = t.query_params["room"]
    t.selectbox(key="room_which").select(1).run()   # the L1 ball's zeros
    t.button(key="room_ask").click().run()
    s = on_page("geometry", room=code)
    (radio,) = [r for r in s.radio if r.key.startswith("room_choice_")]
    radio.set_value(0).run()
    t.button(key="room_reveal").click().run()
    # c = (2, 1.2) outside the diamond of radius 1.2 with these level sets: the corner on
    # the w₁ axis (the brute force above finds it), so w₂ alone is 0
    assert bars(t)[2] == "w₂ only: **0** ✓" and bars(t)[0] == "neither: **1**", bars(t)


def slow_l1_proximal(w: float, *, lam, alpha, a, c, steps) -> float:
    """w ← soft(w − αa(w − c), αλ), one float at a time."""
    for _ in range(steps):
        v = w - alpha * a * (w - c)
        w = np.sign(v) * max(abs(v) - alpha * lam, 0.0)
    return float(w)


def test_update_rules_the_class_says_how_high_l1_proximal_ends():
    t = on_page("update_rules", lam="0.2")
    t.button(key="update_rules_room_start").click().run()
    code = t.query_params["room"]
    t.button(key="room_ask").click().run()
    # the chart shows the heights an answer may have, from the start (1.5), c (0.5) and 0
    assert chart(t, "update_chart")["layout"]["yaxis"]["range"] == pytest.approx([-0.475,
                                                                                  1.975])
    heights = [0.3, 0.55, 1.2]
    for h in heights:
        s = on_page("update_rules", lam="0.2", room=code)
        room_panel.answer_click(members(s, code))(30.0, h)
    t.button(key="room_reveal").click().run()
    end = slow_l1_proximal(1.5, lam=0.2, alpha=0.1, a=1.0, c=0.5, steps=60)
    truth = named(t, "update_chart", "the answer")
    assert decode(truth["y"])[0] == pytest.approx(end, abs=1e-5)
    assert end == pytest.approx(0.3, abs=5e-3)   # soft(c, λ/a) = 0.5 − 0.2, nearly reached
    close = sum(abs(h - end) <= 0.1 * 2.45 for h in heights)
    assert truth["text"] == [f"{close} of 3 close"]


def test_crosses_the_class_taps_what_share_of_the_cells_l1_keeps():
    t = on_page("crosses")
    t.button(key="crosses_room_start").click().run()
    code = t.query_params["room"]
    t.button(key="room_ask").click().run()
    assert "threshold" not in " ".join(m.value for m in t.markdown)   # the answer waits
    for pick in (0, 3, 3):
        s = on_page("crosses", room=code)
        (radio,) = [r for r in s.radio if r.key.startswith("room_choice_")]
        radio.set_value(pick).run()
    t.button(key="room_reveal").click().run()
    w = crosses.world(crosses.DEFAULTS["seed"])
    idx = crosses.cell_index(w.lat_train, w.lon_train, 2)
    d = crosses.n_cells(2)
    l1 = crosses.closed_form(idx, w.y_train, float(w.y_train.mean()), 0.002, "l1",
                             num_cells=d)
    share = (l1 != 0).sum() / (np.bincount(idx, minlength=d) > 0).sum()
    right = int(np.searchsorted([0.1, 0.5, 0.9], share, side="right"))
    got = bars(t)
    assert got[right].endswith(" ✓") and sum(b.endswith(" ✓") for b in got) == 1, got
    assert got[0].startswith("under 10 %: **1**") and got[3].startswith("90 % or more: **2**")
