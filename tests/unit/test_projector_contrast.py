"""The palette and the grey landscape on a washed-out projector.

A projector in a lit room: the room's light, reflected by the screen, adds the same
luminance to every pixel. With ``a`` the share of white's luminance it adds, a pixel of
linear-light colour c shows as (c + a) / (1 + a) (white stays white, black becomes a / (1 + a)),
and full-on / full-off contrast falls from the projector's own to (1 + a) / a: a = 0.25 is 5:1,
a = 0.5 is 3:1, the range measured for projected images in lit classrooms.

Each washed colour is turned into CIELAB (sRGB, D65) here, independently of the app, and
two colours are judged by their colour difference ΔE*ab (CIE76; about 2 is just noticeable,
10 is plain at a glance) and by their luminance ratio, which is what is left for a
colour-blind student or a projector that also loses saturation.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ui import figures
from ui.figures.style import PALETTE

WASHED = (0.25, 0.5)   # 5:1 and 3:1 full-on/full-off contrast


def srgb(hex_or_rgba: str) -> tuple[np.ndarray, float]:
    """(sRGB in 0..1, alpha) of '#rrggbb' or 'rgba(r,g,b,a)'."""
    s = hex_or_rgba.strip()
    if s.startswith("#"):
        return np.array([int(s[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0, 1.0
    r, g, b, a = (float(x) for x in s[s.index("(") + 1:s.index(")")].split(","))
    return np.array([r, g, b]) / 255.0, a


def over(top: str, under: str) -> np.ndarray:
    """``top`` drawn over the opaque ``under``, blended in sRGB as browsers do."""
    (c, a), (b, _) = srgb(top), srgb(under)
    return a * c + (1 - a) * b


def linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def washed(c: np.ndarray, a: float) -> np.ndarray:
    """Linear-light RGB of sRGB ``c`` shown with ambient share ``a``."""
    return (linear(c) + a) / (1 + a)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                  [0.0193, 0.1192, 0.9505]])
    xyz = m @ rgb_linear / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def luminance(rgb_linear: np.ndarray) -> float:
    return float(rgb_linear @ np.array([0.2126, 0.7152, 0.0722]))


def delta_e(c1: np.ndarray, c2: np.ndarray, a: float) -> float:
    return float(np.linalg.norm(lab(washed(c1, a)) - lab(washed(c2, a))))


def ratio(c1: np.ndarray, c2: np.ndarray, a: float) -> float:
    y1, y2 = luminance(washed(c1, a)), luminance(washed(c2, a))
    return max(y1, y2) / min(y1, y2)


def fills() -> list[np.ndarray]:
    """The ramp's two ends and the grey between (the contour fills lie on it)."""
    lo, hi = (srgb(c)[0] for _, c in (figures.SURFACE_SCALE[0], figures.SURFACE_SCALE[-1]))
    return [lo + t * (hi - lo) for t in np.linspace(0, 1, 9)]


def hexed(c: np.ndarray) -> str:
    return "#" + "".join(f"{round(255 * x):02x}" for x in c)


def test_the_model_is_the_textbook_one():
    """White and black keep CIELAB's values with no room light; black rises with it."""
    assert lab(linear(np.ones(3))) == pytest.approx([100, 0, 0], abs=0.05)
    assert lab(linear(np.zeros(3))) == pytest.approx([0, 0, 0], abs=1e-9)
    assert ratio(np.ones(3), np.zeros(3), 0.25) == pytest.approx(5.0)
    # sRGB #777777 is L* ≈ 50 (a published value)
    assert lab(linear(np.full(3, 0x77 / 255)))[0] == pytest.approx(50.0, abs=0.3)


@pytest.mark.parametrize("a", WASHED)
def test_every_colour_line_stands_out_from_every_grey_fill(a):
    """A path, ball or star of any penalty's colour on the landscape's greys: plainly another
    colour (ΔE ≥ 20 at 5:1, ≥ 15 at 3:1) and never the same lightness (ratio ≥ 1.2 at 5:1).
    A darker ramp fails it: sky-blue L2 on #b4b4b4 has a ratio of 1.08."""
    min_de, min_ratio = (20, 1.2) if a == 0.25 else (15, 1.12)
    for name, colour in PALETTE.items():
        c = srgb(colour)[0]
        for fill in fills():
            assert delta_e(c, fill, a) >= min_de, (name, hexed(fill))
            assert ratio(c, fill, a) >= min_ratio, (name, hexed(fill), ratio(c, fill, a))


@pytest.mark.parametrize("a", WASHED)
def test_contour_lines_show_on_every_fill(a):
    """The grey contour lines (half-transparent) against the fill they are drawn over."""
    for fill in fills():
        line = over(figures.CONTOUR_LINE, hexed(fill))
        assert delta_e(line, fill, a) >= (15 if a == 0.25 else 12), hexed(fill)


def test_the_landscape_shows_its_shape_without_lines():
    """The ramp's ends stay apart under 3:1, so the bowl reads even where lines crowd."""
    lo, hi = fills()[0], fills()[-1]
    assert delta_e(lo, hi, 0.5) >= 8


@pytest.mark.parametrize("a", WASHED)
def test_the_penalties_keep_apart_from_each_other(a):
    """Every two kinds with colours of their own (L0 and Lp share one: both non-convex)."""
    for (k1, c1), (k2, c2) in itertools.combinations(PALETTE.items(), 2):
        if c1 == c2:
            continue
        assert delta_e(srgb(c1)[0], srgb(c2)[0], a) >= 10, (k1, k2)
