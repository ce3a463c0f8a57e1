"""Every chart spec of every page, at a few settings each, into one JSON file.

A refactor that must change nothing a user sees runs it before and after and compares:

    PYTHONPATH=. .venv/bin/python bench/figure_specs.py /tmp/before.json
    ... change ...
    PYTHONPATH=. .venv/bin/python bench/figure_specs.py /tmp/after.json
    cmp /tmp/before.json /tmp/after.json

The specs are what the browser gets (``tests/app/apptools.all_charts``: in-place charts with
their frames put back), from AppTest runs of the real pages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "app"))

from apptools import all_charts  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

SETTINGS = {
    "landscape": [{}, {"lam": "1", "view": "surface"}, {"penalty": "elastic_net", "lam": "0.3"},
                  {"presenter": "true"}],
    "geometry": [{}, {"t": "0.3", "lam": "2"}],
    "update_rules": [{}, {"lam": "2"}],
    "weights": [{}, {"lam": "0.1"}],
    "sweep": [{}, {"lam": "0.5"}],
    "crosses": [{}, {"lambda": "0.01"}],
}


def specs() -> dict[str, list[dict]]:
    out = {}
    for page, settings in SETTINGS.items():
        for query in settings:
            at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
            at.query_params.update(query)
            at.switch_page(f"views/{page}.py")
            at.run()
            if at.exception:
                raise RuntimeError(f"{page} {query}: {at.exception}")
            out[f"{page} {json.dumps(query)}"] = all_charts(at)
    return out


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(specs(), sort_keys=True))
