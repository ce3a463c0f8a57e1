"""The bad files every test layer feeds the own-data pages (tests/unit/test_own_data.py reads
them with core.own_data, tests/app/test_own_data.py uploads them), and a good one."""

ROWS = b"".join(f"{i},{i * i % 7},{i % 3}\n".encode() for i in range(10))
GOOD = b"x1,x2,y\n" + ROWS


def _wide(columns: int, rows: int = 5) -> bytes:
    header = ",".join(f"c{j}" for j in range(columns))
    body = "\n".join(",".join("1" for _ in range(columns)) for _ in range(rows))
    return f"{header}\n{body}\n".encode()


# Each bad file, and words its sentence must hold: what is wrong and what the page takes.
BAD_FILES = {
    "a PNG image": (b"\x89PNG\r\n\x1a\n\x00\x00", ["PNG image", "CSV"]),
    "an Excel workbook": (b"PK\x03\x04\x14\x00", ["Excel", "CSV"]),
    "a PDF": (b"%PDF-1.7\n", ["PDF", "CSV"]),
    "binary bytes": (b"a,b\n\x00\x01\x02\n", ["not a text file", "CSV"]),
    "empty": (b"", ["empty", "header row"]),
    "blank lines only": (b"  \n\n\t\n", ["empty"]),
    "a header only": (b"a,b,c\n", ["no rows", "at least 5"]),
    "one row": (b"a,b\n1,2\n", ["only 1 row", "at least 5"]),
    "one column": (b"a\n1\n2\n3\n4\n5\n", ["one column", "at least two"]),
    "a word in a cell": (b"a,b\n1,2\n3,x\n4,5\n6,7\n8,9\n", ["Row 3", "“b”", "not a number"]),
    "a missing value": (b"a,b\n1,2\n3,\n4,5\n6,7\n8,9\n", ["Row 3", "empty", "missing"]),
    "NaN": (b"a,b\n1,2\n3,nan\n4,5\n6,7\n8,9\n", ["Row 3", "not a finite number"]),
    "Inf": (b"a,b\n1,2\n3,-inf\n4,5\n6,7\n8,9\n", ["Row 3", "not a finite number"]),
    "a short row": (b"a,b\n1,2\n3\n4,5\n6,7\n8,9\n", ["Row 3 has 1 cell but", "2"]),
    "a formula cell": (b"a,b\n1,2\n=SUM(A1:A2),3\n4,5\n6,7\n8,9\n", ["formula", "values"]),
    "a huge number": (b"a,b\n1,2\n1e300,3\n4,5\n6,7\n8,9\n", ["larger than", "rescale"]),
    "100 MB": (b"a,b\n" + b"1,2\n" * 25_000_000, ["100.0 MB", "up to 2 MB"]),
    "a million rows": (b"a,b\n" + b"1,2\n" * 1_000_000, ["4.0 MB", "5,000 rows"]),
    "6,000 rows": (b"a,b\n" + b"1,2\n" * 6000, ["6,002 lines", "up to 5,000 rows"]),
    "10,000 columns": (_wide(10_000), ["10,000 columns", "up to 31"]),
    "broken UTF-16": (b"\xff\xfea\x00,", ["UTF-16", "CSV"]),
}


def two_columns(names: str = "x1,x2,y") -> bytes:
    """80 rows where x1 predicts y and x2 barely does: L1 sets w₂ to exactly 0 at λ = 0.6."""
    import numpy as np

    rng = np.random.default_rng(3)
    x1, x2 = rng.normal(size=80), rng.normal(size=80)
    y = 2.0 * x1 + 0.15 * x2 + 0.5 * rng.normal(size=80) + 4.0
    return (names + "\n" + "".join(f"{a:.5f},{b:.5f},{c:.5f}\n" for a, b, c in
                                    zip(x1, x2, y, strict=True))).encode()
