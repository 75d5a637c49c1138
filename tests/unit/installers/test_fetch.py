"""Downloading a manifest URL is bounded in time and size, however the server paces its bytes."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from toollab import errors
from toollab.installers import manifests

DOC = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        if self.path == "/trickle":
            self.send_header("Content-Length", str(len(DOC)))
            self.end_headers()
            try:
                for byte in DOC:  # one byte every 0.3 s: each read succeeds, the whole never ends in time
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass  # the client gave up, as it should
            return
        self.send_header("Content-Length", str(len(DOC)))
        self.end_headers()
        self.wfile.write(DOC)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_trickling_url_ends_within_its_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(errors.InstallError, match=r"not downloaded within 1.5s \(the bound on one manifest"):
        manifests.fetch_url(f"{server}/trickle", allow_http=True, deadline_seconds=1.5)
    assert time.monotonic() - started < 1.5 + 1.0


def test_a_prompt_url_is_read_whole(server: str) -> None:
    assert manifests.fetch_url(f"{server}/ok", allow_http=True, deadline_seconds=1.5) == DOC.decode()


def test_the_default_bound_is_thirty_seconds() -> None:
    assert manifests.FETCH_DEADLINE_SECONDS == 30.0
    assert manifests.FETCH_TIMEOUT_SECONDS < manifests.FETCH_DEADLINE_SECONDS
