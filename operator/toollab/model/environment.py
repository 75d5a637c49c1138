"""`status.environment`: what the trial ran on (simulated kwok nodes or real ones), and its read.

Pure: no I/O. `from_nodes` decides from Node objects the runner lists: kwok marks the nodes it
manages with the annotation kwok.x-k8s.io/node (value "fake").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from toollab.model import stored

KWOK_ANNOTATION = "kwok.x-k8s.io/node"
RUN_NOT_EXECUTED = "command not executed: simulated node"

Raw = Mapping[str, Any]


def is_simulated_node(node: Mapping[str, Any]) -> bool:
    """Whether kwok manages this Node (nothing really runs on it)."""
    meta = node.get("metadata") or {}
    return KWOK_ANNOTATION in (meta.get("annotations") or {})


@dataclass(frozen=True)
class Environment:
    """The cluster a run used: node count, how many are simulated, the Kubernetes version."""

    nodes: int = 0
    simulated_nodes: int = 0
    kubernetes_version: str = ""

    @property
    def simulated(self) -> bool:
        """True when every node is simulated (no container can run anywhere)."""
        return self.nodes > 0 and self.simulated_nodes == self.nodes

    @property
    def kind(self) -> str:
        """simulated, mixed or real."""
        if self.simulated:
            return "simulated"
        return "mixed" if self.simulated_nodes else "real"

    @classmethod
    def from_nodes(cls, nodes: Iterable[Mapping[str, Any]], *, kubernetes_version: str) -> Environment:
        """The environment of a cluster with these nodes."""
        listed = list(nodes)
        simulated = sum(1 for node in listed if is_simulated_node(node))
        return cls(nodes=len(listed), simulated_nodes=simulated, kubernetes_version=kubernetes_version)

    def note(self) -> str:
        """What a verdict on this cluster could not check, for the Ready message; "" when real."""
        if not self.simulated_nodes:
            return ""
        return (
            f"Simulated: {self.simulated_nodes} of {self.nodes} nodes are kwok nodes, where no container "
            "runs; commands, logs, exec and webhook answers were not verified"
        )

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "type": self.kind,
            "simulated": self.simulated,
            "kubernetesVersion": self.kubernetes_version,
            "nodes": self.nodes,
            "simulatedNodes": self.simulated_nodes,
        }

    @classmethod
    def from_raw(cls, raw: Raw) -> Environment:
        """Read a stored environment."""
        return cls(
            nodes=stored.as_int(raw.get("nodes")),
            simulated_nodes=stored.as_int(raw.get("simulatedNodes")),
            kubernetes_version=stored.as_str(raw.get("kubernetesVersion")),
        )


@dataclass(frozen=True)
class ProfileInfo:
    """`status.profile`: the ToolProfile a run installed from (reports group by its category)."""

    name: str
    category: str = ""
    preset: str = ""
    isolation: str = ""

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "name": self.name,
            "category": self.category,
            "preset": self.preset,
            "isolation": self.isolation,
        }

    @classmethod
    def from_raw(cls, raw: Raw) -> ProfileInfo:
        """Read a stored profile record."""
        return cls(
            name=stored.as_str(raw.get("name")),
            category=stored.as_str(raw.get("category")),
            preset=stored.as_str(raw.get("preset")),
            isolation=stored.as_str(raw.get("isolation")),
        )
