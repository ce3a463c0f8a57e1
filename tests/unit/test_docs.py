"""The README fits on a screen and every file or folder the docs name exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# a path in backticks or a Markdown link: a folder (ends with /) or a file with a suffix
PATH = re.compile(r"(?:`|\]\()((?:[\w.-]+/)*[\w.-]+(?:/|\.(?:py|md|conf|yaml|toml|txt|png|json)))"
                  r"(?=[`)])")


# named as what must not be there: a pages/ folder beside app.py turns on Streamlit's old
# multipage mode (docs/design.md)
ABSENT = {"pages/"}


def named_paths(text: str) -> set[str]:
    return {m for m in PATH.findall(text) if not m.startswith(("http", "/", "."))}


def test_the_readme_fits_in_130_lines():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 130


def test_every_path_the_docs_name_exists():
    missing = []
    for name in ABSENT:
        assert not (ROOT / name).exists(), name
    for doc in DOCS:
        for name in named_paths(doc.read_text()) - ABSENT:
            here = [ROOT / name, doc.parent / name]
            if not any(p.exists() for p in here):
                missing.append(f"{doc.relative_to(ROOT)}: {name}")
    assert not missing, missing


def test_the_layout_block_lists_every_top_level_folder_and_package():
    text = (ROOT / "README.md").read_text()
    block = text.split("```\napp.py", 1)[1].split("```", 1)[0]
    listed = {line.split()[0].rstrip("/") for line in ("app.py" + block).splitlines() if line}
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")
               and p.name not in {"__pycache__", "test-results"}}
    assert folders <= {name.split("/")[0] for name in listed}, folders
    assert {"ui/figures", "core/scenes"} <= listed


def test_the_path_pattern_finds_what_it_should():
    assert named_paths("see `docs/deploy.md` and [x](docs/primer.md), `core/scenes/`") == {
        "docs/deploy.md", "docs/primer.md", "core/scenes/"}
    assert named_paths("`make test` and `λ = 1`") == set()
