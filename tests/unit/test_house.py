"""The house rules a newcomer relies on, checked on the source: one page is three files of
one name, no private name crosses a module, no file in ui/ or views/ over 400 lines and no
function over 60."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("landscape", "geometry", "update_rules", "weights", "sweep", "crosses")
OURS = ("core", "ui", "views", "bench")


def sources(*folders: str) -> list[Path]:
    return [p for f in folders for p in sorted((ROOT / f).rglob("*.py"))]


def test_one_page_is_three_files_of_one_name():
    for page in PAGES:
        for path in (f"views/{page}.py", f"ui/figures/{page}.py", f"core/scenes/{page}.py"):
            assert (ROOT / path).is_file(), path
    assert {p.stem for p in (ROOT / "views").glob("*.py")} == set(PAGES)
    # app.py makes one page per entry of ui.lessons.PAGES, the ids a lesson opens pages by
    from ui import lessons
    assert set(lessons.PAGES) == set(PAGES)
    app = (ROOT / "app.py").read_text()
    assert 'st.Page(f"views/{pid}.py"' in app and "lessons.PAGES.items()" in app


def imported_modules(tree: ast.Module) -> dict[str, str]:
    """Local name -> our module it stands for (``from core.scenes import geometry``)."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.split(".")[0] in OURS:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in OURS:
                    out[a.asname or a.name] = a.name
    return out


def test_no_private_name_crosses_a_module():
    """Outside the tests (which count private compiled functions' caches), nothing reaches
    for another module's ``_name``."""
    found = []
    for path in [*sources(*OURS), ROOT / "app.py"]:
        tree = ast.parse(path.read_text())
        modules = imported_modules(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.split(".")[0] in OURS:
                found += [f"{path.name}: from {node.module} import {a.name}"
                          for a in node.names if a.name.startswith("_")]
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id in modules and node.attr.startswith("_") and \
                    not node.attr.startswith("__"):
                found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not found, found


def test_files_and_functions_of_ui_and_views_stay_short():
    long = []
    for path in sources("ui", "views"):
        text = path.read_text()
        if len(text.splitlines()) > 400:
            long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > 60:
                    long.append(f"{path.relative_to(ROOT)}: {node.name} is {n} lines")
    assert not long, long


def test_the_checks_above_can_fail():
    bad = ast.parse("from core.scenes import geometry\nx = geometry._pg\n")
    assert imported_modules(bad) == {"geometry": "core.scenes.geometry"}
    attrs = [n for n in ast.walk(bad) if isinstance(n, ast.Attribute)]
    assert attrs and attrs[0].attr.startswith("_")
