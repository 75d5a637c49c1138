"""The waiting line for slots: oldest first within a namespace, namespaces served in turn."""

from __future__ import annotations

from toollab.engine.fairqueue import FairQueue


def filled(*entries: tuple[str, str]) -> FairQueue[str]:
    queue: FairQueue[str] = FairQueue()
    for since, (key, namespace) in enumerate(entries):
        queue.push(key, namespace=namespace, since=float(since))
    return queue


def drain(queue: FairQueue[str]) -> list[str]:
    served = []
    while (entry := queue.pop()) is not None:
        served.append(entry.key)
    return served


def test_one_namespace_is_first_in_first_out() -> None:
    assert drain(filled(("a1", "a"), ("a2", "a"), ("a3", "a"))) == ["a1", "a2", "a3"]


def test_a_crowded_namespace_cannot_starve_another() -> None:
    queue = filled(*[(f"a{i}", "a") for i in range(1, 6)], ("b1", "b"), ("c1", "c"))
    assert drain(queue) == ["a1", "b1", "c1", "a2", "a3", "a4", "a5"]


def test_positions_are_the_order_of_service() -> None:
    queue = filled(("a1", "a"), ("a2", "a"), ("b1", "b"))
    assert queue.positions() == {"a1": 1, "b1": 2, "a2": 3}
    assert [e.key for e in queue.order()] == drain(queue)


def test_the_namespace_just_served_waits_its_turn() -> None:
    queue = filled(("a1", "a"), ("a2", "a"), ("b1", "b"))
    assert queue.pop() is not None  # a1
    queue.push("a3", namespace="a", since=9.0)
    queue.push("c1", namespace="c", since=9.0)  # never served yet: before a, served just now
    assert drain(queue) == ["b1", "c1", "a2", "a3"]


def test_a_namespace_served_just_now_goes_last_even_if_its_line_emptied_meanwhile() -> None:
    queue = filled(("a1", "a"))
    assert queue.pop() is not None  # a's line is empty now
    queue.push("a2", namespace="a", since=1.0)
    queue.push("b1", namespace="b", since=2.0)  # younger, but b has not had a turn
    assert drain(queue) == ["b1", "a2"]


def test_pushing_twice_keeps_the_place_and_removing_frees_it() -> None:
    queue = filled(("a1", "a"), ("a2", "a"))
    assert queue.push("a1", namespace="a", since=99.0) is False
    assert queue.positions()["a1"] == 1
    assert queue.remove("a1") is not None and queue.remove("a1") is None
    assert "a1" not in queue and len(queue) == 1
    assert drain(queue) == ["a2"]


def test_pop_skips_keys_that_are_not_eligible_without_losing_them() -> None:
    queue = filled(("a1", "a"), ("b1", "b"), ("a2", "a"))
    entry = queue.pop(lambda key: key != "a1")
    assert entry is not None and entry.key == "b1"
    assert drain(queue) == ["a1", "a2"]
    assert queue.pop() is None and queue.positions() == {}
