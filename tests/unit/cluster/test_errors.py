"""The one classification of the API server's answers: what is retried and what ends a trial."""

from __future__ import annotations

import json

import pytest

from toollab import errors
from toollab.cluster import errors as cluster_errors


def status_body(message: str) -> bytes:
    return json.dumps({"kind": "Status", "status": "Failure", "message": message}).encode()


@pytest.mark.parametrize(
    "message",
    [
        "failed to create typed patch object (/v1, Kind=ConfigMap) lab/c: .data: expected map, got &{[1 2]}",
        "failed to create typed patch object: .spec.bogus: field not declared in schema",
        "Internal error: .data.x: expected string, got &value.valueUnstructured{}",
    ],
)
def test_an_invalid_object_500_is_invalid_at_once_with_the_server_words(message: str) -> None:
    found = cluster_errors.from_response(500, status_body(message), what="ConfigMap lab/c")
    assert isinstance(found, errors.Invalid)
    assert not found.retryable
    assert found.reason == "Invalid"
    assert str(found) == f"ConfigMap lab/c: {message}"


@pytest.mark.parametrize("status", [400, 405, 406, 410, 413, 415, 422])
def test_other_client_errors_are_invalid_not_retried(status: int) -> None:
    found = cluster_errors.from_response(status, status_body("no"), what="x")
    assert isinstance(found, errors.Invalid)
    assert not found.retryable


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_outages_and_throttling_are_retried(status: int) -> None:
    found = cluster_errors.from_response(status, status_body("etcdserver: request timed out"), what="x")
    assert isinstance(found, errors.Unavailable)
    assert found.retryable


def test_conflicts_are_retried_and_the_rest_keep_their_kind() -> None:
    assert cluster_errors.from_response(409, status_body("exists"), what="x").retryable
    assert isinstance(cluster_errors.from_response(404, b"", what="x"), errors.NotFound)
    assert isinstance(cluster_errors.from_response(403, b"", what="x"), errors.Forbidden)
    assert cluster_errors.from_transport(ConnectionRefusedError("refused"), what="x").retryable
