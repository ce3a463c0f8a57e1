"""The deployment files parse and say what a department needs (no nginx or docker needed).

The compose file is checked against the Compose Specification's JSON schema as
check-jsonschema vendors it, and the Kubernetes manifests against the API's OpenAPI
models as kubernetes-validate ships them (strict: no unknown fields), both installed with
the test tools, so nothing downloads at test time.
"""

import copy
import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
K8S_VERSION = "1.37.0"
APP_PORT = 8501


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
    (server,) = find(tree, "server")
    root = next(n for n in find(server[2], "location") if n[1] == ["/"])
    directives = {(n[0], tuple(n[1])) for n in root[2]}
    assert ("proxy_http_version", ("1.1",)) in directives
    assert ("proxy_set_header", ("Upgrade", "$http_upgrade")) in directives
    assert any(n[0] == "proxy_pass" and n[1][0].endswith(upstream[1][0]) for n in root[2])
    # the replicas come from one file per setting, each a list of servers nginx can read
    (include,) = find(children, "include")
    assert include[1] == ["/etc/nginx/rl-replicas.conf"]
    for name, least in (("replicas-host.conf", 2), ("replicas-compose.conf", 1)):
        servers = parse_nginx((DEPLOY / name).read_text())
        assert len(servers) >= least and {n[0] for n in servers} == {"server"}
        assert all("max_fails=1" in n[1] for n in servers)


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
    assert "--server.fileWatcherType=none" in text   # no file watchers burning a core


# ---- Docker Compose ---------------------------------------------------------------------

def compose_schema() -> dict:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "compose-spec.json").read_text())


def load_compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_file_follows_the_compose_specification():
    schema = compose_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(load_compose())


def test_the_compose_schema_refuses_a_broken_file():
    broken = load_compose()
    broken["services"]["app"]["deploy"]["replicas"] = "two"
    broken["services"]["proxy"]["ports"] = {"8080": 80}
    schema = compose_schema()
    errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(broken))
    assert len(errors) >= 2


def test_compose_puts_nginx_in_front_of_healthy_replicas():
    services = load_compose()["services"]
    app, proxy = services["app"], services["proxy"]
    assert app["deploy"]["replicas"] >= 2
    assert app["build"]["context"] == ".." and (DEPLOY / ".." / "Dockerfile").exists()
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert str(APP_PORT) in [str(p) for p in app["expose"]]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    mounts = dict(v.removesuffix(":ro").split(":", 1) for v in proxy["volumes"])
    assert mounts == {"./nginx.conf": "/etc/nginx/conf.d/default.conf",
                      "./replicas-compose.conf": "/etc/nginx/rl-replicas.conf"}
    for source in mounts:
        assert (DEPLOY / source).is_file()
    (server,) = parse_nginx((DEPLOY / "replicas-compose.conf").read_text())
    assert server[1][0] == f"app:{APP_PORT}"   # the service name: Docker's DNS lists replicas


# ---- Kubernetes -------------------------------------------------------------------------

def k8s_manifests() -> dict[str, dict]:
    """Every manifest of deploy/k8s by kind (the kustomization lists them all)."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = kustomization["resources"]
    assert sorted(listed) == sorted(p.name for p in K8S.glob("*.yaml")
                                    if p.name != "kustomization.yaml")
    docs = [yaml.safe_load((K8S / name).read_text()) for name in listed]
    return {doc["kind"]: doc for doc in docs}


def test_k8s_manifests_follow_the_kubernetes_api():
    manifests = k8s_manifests()
    assert set(manifests) == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}
    for doc in manifests.values():
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


@pytest.mark.parametrize("breakage", ["unknown field", "wrong type", "missing field"])
def test_the_kubernetes_models_refuse_a_broken_manifest(breakage):
    doc = copy.deepcopy(k8s_manifests()["Deployment"])
    container = doc["spec"]["template"]["spec"]["containers"][0]
    if breakage == "unknown field":
        container["readinessProbes"] = container.pop("readinessProbe")
    elif breakage == "wrong type":
        container["ports"] = {"containerPort": APP_PORT}
    else:
        del doc["spec"]["selector"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_k8s_probes_affinity_and_autoscaling_fit_together():
    m = k8s_manifests()
    deployment, service, ingress, hpa = (m["Deployment"], m["Service"], m["Ingress"],
                                         m["HorizontalPodAutoscaler"])
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": APP_PORT}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}
    # the service selects the pods, the ingress reaches the service, the HPA scales the pods
    labels = pod["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": deployment["metadata"]["name"]}
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    # a utilization target needs a CPU request to be a fraction of
    assert container["resources"]["requests"]["cpu"]
    # sticky by cookie (not client address: a class shares one NAT), websockets held an hour
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == "rl_route"
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600
    assert int(notes[prefix + "proxy-send-timeout"]) >= 3600


def test_the_old_replica_script_is_gone_and_nothing_points_at_it():
    assert not (DEPLOY / "replicas.sh").exists()
    for path in [ROOT / "README.md", ROOT / "Dockerfile", ROOT / "Makefile",
                 *ROOT.glob("docs/*.md"), *DEPLOY.rglob("*.*")]:
        assert "replicas.sh" not in path.read_text(), path
