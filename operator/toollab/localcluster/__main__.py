"""`python -m toollab.localcluster tools|tools-bench|up|down|env|status`: what the Makefile calls.

Standard library only, so it runs before the virtualenv exists. Prints a one-line reason and
exits 1 on failure; never leaves a half-started cluster running.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from toollab.localcluster import benchtools, build, pins, processes, start, state


def env_lines(*, venv: Path) -> list[str]:
    """`export` lines for a shell: KUBECONFIG and PATH with the tools and the virtualenv."""
    kubeconfig = state.state_dir().resolve() / "kubeconfig"
    ours = [str(venv.resolve() / "bin"), str(pins.bin_dir())]
    rest = [p for p in os.environ.get("PATH", "").split(":") if p and p not in ours]
    path = ":".join(ours + rest)
    return [f"export KUBECONFIG='{kubeconfig}'", f"export PATH='{path}'"]


def status() -> int:
    """Print whether the recorded cluster is healthy; exit 0 only when it is."""
    record = state.read_record(state.state_dir())
    if record is None:
        print("cluster: not running")
        return 1
    healthy = start.is_healthy(record)
    down = start.down_components(record)
    why = f": down: {', '.join(down)}" if down else "" if healthy else ": the API server is not ready"
    print(f"cluster: {'healthy' if healthy else 'NOT healthy'}{why} (run folder {record.run})")
    return 0 if healthy else 1


def main(argv: list[str]) -> int:
    """Dispatch one sub-command."""
    command = argv[0] if argv else ""
    try:
        if command == "tools":
            return build.main()
        if command == "tools-bench":
            return benchtools.build_bench_tools()
        if command == "up":
            nodes = int(os.environ.get("NODES", start.NODES))
            start.up(nodes=nodes)
            return 0
        if command == "down":
            start.down()
            return 0
        if command == "env":
            print("\n".join(env_lines(venv=Path(os.environ.get("VENV", ".venv")))))
            return 0
        if command == "status":
            return status()
    except (processes.ComponentFailed, RuntimeError, OSError) as exc:
        first, _, rest = str(exc).partition("\n")
        print(f"cluster: error: {first}", file=sys.stderr)
        if rest:
            print(rest, file=sys.stderr)
        return 1
    print("usage: python -m toollab.localcluster tools|tools-bench|up|down|env|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
