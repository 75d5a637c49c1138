"""A tiny HTTPS client for the local API server, for start-up checks before any virtualenv exists.

Standard library only; talks to 127.0.0.1 with the run's admin certificate. Not for the operator.
"""

from __future__ import annotations

import http.client
import json
import ssl
from pathlib import Path
from typing import Any


class RestClient:
    """JSON requests against https://127.0.0.1:<port> with client-certificate auth."""

    def __init__(self, *, port: int, pki: Path, timeout: float = 5.0) -> None:
        self.port = port
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        self.context.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))

    def request(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, Any]:
        """Send one request; returns (status, decoded JSON body or text)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=self.timeout)
        try:
            payload = None if body is None else json.dumps(body)
            headers = {"Content-Type": content_type, "Accept": "application/json"}
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read().decode()
        finally:
            conn.close()
        try:
            return response.status, json.loads(raw)
        except json.JSONDecodeError:
            return response.status, raw

    def ok(self, path: str) -> bool:
        """True when GET path answers 200; False on any error."""
        try:
            return self.request("GET", path)[0] == 200
        except (OSError, http.client.HTTPException):
            return False
