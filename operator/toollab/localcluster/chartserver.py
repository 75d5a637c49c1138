"""A throwaway Helm chart repository on 127.0.0.1: package charts, index them, serve over http.

Serves the tests and `make demo` alike. Standard library only (plus the helm binary it is
given); it binds to loopback only and serves nothing but the folder it creates.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from toollab.localcluster import pins

HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # `format`: the base class names it so
        return


@contextlib.contextmanager
def serve_directory(root: Path, *, port: int = 0) -> Iterator[str]:
    """Serve `root` over http on 127.0.0.1 (any free port by default); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="toollab-chartserver", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def helm_env(home: Path) -> dict[str, str]:
    """Our environment with helm's cache, config and data in `home`, away from the user's."""
    folders = {"HELM_CACHE_HOME": "cache", "HELM_CONFIG_HOME": "config", "HELM_DATA_HOME": "data"}
    return {**os.environ, **{name: str(home / sub) for name, sub in folders.items()}}


def package_charts(charts: Sequence[Path], *, helm: Path, into: Path, url: str) -> list[Path]:
    """`helm package` each chart into `into`, then `helm repo index --url`; returns the archives."""
    env = helm_env(into.parent / "helm-home")
    for chart in charts:
        _helm([str(helm), "package", str(chart), "--destination", str(into)], env=env)
    _helm([str(helm), "repo", "index", str(into), "--url", url], env=env)
    return sorted(into.glob("*.tgz"))


def _helm(argv: list[str], *, env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:3])} failed: {done.stderr.strip() or done.stdout.strip()}")


@contextlib.contextmanager
def serve_charts(charts: Sequence[Path], *, helm: Path | None = None, port: int = 0) -> Iterator[str]:
    """A chart repository holding `charts` (folders), served on 127.0.0.1; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="toollab-charts-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        with serve_directory(root, port=port) as url:
            package_charts(charts, helm=helm or pins.bin_dir() / "helm", into=root, url=url)
            yield url


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m toollab.localcluster.chartserver CHART_DIR...`: serve until interrupted."""
    parser = argparse.ArgumentParser(prog="chartserver", description=__doc__)
    parser.add_argument("charts", nargs="+", type=Path, help="chart folders to package and serve")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    parser.add_argument(
        "--directory", action="store_true", help="serve the one folder given as it is (a packaged repository)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # clean up the temp folder on `kill` too
    served = serve_directory(args.charts[0], port=args.port) if args.directory else None
    with served or serve_charts(args.charts, port=args.port) as url:
        print(url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
