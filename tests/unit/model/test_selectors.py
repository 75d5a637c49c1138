"""Label selectors as `kubectl get -l` reads them, and what they select; malformed ones are refused."""

from __future__ import annotations

import pytest

from toollab import errors
from toollab.model import selectors

LABELS = {"team": "a", "tier": "gold", "toollab.dev/shard": "s1", "empty": ""}


@pytest.mark.parametrize(
    ("text", "selected"),
    [
        ("", True),
        ("team=a", True),
        ("team==a", True),
        ("team=b", False),
        ("team!=b", True),
        ("owner!=x", True),  # absent counts as "not x", as in Kubernetes
        ("team in (a, b)", True),
        ("team notin (a,b)", False),
        ("owner notin (a)", True),
        ("team", True),
        ("!team", False),
        ("!owner", True),
        ("toollab.dev/shard=s1,tier=gold", True),
        ("toollab.dev/shard=s1,tier=silver", False),
        ("empty=", True),
        ("team in (a),tier in (gold,silver),!owner", True),
    ],
)
def test_selectors_select_as_kubernetes_does(text: str, selected: bool) -> None:
    assert selectors.parse_selector(text).matches(LABELS) is selected


def test_no_labels_at_all() -> None:
    assert selectors.parse_selector("!toollab.dev/shard").matches(None)
    assert not selectors.parse_selector("team").matches(None)


def test_two_selectors_combine_with_and() -> None:
    both = selectors.parse_selector("team=a") & selectors.parse_selector("tier=silver")
    assert not both.matches(LABELS) and str(both) == "team=a,tier=silver"
    assert str(selectors.EVERYTHING) == "(everything)"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("team=a,,tier=gold", "an empty requirement"),
        ("team=a,", "an empty requirement"),
        ("team in ()", "in needs at least one value"),
        ("bad key=a", "not a valid label key"),
        ("-team=a", "not a valid label key"),
        ("team=a b", "not a valid label key"),
        ("team=" + "x" * 64, "not a valid label value"),
        ("team in (a,b c)", "not a valid label value"),
        ("!", "not a valid label key"),
        ("team=a)", "not a valid label value"),
    ],
)
def test_malformed_selectors_say_what_is_wrong(text: str, why: str) -> None:
    with pytest.raises(errors.InputError) as raised:
        selectors.parse_selector(text)
    assert why in str(raised.value) and repr(text) in str(raised.value)
