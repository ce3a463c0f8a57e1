"""The handout of a lesson: one printable HTML page, each step's figure as an image with its
settings and question, and on a second page the answers. No Streamlit here.

Plotly.js renders it, the library that draws the pages, inlined in the file: the handout's
figures are the pages' own (same builders, same spec), the file opens offline, and the server
renders no image (a server-side PNG would need Kaleido and a headless Chrome per export on a
2-core machine shared by a class). When the file opens, each figure is turned into a PNG
``<img>`` (``Plotly.toImage``), which every browser prints at its size on the page; where
that fails (a 3D surface without WebGL) the figure is drawn as a static plot instead.
"""

from __future__ import annotations

import html as html_text
import json
from collections.abc import Mapping

import plotly.offline
import plotly.utils

from ui import figures
from ui.figures import style
from ui.figures.style import PALETTE, PENALTY_NAMES
from ui.lessons import PAGES, Lesson, Step, page_defaults

FIGURE_WIDTH, FIGURE_HEIGHT = 900, 560   # px of each figure's image (drawn at 2×)

# The settings a link writes as a name ("L1", "MLP"), not as the id the scene takes.
NAMED = {
    "landscape": {"problem": style.PROBLEM_NAMES, "penalty": PENALTY_NAMES,
                  "rule": style.RULE_NAMES, "view": style.LANDSCAPE_VIEWS},
    "update_rules": {"problem": style.PROBLEM_NAMES},
    "weights": {"model": style.MODEL_NAMES},
    "sweep": {"penalty": style.SWEEP_KIND_NAMES},
}


def values(page: str, settings: Mapping[str, str]) -> dict[str, object]:
    """A step's settings as the page's controls read them: its defaults, and each value of
    the link in the type of its default (a name back to its id)."""
    out = dict(page_defaults(page))
    for key, text in settings.items():
        default = out.get(key)
        names = NAMED.get(page, {}).get(key)
        try:
            if names is not None:
                out[key] = next(k for k, name in names.items() if name == text)
            elif isinstance(default, bool):
                out[key] = text == "true"
            elif isinstance(default, int):
                out[key] = int(round(float(text)))
            elif isinstance(default, float):
                out[key] = float(text)
        except (StopIteration, ValueError):
            pass   # the page says so when the step opens; the handout keeps the default
    return out


def step_figure(step: Step, *, show_answer: bool = False):
    """The figure a step's page draws first, from the step's settings (the answer hidden,
    as the class first sees it)."""
    from core.scenes import crosses, geometry, landscape, sweep, update_rules, weights

    v = values(step.page, step.settings)
    if step.page == "landscape":
        w0 = (v["w1"], v["w2"])
        scene = landscape.scene(v["problem"], v["penalty"], v["lam"], alpha=v["alpha"],
                                steps=v["steps"], w0=w0, rule=v["rule"], mix=v["mix"])
        if v["view"] == "surface":
            return figures.surface_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                          show_answer=show_answer)
        return figures.landscape_figure(scene, palette=PALETTE, names=PENALTY_NAMES, w0=w0,
                                        show_answer=show_answer)
    if step.page == "geometry":
        scene = geometry.scene((v["c1"], v["c2"]), v["elong"], v["rot"], v["t"], v["lam"])
        return figures.constrained_figure(scene, palette=PALETTE, names=PENALTY_NAMES,
                                          show_answer=show_answer)
    if step.page == "update_rules":
        scene = update_rules.scene(v["lam"], v["alpha"], a=v["a"], c=v["c"], w0=v["w0"],
                                   steps=v["steps"], data=v["data"], problem=v["problem"])
        return figures.one_weight_figure(scene, palette=PALETTE, names=style.UPDATE_RUN_NAMES,
                                         k=min(v["k"], v["steps"] - 1),
                                         show_answer=show_answer)
    if step.page == "weights":
        scene = weights.scene(model=v["model"], d=v["d"], k=v["k"], flip=v["flip"],
                              seed=v["seed"], lam=v["lam"], drop=v["drop"], alpha=v["alpha"],
                              epochs=v["epochs"])
        return figures.weight_histogram_figure(scene, lam=v["lam"], palette=PALETTE,
                                               names=style.WEIGHTS_RUN_NAMES,
                                               show_answer=show_answer)
    if step.page == "sweep":
        paths = sweep.paths()
        return figures.paths_figure(paths, paths.index(v["lam"]), palette=PALETTE,
                                    names=PENALTY_NAMES, mix=sweep.MIX,
                                    show_answer=show_answer)
    scene = crosses.scene(int(v["res"]), float(v["lambda"]), float(v["alpha"]), int(v["seed"]))
    return figures.crosses_map_figure(scene, palette=PALETTE, names=style.CROSSES_RUN_NAMES,
                                      show_answer=show_answer)


def still_spec(fig) -> dict:
    """A figure's spec for paper: no frames, no slider or buttons to scrub it, no toolbar."""
    spec = fig.to_dict()
    spec.pop("frames", None)
    layout = spec.setdefault("layout", {})
    for key in ("sliders", "updatemenus"):
        layout.pop(key, None)
    layout.update(width=FIGURE_WIDTH, height=FIGURE_HEIGHT)
    return spec


def spec_json(spec: dict) -> str:
    """JSON safe inside a ``<script>`` element: no ``</`` can close it."""
    return json.dumps(spec, cls=plotly.utils.PlotlyJSONEncoder).replace("</", "<\\/")


def html(lesson: Lesson, links: Mapping[int, str] | None = None) -> str:
    """The printable handout: a page per step's figure, the answers after a page break.

    ``links``: step number (1-based) -> its full address, printed under its settings.
    Everything from the lesson is escaped; the figures travel as JSON data, not as markup.
    """
    esc = html_text.escape
    links = links or {}
    steps, answers = [], []
    for k, step in enumerate(lesson.steps, start=1):
        spec = still_spec(step_figure(step))
        link = links.get(k)
        steps.append(
            f'<section class="step"><h2>{k}. {esc(PAGES[step.page][0])}</h2>'
            + (f'<p class="question">{esc(step.question)}</p>' if step.question else "")
            + f'<div class="figure" id="figure-{k}"></div>'
            f'<script type="application/json" class="figure-spec" data-for="figure-{k}">'
            f"{spec_json(spec)}</script>"
            f'<p class="settings">{esc(settings_text(step))}</p>'
            + (f'<p class="link">{esc(link)}</p>' if link else "")
            + "</section>")
        answers.append(f"<li><b>{esc(step.question or PAGES[step.page][0])}</b><br>"
                       f"{esc(step.after or 'Open the step and reveal the answer.')}</li>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(lesson.title)}: handout</title><style>{CSS}</style>"
            f'<script>{plotly.offline.get_plotlyjs()}</script></head><body>'
            f"<h1>{esc(lesson.title)}</h1>{''.join(steps)}"
            f'<section class="answers"><h2>Answers</h2><ol>{"".join(answers)}</ol></section>'
            f"<script>{RENDER_JS}</script></body></html>")


def settings_text(step: Step) -> str:
    """The step's settings as a line, "Settings: λ = 1, penalty = L1" (defaults unsaid)."""
    if not step.settings:
        return "Settings: the page's defaults."
    return "Settings: " + ", ".join(f"{'λ' if k in ('lam', 'lambda') else k} = {v}"
                                    for k, v in step.settings.items()) + "."


CSS = """
body { font-family: system-ui, sans-serif; max-width: 940px; margin: 1.5rem auto; color: #222;
  padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin: 0.2rem 0; }
section.step { break-inside: avoid; page-break-inside: avoid; margin: 0 0 1.2rem; }
.question { font-size: 1.1rem; font-weight: 600; margin: 0.3rem 0; }
.figure img { width: 100%; height: auto; display: block; }
.figure { width: 100%; min-height: 2rem; }
.settings, .link { color: #555; font-size: 0.85rem; margin: 0.2rem 0; word-break: break-all; }
section.answers { break-before: page; page-break-before: always; }
section.answers li { margin: 0 0 0.8rem; }
@media print { body { margin: 0; max-width: none; } section.step { margin: 0 0 0.6cm; }
  .figure img { max-height: 11cm; object-fit: contain; } }
"""

# Each figure becomes a PNG image (printed at its size); where toImage fails, a static plot.
RENDER_JS = """
for (const data of document.querySelectorAll('script.figure-spec')) {
  const box = document.getElementById(data.dataset.for);
  const spec = JSON.parse(data.textContent);
  const size = {width: spec.layout.width, height: spec.layout.height};
  Plotly.toImage({data: spec.data, layout: spec.layout}, {format: 'png', scale: 2, ...size})
    .then(url => {
      const img = document.createElement('img');
      img.src = url; img.alt = 'Figure ' + data.dataset.for.split('-')[1];
      box.replaceChildren(img);
    })
    .catch(() => Plotly.newPlot(box, spec.data, spec.layout, {staticPlot: true}));
}
"""
