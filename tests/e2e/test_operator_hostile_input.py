"""Issue 8, findings 3 to 7: no input blinds the operator, and every bad input gets an answer.

A trial nested 1,200 levels deep ends in Error/InvalidSpec while a good trial in the same
namespace passes; a 300 KB trial passes and can be deleted; an invalid ConfigMap ends in
Error/Invalid within seconds; a manifest URL that trickles bytes ends in Error within its
30-second bound; a Secret that does not match shows no value anywhere.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for

DEEP_LEVELS = 1200
INVALID_SECONDS = 10.0
TRICKLE_BOUND_SECONDS = 30.0  # installers.manifests.FETCH_DEADLINE_SECONDS, as the README states it


def _deep_trial_json(name: str, namespace: str, levels: int) -> str:
    """A trial whose helm values nest `levels` deep, as text (json.dumps would recurse)."""
    body = trials.tool_trial(
        name,
        namespace,
        source=trials.helm("https://charts.example.org", "x"),
        steps=[trials.step("s", assert_=[trials.config_map("any")])],
    )
    body["spec"]["tool"]["helm"]["values"] = {"marker": "DEEP"}
    text = json.dumps(body)
    return text.replace('"DEEP"', '{"a":' * levels + "1" + "}" * levels)


def test_a_trial_nested_1200_levels_is_an_invalid_spec_and_the_namespace_keeps_working(
    operator: Any, kube: Any, namespace: str, trial_status: Any, kubeconfig: str, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(_deep_trial_json("deep", namespace, DEEP_LEVELS))
    trials.run_tool("kubectl", "create", "-f", str(path), kubeconfig=kubeconfig)
    try:
        with trials.created(kube, trials.web_trial("good", namespace, f"{namespace}-good")):
            status = trials.wait_phase(
                trial_status, "good", namespace, "Passed", "Failed", "Error", timeout=60
            )
            assert status["phase"] == "Passed", status
        deep = trials.wait_phase(trial_status, "deep", namespace, "Error", timeout=30)
        ready = trials.condition(deep, "Ready")
        assert ready["reason"] == "InvalidSpec"
        assert "spec: nested deeper than 100 levels" in ready["message"]
    finally:
        trials.run_tool("kubectl", "delete", "-f", str(path), "--wait=false", kubeconfig=kubeconfig)
    trials.wait_gone(kube, trials.API_VERSION, trials.KIND, "deep", namespace, timeout=30)


def test_an_operator_started_while_a_deep_trial_exists_serves_its_namespace(
    kube: Any,
    other_namespace: str,
    start_operator: Callable[..., OperatorProcess],
    trial_status: Any,
    kubeconfig: str,
    tmp_path: Path,
) -> None:
    """The first listing holds the deep trial: the operator decodes it, refuses it and works on."""
    ns = other_namespace
    path = tmp_path / "deep.json"
    path.write_text(_deep_trial_json("deep", ns, DEEP_LEVELS))
    trials.run_tool("kubectl", "create", "-f", str(path), kubeconfig=kubeconfig)
    operator = start_operator(ns, extra=["--liveness", "http://127.0.0.1:0/healthz"])
    with trials.created(kube, trials.web_trial("good", ns, f"{ns}-good")):
        status = trials.wait_phase(trial_status, "good", ns, "Passed", "Failed", "Error", timeout=90)
        assert status["phase"] == "Passed", (status, operator.output())
        deep = trials.wait_phase(trial_status, "deep", ns, "Error", timeout=30)
        assert trials.condition(deep, "Ready")["reason"] == "InvalidSpec"
    assert operator.alive
    assert "RecursionError" not in operator.output(200_000)
    trials.run_tool("kubectl", "delete", "-f", str(path), "--wait=false", kubeconfig=kubeconfig)
    trials.wait_gone(kube, trials.API_VERSION, trials.KIND, "deep", ns, timeout=30)


def test_a_300_kb_trial_runs_and_can_be_deleted(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    body = trials.web_trial("large", namespace, f"{namespace}-large")
    blob = trials.config_map("blob", {"text": "x" * 300_000})
    body["spec"]["tool"]["manifests"]["inline"].append(blob)
    kube.create_or_merge(body, namespace=namespace)
    status = trials.wait_phase(trial_status, "large", namespace, "Passed", "Failed", "Error", timeout=60)
    assert status["phase"] == "Passed", status
    live = kube.get(trials.API_VERSION, trials.KIND, name="large", namespace=namespace)
    assert len(json.dumps(live["spec"])) > 300_000
    assert not any("last-handled-configuration" in k for k in live["metadata"].get("annotations") or {})
    started = time.monotonic()
    trials.delete_trial(kube, "large", namespace, timeout=60)
    took = time.monotonic() - started
    print(f"300 KB trial: deleted in {took:.1f}s", file=sys.__stderr__ or sys.stderr)


def test_an_invalid_config_map_ends_in_error_within_seconds(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    invalid = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bad"}, "data": [1, 2]}
    body = trials.tool_trial(
        "invalid",
        namespace,
        source=trials.manifests(invalid),
        steps=[trials.step("s", assert_=[trials.config_map("any")])],
        target=f"{namespace}-i",
    )
    started = time.monotonic()
    with trials.created(kube, body):
        status = trials.wait_phase(
            trial_status, "invalid", namespace, "Error", "Passed", timeout=INVALID_SECONDS
        )
        took = time.monotonic() - started
        assert took < INVALID_SECONDS
        print(f"invalid ConfigMap: Error after {took:.1f}s", file=sys.__stderr__ or sys.stderr)
        ready = trials.condition(status, "Ready")
        assert ready["reason"] == "Invalid", ready
        assert "ConfigMap" in ready["message"] and "expected map" in ready["message"], ready["message"]


class Trickle(http.server.BaseHTTPRequestHandler):
    """Sends a valid manifest one byte every two seconds."""

    def do_GET(self) -> None:
        text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: slow}\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        with contextlib.suppress(OSError):
            for byte in text:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(2)

    def log_message(self, *_: object) -> None:
        return


@contextlib.contextmanager
def trickling() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/manifest.yaml"
    finally:
        server.shutdown()
        server.server_close()


def test_a_trickling_manifest_url_ends_in_error_within_its_bound(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    with trickling() as url:
        body = trials.tool_trial(
            "trickle",
            namespace,
            source=trials.manifests(urls=[url]),
            steps=[trials.step("s", assert_=[trials.config_map("any")])],
            target=f"{namespace}-t",
        )
        started = time.monotonic()
        with trials.created(kube, body):
            status = trials.wait_phase(
                trial_status, "trickle", namespace, "Error", "Passed", timeout=TRICKLE_BOUND_SECONDS + 20
            )
            took = time.monotonic() - started
            ready = trials.condition(status, "Ready")
            assert "not downloaded within 30s" in ready["message"], ready
            assert TRICKLE_BOUND_SECONDS - 1 < took < TRICKLE_BOUND_SECONDS + 15, took
    print(f"trickling URL: Error after {took:.1f}s", file=sys.__stderr__ or sys.stderr)  # a figure, with -s


def test_a_secret_mismatch_shows_no_value(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    live, wanted = "s3cr3t-live-value", "wrong-guess"
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db"},
        "data": {"password": base64.b64encode(live.encode()).decode()},
    }
    expected = {**secret, "data": {"password": base64.b64encode(wanted.encode()).decode()}}
    body = trials.web_trial("secret", namespace, f"{namespace}-s")
    body["spec"]["steps"] = [trials.step("check", timeout="3s", apply=[secret], assert_=[expected])]
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "secret", namespace, "Failed", "Error", "Passed", timeout=60)
        assert status["phase"] == "Failed", status
        assert "data.password: expected" in status["steps"][0]["message"]
        events = wait_for(lambda: trials.events(kube, "secret", namespace), timeout=10)
        shown = json.dumps(status) + json.dumps(events)
        for value in (live, wanted, secret["data"]["password"], expected["data"]["password"]):
            assert value not in shown
