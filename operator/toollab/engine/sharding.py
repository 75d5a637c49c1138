"""Which trials an operator handles (shards, like Flux's), and the Lease its replicas share.

Pure. Without `--shard`, an operator handles trials that carry no `toollab.dev/shard` label (as
Flux's main controllers skip `sharding.fluxcd.io/key`); with `--shard KEY`, only trials labelled
`toollab.dev/shard=KEY`. `--label-selector` narrows either (or, without `--shard`, replaces the
default). Namespaces are chosen with Kopf's patterns (`--namespace lab-*,!lab-private`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from toollab import errors
from toollab.model import selectors

SHARD_LABEL = "toollab.dev/shard"
LEASE_NAME = "toollab-operator"


def selector_for(shard: str | None, label_selector: str | None) -> selectors.Selector:
    """The trials an operator handles; InputError for a malformed selector or shard key."""
    chosen = selectors.parse_selector(label_selector) if label_selector else None
    if shard is not None:
        if not shard or "," in shard or "=" in shard:
            raise errors.InputError(f"--shard {shard!r}: a shard key is a label value, e.g. --shard team-a")
        own = selectors.parse_selector(f"{SHARD_LABEL}={shard}")
        return own & chosen if chosen else own
    return chosen if chosen is not None else selectors.parse_selector(f"!{SHARD_LABEL}")


def lease_name_for(namespaces: Sequence[str], selector: selectors.Selector) -> str:
    """`toollab-operator` for the default scope (all namespaces, unsharded); otherwise a name that
    tells scopes apart, so that operators for different shards or namespaces never wait on each other."""
    if not namespaces and selector.text == f"!{SHARD_LABEL}":
        return LEASE_NAME
    scope = "|".join(sorted(namespaces)) + "#" + selector.text
    return f"{LEASE_NAME}-{hashlib.sha256(scope.encode()).hexdigest()[:10]}"


__all__ = ["LEASE_NAME", "SHARD_LABEL", "lease_name_for", "selector_for"]
