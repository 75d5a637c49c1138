"""Watches that wake a step's polling, on the local cluster's API server."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from toollab.cluster import port


@pytest.fixture
def namespace(kube: Any) -> Iterator[str]:
    """A namespace of its own holding ConfigMaps `watched` and `other`; deleted afterwards."""
    name = f"toollab-change-feed-{secrets.token_hex(3)}"
    kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, namespace=None)
    for configmap in ("watched", "other"):
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": configmap}, "data": {"n": "0"}}
        kube.create(body, namespace=name)
    yield name
    kube.delete("v1", "Namespace", name=name, namespace=None)


def later(seconds: float, action: Any) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


def bump(kube: Any, namespace: str, name: str) -> None:
    kube.patch("v1", "ConfigMap", name=name, namespace=namespace, patch={"data": {"n": str(time.time())}})


def test_a_change_to_the_watched_object_ends_the_wait(kube: Any, namespace: str) -> None:
    watched = port.ObjectRef("v1", "ConfigMap", "watched", namespace)
    with kube.watch_changes([watched], seconds=60) as feed:
        assert feed.watching == 1
        later(0.5, lambda: bump(kube, namespace, "watched"))
        started = time.monotonic()
        feed.wait(30)
        assert time.monotonic() - started < 10  # woken by the change, not by the 30 s


def test_a_change_elsewhere_does_not_wake_a_watch_on_one_named_object(kube: Any, namespace: str) -> None:
    watched = port.ObjectRef("v1", "ConfigMap", "watched", namespace)
    with kube.watch_changes([watched], seconds=60) as feed:
        later(0.1, lambda: bump(kube, namespace, "other"))
        started = time.monotonic()
        feed.wait(1.5)
        assert time.monotonic() - started >= 1.5


def test_what_happened_before_the_feed_opened_does_not_wake_it(kube: Any, namespace: str) -> None:
    bump(kube, namespace, "watched")
    collection = port.ObjectRef("v1", "ConfigMap", "", namespace)
    with kube.watch_changes([collection], seconds=60) as feed:
        started = time.monotonic()
        feed.wait(1.0)
        assert time.monotonic() - started >= 1.0


def test_kinds_not_served_are_left_out_and_closing_ends_the_readers(kube: Any, namespace: str) -> None:
    refs = [
        port.ObjectRef("example.com/v1", "NotServed", "x", namespace),
        port.ObjectRef("v1", "ConfigMap", "", namespace),
        port.ObjectRef("v1", "ConfigMap", "watched", namespace),
    ]
    before = threading.active_count()
    feed = kube.watch_changes(refs, seconds=60)
    assert feed.watching == 2
    feed.close()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == before
    assert (
        kube.get("v1", "ConfigMap", name="watched", namespace=namespace) is not None
    )  # the pool still works
