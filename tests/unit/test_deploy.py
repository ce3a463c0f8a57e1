"""The deployment files parse and say what a department needs (no nginx or docker needed)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def parse_nginx(text: str) -> list:
    """A small parser of nginx's grammar: `name args;` and `name args { ... }` blocks.

    Returns a list of (name, args, children) with children None for a simple directive.
    Raises ValueError on unbalanced braces or a directive missing its semicolon.
    """
    tokens = re.findall(r'"[^"]*"|\{|\}|;|[^\s{};"]+', re.sub(r"#[^\n]*", "", text))
    pos = 0

    def block(nested: bool = False) -> list:
        nonlocal pos
        out, words = [], []
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == ";":
                out.append((words[0], words[1:], None))
                words = []
            elif tok == "{":
                out.append((words[0], words[1:], block(nested=True)))
                words = []
            elif tok == "}":
                if not nested:
                    raise ValueError("unbalanced braces")
                if words:
                    raise ValueError(f"missing ';' after {words}")
                return out
            else:
                words.append(tok)
        if words or nested:
            raise ValueError(f"unexpected end of file after {words}")
        return out

    return block()


def find(tree, name):
    return [node for node in tree if node[0] == name]


def test_nginx_config_has_sticky_replicas_and_websockets():
    tree = parse_nginx((ROOT / "deploy" / "nginx.conf").read_text())
    (upstream,) = find(tree, "upstream")
    children = upstream[2]
    # sticky by a cookie (a class behind one NAT shares an address): hash of the route cookie
    assert ("hash", ["$rl_route", "consistent"]) in [(n[0], n[1]) for n in children]
    (route_map,) = [n for n in find(tree, "map") if n[1] == ["$cookie_rl_route", "$rl_route"]]
    assert ("default", ["$cookie_rl_route"], None) in route_map[2]
    assert len(find(children, "server")) >= 2
    (server,) = find(tree, "server")
    root = next(n for n in find(server[2], "location") if n[1] == ["/"])
    directives = {(n[0], tuple(n[1])) for n in root[2]}
    assert ("proxy_http_version", ("1.1",)) in directives
    assert ("proxy_set_header", ("Upgrade", "$http_upgrade")) in directives
    assert any(n[0] == "proxy_pass" and n[1][0].endswith(upstream[1][0]) for n in root[2])


def test_the_parser_rejects_broken_configs():
    for broken in ("server { listen 80 }", "server { listen 80;", "upstream x { server a; }}"):
        try:
            parse_nginx(broken)
        except ValueError:
            continue
        raise AssertionError(f"accepted {broken!r}")


def test_dockerfile_is_slim_non_root_healthchecked_and_warms_the_cache():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.1[1-9]-slim", text, re.M)
    assert re.search(r"^USER (?!root)\S+", text, re.M)
    assert "HEALTHCHECK" in text and "/_stcore/health" in text
    assert "--server.address=0.0.0.0" in text
    assert "python -m core.runtime" in text
