"""Text expansion for suites: `*.gotmpl.yaml` rendering and kuttl's `$VAR` expansion.

Templates are Go text/template with Sprig's common functions (see `gotemplate` and `sprig`):
`.Namespace`, `.Vars.NAME`, pipelines, variables, if/range/with. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.suites.kuttl import gotemplate, sprig


def render_template(text: str, *, namespace: str, variables: Mapping[str, Any], source: str) -> str:
    """The rendered text; InputError naming `source` and the line for anything unsupported."""
    tree = gotemplate.parse(text, source=source)
    data = {"Namespace": namespace, "Vars": dict(variables)}
    return gotemplate.execute(tree, gotemplate.Scope(data, {"$": data}, _show), source=source)


def _show(value: Any, where: str) -> str:
    if isinstance(value, gotemplate.Missing):
        name = value.path.removeprefix(".Vars.")
        if value.path.startswith(".Vars."):
            raise errors.InputError(
                f"{where}: template variable {name!r} is not set (use --template-var {name}=VALUE)"
            )
        return "<no value>"
    return format_value(value, where=where)


def format_value(value: Any, *, where: str) -> str:
    """A value as Go's text/template prints it."""
    return sprig.show(value)


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
