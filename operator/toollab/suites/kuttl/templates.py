"""Text expansion for suites: `*.gotmpl.yaml` rendering and kuttl's `$VAR` expansion.

Templates support only `{{ .Namespace }}` and `{{ .Vars.NAME }}` (with Go's `{{-`/`-}}` trimming)
and reject every other construct with the file and line; upstream uses Go templates with sprig.
Pure: no I/O, no jinja (its syntax differs from Go's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from toollab import errors

_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.DOTALL)
_NAMESPACE = re.compile(r"^\.Namespace$")
_VAR = re.compile(r"^\.Vars\.([A-Za-z_][A-Za-z0-9_]*)$")
_SUPPORTED = "only {{ .Namespace }} and {{ .Vars.NAME }} are supported"


def render_template(text: str, *, namespace: str, variables: Mapping[str, Any], source: str) -> str:
    """The rendered text; InputError naming `source` and the line for anything unsupported."""
    pieces: list[str] = []
    position = 0
    for match in _ACTION.finditer(text):
        before = text[position : match.start()]
        pieces.append(before.rstrip(" \t\r\n") if match.group(1) else before)
        line = text.count("\n", 0, match.start()) + 1
        pieces.append(
            _evaluate(
                match.group(2).strip(), namespace=namespace, variables=variables, where=f"{source}:{line}"
            )
        )
        position = match.end()
        if match.group(3):
            position = _skip_space(text, position)
    rest = text[position:]
    if "{{" in rest:
        line = text.count("\n", 0, position + rest.index("{{")) + 1
        raise errors.InputError(f"{source}:{line}: unclosed template action '{{{{'")
    pieces.append(rest)
    return "".join(pieces)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _evaluate(action: str, *, namespace: str, variables: Mapping[str, Any], where: str) -> str:
    if _NAMESPACE.match(action):
        return namespace
    var = _VAR.match(action)
    if var is None:
        raise errors.InputError(f"{where}: unsupported template action {{{{ {action} }}}}: {_SUPPORTED}")
    name = var.group(1)
    if name not in variables:
        raise errors.InputError(
            f"{where}: template variable {name!r} is not set (use --template-var {name}=VALUE)"
        )
    return format_value(variables[name], where=where)


def format_value(value: Any, *, where: str) -> str:
    """A variable as Go's text/template prints a YAML scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    raise errors.InputError(f"{where}: template variables must be scalars, got {type(value).__name__}")


_SPECIAL = set("*#$@!?-0123456789")


def expand_env(text: str, env: Mapping[str, str]) -> str:
    """kuttl's `$VAR`/`${VAR}` expansion (Go's os.Expand): unset is empty, `$$` is `$`."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "$" or i + 1 == len(text):
            out.append(text[i])
            i += 1
            continue
        name, width = _shell_name(text[i + 1 :])
        if name:
            out.append("$" if name == "$" else env.get(name, ""))
        elif width == 0:
            out.append("$")  # `$` not followed by a name stays
        i += 1 + width
    return "".join(out)


def _shell_name(rest: str) -> tuple[str, int]:
    """The variable name after `$` and the characters it spans (Go's getShellName)."""
    if rest[0] == "{":
        if len(rest) > 2 and rest[1] in _SPECIAL and rest[2] == "}":
            return rest[1], 3
        end = rest.find("}", 1)
        if end == -1:
            return "", 1  # bad syntax: eat "${"
        return rest[1:end], end + 1  # "${}" gives no name and is eaten
    if rest[0] in _SPECIAL:
        return rest[0], 1
    width = 0
    while width < len(rest) and (rest[width] == "_" or (rest[width].isascii() and rest[width].isalnum())):
        width += 1
    return rest[:width], width


__all__ = ["expand_env", "format_value", "render_template"]
