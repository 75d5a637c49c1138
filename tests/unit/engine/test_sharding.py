"""Which trials an operator takes: its shard (or only unsharded trials), narrowed by a selector."""

from __future__ import annotations

import pytest

from toollab import errors
from toollab.engine import sharding

UNSHARDED: dict[str, str] = {}
SHARD_A = {"toollab.dev/shard": "a"}
SHARD_B_TEAM = {"toollab.dev/shard": "b", "team": "x"}


def test_without_a_shard_an_operator_takes_only_unsharded_trials() -> None:
    default = sharding.selector_for(None, None)
    assert default.matches(UNSHARDED)
    assert not default.matches(SHARD_A)


def test_a_shard_takes_only_its_own_trials() -> None:
    shard = sharding.selector_for("a", None)
    assert shard.matches(SHARD_A)
    assert not shard.matches(UNSHARDED) and not shard.matches(SHARD_B_TEAM)


def test_a_label_selector_narrows_a_shard_or_replaces_the_default() -> None:
    assert sharding.selector_for("b", "team=x").matches(SHARD_B_TEAM)
    assert not sharding.selector_for("b", "team=y").matches(SHARD_B_TEAM)
    everything_of_team_x = sharding.selector_for(None, "team=x")
    assert everything_of_team_x.matches(SHARD_B_TEAM)  # sharded or not


@pytest.mark.parametrize("key", ["", "a,b", "a=b"])
def test_a_malformed_shard_key_is_refused(key: str) -> None:
    with pytest.raises(errors.InputError, match="--shard"):
        sharding.selector_for(key, None)


def test_lease_names_tell_scopes_apart() -> None:
    default = sharding.selector_for(None, None)
    assert sharding.lease_name_for((), default) == "toollab-operator"
    names = {
        sharding.lease_name_for((), sharding.selector_for("a", None)),
        sharding.lease_name_for((), sharding.selector_for("b", None)),
        sharding.lease_name_for(("lab",), default),
        sharding.lease_name_for(("lab-*",), default),
    }
    assert len(names) == 4 and all(n.startswith("toollab-operator-") and len(n) <= 63 for n in names)
    assert sharding.lease_name_for(("x", "y"), default) == sharding.lease_name_for(("y", "x"), default)
