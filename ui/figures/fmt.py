"""Numbers as the pages print them: weights (an exact zero says so), λ, bytes, powers."""

from __future__ import annotations

import numpy as np


def fmt_weight(x: float) -> str:
    """A weight as the page prints it: an exact zero is "0 (exact)", never 1e-9 or −0."""
    x = float(x)
    if x == 0.0:
        return "0 (exact)"
    if abs(x) < 5e-5:
        return f"{x:.1e} (not 0)"
    return f"{x:.4f}"


def minimizer_text(name: str, w) -> str:
    return f"{name}<br>w₁ = {fmt_weight(w[0])}<br>w₂ = {fmt_weight(w[1])}<extra></extra>"


def lambda_label(lam: float) -> str:
    return f"{lam:g}"


def csv_number(v: float) -> str:
    return repr(float(v))


def power_label(p: float) -> str:
    """A power of ten in at most four characters: 10⁻⁴, 0.01, 0.1, 1, 10, 100, 10³."""
    k = int(round(np.log10(p)))
    if -2 <= k <= 2:
        return f"{p:g}"
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(k).translate(sup)


def weight_text(w) -> list[str]:
    return [fmt_weight(v) for v in np.asarray(w, np.float64)]


def fmt_bytes(b: float) -> str:
    """Bytes in decimal units, as the page says them: 259 kB, 933 MB."""
    b = float(b)
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f} B"


def bytes_exact(n: float) -> str:
    """Bytes with thousands separators: 129,600 B."""
    return f"{int(n):,} B"


def tex_number(x: float, *, paren: bool = False) -> str:
    """A number as typeset: 4 significant digits, an exact zero as 0, powers of ten as such."""
    x = float(x)
    if x == 0.0:
        return "0"
    s = f"{x:.4g}"
    if "e" in s:
        m, e = s.split("e")
        s = rf"{m}\times10^{{{int(e)}}}"
    return f"({s})" if paren and x < 0 else s


def tex_sign(x: float) -> str:
    """sign(x) as typeset: +1, −1 or an exact 0."""
    return "0" if x == 0 else ("+1" if x > 0 else "-1")


def tex_int(v: int) -> str:
    """An integer for LaTeX, thousands separated: 16{,}200."""
    return f"{int(v):,}".replace(",", "{,}")


def tex_bytes(v: float) -> str:
    """Bytes for LaTeX, a thin space before the unit: 259 kB."""
    number, unit = fmt_bytes(v).split(" ")
    return rf"{number}\,\text{{{unit}}}"
