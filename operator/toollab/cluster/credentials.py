"""How to reach and authenticate to the API server, as data for other clients; no network here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Credentials:
    """How to reach and authenticate to the API server, as the kubeconfig (or the pod) says.

    For other clients of the same server and identity (Kopf's watches). Paths may name
    temporary files the client wrote for inline certificate data.
    """

    server: str
    ca_path: str | None
    verify: bool
    token: str | None
    scheme: str | None
    certificate_path: str | None
    private_key_path: str | None
    username: str | None = None
    password: str | None = None
