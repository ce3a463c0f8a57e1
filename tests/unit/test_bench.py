"""The bench's own logic: which way a slider moves, how a title is read, the draw bound."""

import pytest

from bench.browser_bench import alone_note, goes_left, shows_value


def play(pattern: str, start: int, hi: int, moves: int) -> list[int]:
    """The slider positions a run of ``moves`` visits, starting at ``start`` on 0..hi."""
    at, was_left, seen = start, None, []
    for _ in range(moves):
        was_left = goes_left(pattern, (at, 0, hi), was_left)
        at = max(0, at - 1) if was_left else min(hi, at + 1)
        seen.append(at)
    return seen


def test_a_sweep_bounces_off_both_ends_and_never_stays_put():
    seen = play("sweep", 2, 4, 12)
    assert seen == [3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2]
    assert all(a != b for a, b in zip([2] + seen, seen, strict=False))


@pytest.mark.parametrize(("start", "want"), [(2, [3, 2, 3, 2]), (4, [3, 4, 3, 4]),
                                             (0, [1, 0, 1, 0])])
def test_alternate_moves_between_two_values_even_from_the_top(start, want):
    # From the top a first Right would not move the slider, and the move would time out.
    assert play("alternate", start, 4, 4) == want


@pytest.mark.parametrize(("title", "value", "ok"), [
    ("λ = 0.5", "0.5", True), ("t = 1.1", "1.10", True), ("N = 1,000 problems", "1,000", True),
    ("<b>λ = 2e-05</b>", "2e-05", True), ("λ = 0.5", "0.05", False), ("λ = 1", None, False),
])
def test_the_title_shows_the_slider_value(title, value, ok):
    assert shows_value(title, value) is ok


def test_the_draw_bound_swaps_the_floors_chart_for_the_pages():
    note = alone_note({"draw": 50.0, "painted": 70.0}, {"draw": 20.0, "painted": 30.0}, 60.0)
    # 60 − 20 + 50 = 90 ms, 1.5× the floor
    assert "≈ 90 ms = 1.50× floor" in note
    assert "draws this chart in 50 ms (painted 70)" in note
