"""Test namespace names for every suite format: `<prefix>-<adjective>-<animal>`, as KUTTL and Chainsaw do.

Pure: the randomness comes in as a `random.Random`, so tests can fix it.
"""

from __future__ import annotations

import random

_ADJECTIVES = tuple(
    "amber agile bold brave brisk calm clever cosmic crisp daring eager fancy fluent gentle glad "
    "grand happy honest jolly keen lively lucky merry mighty nimble noble plucky proud quick "
    "quiet rapid shiny steady sunny swift tidy vivid warm witty zesty".split()
)
_ANIMALS = tuple(
    "badger beaver bison bobcat camel condor coyote crane dingo dolphin eagle falcon ferret "
    "gecko heron ibex jackal koala lemur lynx marmot mink moose narwhal ocelot otter panda "
    "puffin quail raven salmon seal stoat tapir toucan walrus weasel wombat yak zebra".split()
)
_SUFFIX = "abcdefghijklmnopqrstuvwxyz0123456789"


def pet_name(prefix: str, rng: random.Random, *, suffix_length: int = 0) -> str:
    """`<prefix>-<adjective>-<animal>`, plus `-<suffix_length random [a-z0-9]>` when asked."""
    name = f"{prefix}-{rng.choice(_ADJECTIVES)}-{rng.choice(_ANIMALS)}"
    if suffix_length:
        name += "-" + "".join(rng.choice(_SUFFIX) for _ in range(suffix_length))
    return name
