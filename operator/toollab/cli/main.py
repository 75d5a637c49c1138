"""`toollab` entry point: argparse with one lazily imported module per command.

Imports nothing heavy at module level so that `toollab --help` stays fast; each command
module is imported only when that command runs. Exit codes: 0 ok, 1 failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

import toollab

# command name -> (module under toollab.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "assert": ("cmd_assert", "check assert/errors files (kuttl or chainsaw) against the cluster or a file"),
    "test": ("cmd_test", "run KUTTL-format test suites against the cluster"),
    "operator": ("cmd_operator", "run the ToolTrial operator against the current KUBECONFIG"),
    "report": ("cmd_report", "print the lab's scoreboard from the ToolTrials in the cluster"),
    "validate": ("cmd_validate", "check ToolTrial files offline against the CRD schema"),
}


class UsageError(Exception):
    """Bad command-line input; reported in one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # argparse's NoReturn
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser, with a sub-parser per command (arguments added lazily)."""
    parser: argparse.ArgumentParser = _Parser(
        prog="toollab", description="Evaluate cloud-native tools in a Kubernetes lab."
    )
    parser.add_argument("--version", action="version", version=f"toollab {toollab.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers: dict[str, argparse.ArgumentParser] = {
        name: sub.add_parser(name, help=text, description=text) for name, (_, text) in COMMANDS.items()
    }
    return parser, subparsers


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run one command, return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser, subparsers = build_parser()
    name = next((a for a in args_list if not a.startswith("-")), None)
    if name not in COMMANDS:
        parser.parse_args(args_list)  # prints help/version or an error and exits
        parser.print_help()
        return 2
    module = importlib.import_module(f"toollab.cli.{COMMANDS[name][0]}")
    module.add_arguments(subparsers[name])
    args = parser.parse_args(args_list)
    try:
        return int(module.run(args))
    except UsageError as exc:
        print(f"toollab {name}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
