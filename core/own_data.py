"""A class's own data: a CSV read and checked, then made into the pages' problems.

Everything here is pure: bytes in, a ``Table`` (or one ``DataError`` sentence) out, then a
``Prepared`` design matrix for a target and features. Nothing is written anywhere.

The model has no intercept (DESIGN.md: J(w) = mean((Xw − y)²)), so the features, and for
least squares the target, are **centred**: that is the same as fitting an unpenalized
intercept, as scikit-learn's ``fit_intercept=True`` does. **Standardizing** also divides
every feature (and, for least squares, the target) by its standard deviation (ddof = 0, as
scikit-learn's ``StandardScaler``). λ then weighs every weight alike: unstandardized, a
feature measured in larger units needs a smaller weight for the same effect, so the same λ
penalizes it less. Standardized, L1 sets every weight to 0 from
λ_max = (2/n)·max_k |x_kᵀy| = 2·max_k |corr(x_k, y)| ≤ 2 on.
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import NamedTuple

import numpy as np

MAX_BYTES = 2_000_000   # a CSV of 5,000 rows × 31 numbers of 12 characters is ~1.9 MB
MAX_ROWS = 5_000
MAX_COLUMNS = 31        # 30 features and the target
MIN_ROWS = 5
MAX_ABS = 1e9           # larger values overflow float32 sums of squares
NAME_LIMIT = 40
LIMITS = (f"CSV text up to {MAX_BYTES / 1e6:g} MB, {MIN_ROWS} to {MAX_ROWS:,} rows, "
          f"up to {MAX_COLUMNS} columns (one is the target), numbers only, a header row")


class DataError(ValueError):
    """What is wrong with the data, in one plain sentence for the page."""


class Table(NamedTuple):
    """A checked CSV: ``names`` (clean, unique), ``values`` (n, columns) finite float64,
    ``notes``: what reading changed (an encoding, a renamed column), one sentence each."""

    names: tuple[str, ...]
    values: np.ndarray
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return self.values.shape[0]

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.names.index(name)]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.names)
        writer.writerows([[f"{v:.10g}" for v in row] for row in self.values])
        return out.getvalue()


# ---- reading ---------------------------------------------------------------------------------

_MAGIC = {b"PK\x03\x04": "a zipped file (an Excel .xlsx workbook?)", b"%PDF": "a PDF",
          b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
          b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook", b"GIF8": "a GIF image"}
_SAVE_AS = "save it from your spreadsheet as CSV (comma-separated values) and upload that"


def _decode(data: bytes) -> tuple[str, list[str]]:
    """The text and what decoding noted: UTF-8 (its BOM dropped), UTF-16 with a BOM, else
    Windows-1252 (every byte is some character there but 5: those are Latin-1)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise DataError("The file says it is UTF-16 text but is not: "
                            f"{_SAVE_AS}.") from None
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DataError(f"This is {what}, not a CSV text file: {_SAVE_AS}.")
    if b"\x00" in data:
        raise DataError(f"This is not a text file (it holds binary bytes): {_SAVE_AS}.")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict") if _cp1252_ok(data) else \
            data.decode("latin-1")
        return text, ["The file is not UTF-8, so it was read as Windows-1252 (Latin-1): "
                      "check the column names look right."]


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


_UNSAFE = re.compile(r"[^\w .()/%+\-]", re.UNICODE)


def clean_name(raw: str, k: int) -> tuple[str, bool]:
    """A column name the page can show as plain text: letters, digits, spaces and . ( ) / % +
    - _ only, no leading formula character (= + - @), at most ``NAME_LIMIT`` characters;
    "column k" if nothing is left. Returns the name and whether it changed."""
    name = _UNSAFE.sub(" ", raw)
    name = re.sub(r"\s+", " ", name).strip().lstrip("=+-@ ").strip()[:NAME_LIMIT].strip()
    name = name or f"column {k}"
    return name, name != raw.strip()


def _number(cell: str, comma_decimal: bool) -> float | None:
    text = cell.strip()
    if comma_decimal and re.fullmatch(r"[+-]?\d+,\d*", text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _shown(cell: str) -> str:
    """A cell quoted in a notice: plain characters, short."""
    text = re.sub(r"[^\w .,:;+\-=()%/]", "·", cell.strip(), flags=re.UNICODE)
    return text if len(text) <= 24 else text[:24] + "…"


def read_csv(data: bytes | str) -> Table:
    """Read and check a CSV (a header row, then numbers only).

    Comma, semicolon or tab separated (told from the first line; a semicolon file may
    write 1,5 for 1.5); UTF-8 with or without a BOM, UTF-16 with a BOM, or Windows-1252.
    A first row of numbers is read as data, its columns named "column 1", … .

    Raises:
      DataError: one sentence saying what is wrong and what the page can use
        (``LIMITS``).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise DataError(f"The file is {len(data) / 1e6:,.1f} MB; the page takes CSV files up "
                        f"to {MAX_BYTES / 1e6:g} MB ({MAX_ROWS:,} rows): keep a sample of "
                        "the rows.")
    text, notes = _decode(data)
    if not text.strip():
        raise DataError("The file is empty: the page needs a header row and at least "
                        f"{MIN_ROWS} rows of numbers.")
    lines = text.count("\n") + 1
    if lines > MAX_ROWS + 50:   # blank lines and a header are allowed for
        raise DataError(f"The file has {lines:,} lines; the page takes up to {MAX_ROWS:,} "
                        "rows: keep a sample of the rows.")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([",", ";", "\t"], key=first.count)
    rows = [[c.strip() for c in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            if any(c.strip() for c in row)]
    header = rows[0]
    if len(header) > MAX_COLUMNS:
        raise DataError(f"The file has {len(header):,} columns; the page takes up to "
                        f"{MAX_COLUMNS} ({MAX_COLUMNS - 1} features and the target): keep "
                        "the columns you need.")
    if len(header) < 2:
        raise DataError("The file has one column; the page needs at least two (a feature "
                        "and a target), separated by commas.")
    comma_decimal = delimiter == ";"
    if all(_number(c, comma_decimal) is not None for c in header):
        names = [f"column {k + 1}" for k in range(len(header))]
        body = rows
        notes.append("The first row is numbers, so it is read as data and the columns are "
                     "named column 1, column 2, … .")
    else:
        names, body = [], rows[1:]
        for k, raw in enumerate(header, 1):
            name, changed = clean_name(raw, k)
            if name in names:
                name = f"{name} ({k})"
                changed = True
            if changed:
                notes.append(f"Column {k}'s name is shown as “{name}” (the page keeps "
                             "letters, digits, spaces and . ( ) / % + - _ only).")
            names.append(name)
    if not body:
        raise DataError("The file has a header but no rows of data: the page needs at least "
                        f"{MIN_ROWS} rows of numbers under it.")
    if len(body) < MIN_ROWS:
        raise DataError(f"The file has only {len(body)} row{'s' if len(body) > 1 else ''} of "
                        f"data; the page needs at least {MIN_ROWS} to fit its weights.")
    if len(body) > MAX_ROWS:
        raise DataError(f"The file has {len(body):,} rows; the page takes up to "
                        f"{MAX_ROWS:,}: keep a sample of the rows.")
    values = np.empty((len(body), len(names)))
    offset = 1 if body is rows else 2   # the line number in the file of body[0]
    for i, row in enumerate(body):
        line = i + offset
        if len(row) != len(names):
            raise DataError(f"Row {line} has {len(row)} cell{'s' if len(row) != 1 else ''} "
                            f"but the header has "
                            f"{len(names)}: every row needs one value per column.")
        for j, cell in enumerate(row):
            where = f"Row {line}, column “{names[j]}”"
            if cell == "":
                raise DataError(f"{where} is empty (a missing value): fill it in or delete "
                                "the row; the page needs a number in every cell.")
            v = _number(cell, comma_decimal)
            if v is None:
                if cell[:1] in "=@":
                    raise DataError(f"{where} holds a spreadsheet formula (“{_shown(cell)}”), "
                                    "not a number: save the values, not the formulas.")
                raise DataError(f"{where} holds “{_shown(cell)}”, not a number: the page "
                                "uses numbers only (code a category as 0 and 1).")
            if not math.isfinite(v):
                raise DataError(f"{where} holds “{_shown(cell)}”, not a finite number: "
                                "replace NaN and infinite values or delete the row.")
            if abs(v) > MAX_ABS:
                raise DataError(f"{where} holds {v:.3g}, larger than the page takes "
                                f"(±{MAX_ABS:.0e}): rescale that column.")
            values[i, j] = v
    values.flags.writeable = False
    return Table(tuple(names), values, tuple(notes))


# ---- from a table to a problem ---------------------------------------------------------------

class Prepared(NamedTuple):
    """The design matrix of a target and features, centred (and standardized if asked).

    X: (n, d) float64; y: (n,) float64 (0/1 for logistic, else centred); the means and
    scales undo it: x_raw = X·x_scale + x_mean.
    """

    X: np.ndarray
    y: np.ndarray
    features: tuple[str, ...]
    target: str
    kind: str              # "least_squares" or "logistic"
    standardized: bool
    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: float
    y_scale: float


def is_binary(values: np.ndarray) -> bool:
    return bool(np.all((values == 0) | (values == 1))) and len(np.unique(values)) == 2


def prepare(table: Table, target: str, features: tuple[str, ...] | list[str], *,
            kind: str = "least_squares", standardize: bool = True) -> Prepared:
    """Check a target and features of ``table`` and centre (and standardize) them.

    Raises:
      DataError: a column named twice or missing, a constant column, two features that are
        the same up to scale (their weights cannot be told apart), a constant target, a
        logistic target that is not 0/1.
    """
    features = tuple(features)
    if not features:
        raise DataError("Pick at least one feature.")
    for name in (*features, target):
        if name not in table.names:
            raise DataError(f"The data have no column “{name}”.")
    if target in features:
        raise DataError(f"“{target}” is the target, so it cannot also be a feature.")
    if len(set(features)) < len(features):
        raise DataError("A feature is picked twice: pick different columns.")
    X = np.stack([table.column(f) for f in features], axis=1)
    y = table.column(target).copy()
    if np.ptp(y) == 0:
        raise DataError(f"The target “{target}” is the same in every row: there is nothing "
                        "to predict; pick another target.")
    if kind == "logistic" and not is_binary(y):
        odd = next(v for v in np.unique(y) if v not in (0.0, 1.0))
        raise DataError(f"Logistic regression needs a target of 0s and 1s, and “{target}” "
                        f"holds {odd:g}: pick least squares or a 0/1 column.")
    for j, f in enumerate(features):
        if np.ptp(X[:, j]) == 0:
            raise DataError(f"The column “{f}” is the same in every row (constant): it cannot "
                            "help predict; leave it out.")
    x_mean = X.mean(axis=0)
    Xc = X - x_mean
    x_std = Xc.std(axis=0)
    if len(features) > 1:
        corr = np.corrcoef(Xc, rowvar=False)
        np.fill_diagonal(corr, 0.0)
        j, k = np.unravel_index(np.argmax(np.abs(corr)), corr.shape)
        if abs(corr[j, k]) > 1 - 1e-9:
            same = np.allclose(X[:, j], X[:, k])
            raise DataError(f"The columns “{features[j]}” and “{features[k]}” are "
                            f"{'identical' if same else 'the same up to scale'}: their "
                            "weights cannot be told apart; keep one of them.")
    x_scale = x_std if standardize else np.ones(len(features))
    Xp = Xc / x_scale
    if kind == "logistic":
        y_mean, y_scale = 0.0, 1.0
    else:
        y_mean = float(y.mean())
        y_scale = float((y - y_mean).std()) if standardize else 1.0
    yp = (y - y_mean) / y_scale
    return Prepared(Xp, yp, features, target, kind, standardize, x_mean, x_scale, y_mean,
                    y_scale)


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10^k at least ``x`` (> 0)."""
    k = math.floor(math.log10(x))
    for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if m * 10 ** k >= x * (1 - 1e-12):
            return round(m * 10 ** k, 12)
    return 10 ** (k + 1)


def view_box(w_star: np.ndarray) -> tuple[float, float, float, float]:
    """A square box around 0 and the unregularized minimizer ``w_star`` (with room to
    spare): (−R, R, −R, R), R a round number ≥ 1.4·max|w*| (and ≥ 0.5)."""
    r = nice_ceiling(max(1.4 * float(np.max(np.abs(w_star))), 0.5))
    return (-r, r, -r, r)


def least_squares_weights(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """argmin mean((Xw − y)²), by least squares (a slow, exact reference)."""
    return np.linalg.lstsq(X, y, rcond=None)[0]


# ---- samples that ship inside scikit-learn (nothing is downloaded) ----------------------------

SAMPLES = {
    "diabetes": ("Diabetes", "scikit-learn's load_diabetes: disease progression "
                 "a year on, from age, sex, BMI, blood pressure and six blood serum values."),
    "cancer": ("Breast cancer", "scikit-learn's load_breast_cancer: 30 "
               "measurements of a cell nucleus; the target is 1 for benign, 0 for malignant."),
    "wine": ("Wine", "scikit-learn's load_wine: alcohol content and 12 chemical "
             "measurements of Italian wines."),
}


def sample(name: str) -> tuple[Table, str, tuple[str, ...]]:
    """A sample dataset as a ``Table``, with the target and features a page starts from."""
    from sklearn import datasets  # here: it takes a second to import, and only samples need it

    if name == "diabetes":
        d = datasets.load_diabetes(scaled=False)
        names, X, y, target = list(d.feature_names), d.data, d.target, "progression"
        start = ("bmi", "s5")
    elif name == "cancer":
        d = datasets.load_breast_cancer()
        names, X, y, target = list(d.feature_names), d.data, d.target, "benign"
        start = ("mean radius", "mean texture")
    elif name == "wine":
        d = datasets.load_wine()
        names = [n.replace("od280/od315_of_diluted_wines", "od280 od315") for n in
                 d.feature_names]
        X, y, target = d.data[:, 1:], d.data[:, 0], "alcohol"
        names = names[1:]
        start = ("color_intensity", "proline")
    else:
        raise DataError(f"There is no sample dataset “{_shown(name)}”.")
    values = np.column_stack([X, y]).astype(np.float64)
    values.flags.writeable = False
    return Table((*names, target), values), target, start


def example_csv() -> str:
    """The sample CSV a student can download and edit: the Landscape's own built-in least
    squares data (60 rows: x1, x2, y; y = 1.5·x1 + 0.3·x2 + noise)."""
    from core import problems

    p = problems.demo("least_squares")
    X, y = np.asarray(p.X, np.float64), np.asarray(p.y, np.float64)
    rows = ["x1,x2,y"] + [f"{a:.4f},{b:.4f},{c:.4f}" for (a, b), c in zip(X, y, strict=True)]
    return "\n".join(rows) + "\n"


# ---- the pages' problems ---------------------------------------------------------------------

def unregularized(prep: Prepared) -> np.ndarray:
    """The minimizer of J alone: least squares, or for logistic Newton's method on the mean
    cross-entropy plus 10⁻⁶·‖w‖² (finite even when the classes are separable)."""
    if prep.kind != "logistic":
        return least_squares_weights(prep.X, prep.y)
    X, y, n = prep.X, prep.y, len(prep.y)
    w = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -500, 500)))
        grad = X.T @ (p - y) / n + 2e-6 * w
        hess = (X.T * (p * (1 - p))) @ X / n + 2e-6 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w


def separable(prep: Prepared) -> bool:
    """True when a logistic problem's classes are (nearly) separable: its unregularized
    weights then grow without end (here: past 100 in standardized units)."""
    return prep.kind == "logistic" and float(np.max(np.abs(unregularized(prep)))) > 100


def landscape_problem(prep: Prepared):
    """The Landscape's two-weight problem (float32) in a box around its unregularized
    minimizer (capped at ±1000 for separable classes)."""
    from core import problems

    if prep.X.shape[1] != 2:
        raise DataError("The landscape needs exactly two features.")
    X, y = prep.X.astype(np.float32), prep.y.astype(np.float32)
    box = view_box(np.clip(unregularized(prep), -700, 700))
    name = f"{prep.features[0]}, {prep.features[1]} → {prep.target}"
    make = problems.logistic if prep.kind == "logistic" else problems.least_squares
    return make(X, y, name=name, view=box)


def split(prep: Prepared, share: float = 0.3, seed: int = 0) -> tuple[Prepared, Prepared]:
    """A seeded split into training and validation rows (``share`` of them validation),
    each still in the units ``prepare`` gave the whole table (centred on all rows)."""
    n = len(prep.y)
    order = np.random.default_rng(seed).permutation(n)
    cut = n - max(2, int(round(share * n)))
    pick = (order[:cut], order[cut:])
    return tuple(prep._replace(X=prep.X[i], y=prep.y[i]) for i in pick)
