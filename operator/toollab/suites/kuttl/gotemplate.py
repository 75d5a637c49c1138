"""A subset of Go's text/template for `*.gotmpl.yaml`: actions, pipelines, variables, if/range/with.

Parses into a small tree and runs it against a data mapping with the functions of
`toollab.suites.kuttl.sprig`. Every problem is an InputError naming the file and line; an unknown
function is refused when the template is parsed, before anything runs. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toollab import errors
from toollab.suites.kuttl import sprig

_ACTION = re.compile(r"\{\{(-[ \t\r\n])?(.*?)([ \t\r\n]-)?\}\}", re.DOTALL)
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<raw>`[^`]*`)|(?P<num>-?\d+(?:\.\d+)?)"""
    r"""|(?P<decl>:=)|(?P<op>[()|,=])|(?P<var>\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"""
    r"""|(?P<field>(?:\.[A-Za-z0-9_]+)+|\.)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*))"""
)
_KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}


@dataclass
class Node:
    """One node of a parsed template: text, an action, or an if/range/with block."""

    kind: str  # text | action | if | range | with
    line: int
    text: str = ""
    pipe: list[Any] = field(default_factory=list)  # commands: lists of operands
    decl: list[str] = field(default_factory=list)
    body: list[Node] = field(default_factory=list)
    other: list[Node] = field(default_factory=list)  # the else branch
    chained: bool = False  # an `else if`/`else with`: closed by its parent's `end`


def parse(text: str, *, source: str) -> list[Node]:
    """The template's tree; InputError naming `source:line` for bad syntax or an unknown function."""
    stack: list[tuple[Node, list[Node]]] = []
    top: list[Node] = []
    out = top
    position = 0
    for match in _ACTION.finditer(text):
        before = text[position : match.start()]
        out.append(Node("text", 0, text=before.rstrip(" \t\r\n") if match.group(1) else before))
        position = _skip_space(text, match.end()) if match.group(3) else match.end()
        line = text.count("\n", 0, match.start()) + 1
        where = f"{source}:{line}"
        body = match.group(2).strip()
        if body.startswith("/*"):
            continue
        out = _statement(body, line, where, stack, out, top)
    rest = text[position:]
    if "{{" in rest:
        line = text.count("\n", 0, position + rest.index("{{")) + 1
        raise errors.InputError(f"{source}:{line}: unclosed action '{{{{'")
    if stack:
        raise errors.InputError(
            f"{source}:{stack[-1][0].line}: {{{{ {stack[-1][0].kind} }}}} without {{{{ end }}}}"
        )
    out.append(Node("text", 0, text=rest))
    return top


def _statement(
    body: str, line: int, where: str, stack: list[tuple[Node, list[Node]]], out: list[Node], top: list[Node]
) -> list[Node]:
    """Add one action to the tree; the list that the next nodes go to."""
    word = body.split(None, 1)[0] if body else ""
    rest = body[len(word) :].strip()
    if word in ("if", "range", "with"):
        decl, pipe = _pipeline(rest, where)
        node = Node(word, line, pipe=pipe, decl=decl)
        out.append(node)
        stack.append((node, out))
        return node.body
    if word == "else":
        if not stack or stack[-1][0].kind not in ("if", "range", "with"):
            raise errors.InputError(f"{where}: {{{{ else }}}} outside if, range or with")
        node = stack[-1][0]
        if rest.startswith(("if ", "with ")):  # `else if x` is an if nested in the else branch
            inner_word, inner = rest.split(None, 1)
            decl, pipe = _pipeline(inner, where)
            nested = Node(inner_word, line, pipe=pipe, decl=decl, chained=True)
            node.other.append(nested)
            stack.append((nested, node.other))
            return nested.body
        return node.other
    if word == "end":
        if not stack:
            raise errors.InputError(f"{where}: {{{{ end }}}} without if, range or with")
        node, parent = stack.pop()
        while node.chained and stack:
            node, parent = stack.pop()  # an `else if` chain ends with the one `end`
        return parent
    if word in _KEYWORDS:
        raise errors.InputError(f"{where}: {{{{ {word} }}}} is not supported by toollab")
    decl, pipe = _pipeline(body, where)
    out.append(Node("action", line, pipe=pipe, decl=decl))
    return out


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _pipeline(text: str, where: str) -> tuple[list[str], list[Any]]:
    """(declared variables, commands): `$a, $b := cmd | cmd arg`."""
    tokens = _tokens(text, where)
    decl: list[str] = []
    if "decl" in [kind for kind, _ in tokens] or (len(tokens) > 1 and tokens[1] == ("op", "=")):
        while tokens and tokens[0][0] == "var":
            decl.append(tokens.pop(0)[1])
            if tokens and tokens[0] == ("op", ","):
                tokens.pop(0)
        if not tokens or tokens[0][0] not in ("decl", "op"):
            raise errors.InputError(f"{where}: bad variable declaration")
        tokens.pop(0)
    commands, position = _commands(tokens, 0, where)
    if position != len(tokens):
        raise errors.InputError(f"{where}: unexpected {tokens[position][1]!r}")
    if not commands or any(not command for command in commands):
        raise errors.InputError(f"{where}: missing value in pipeline")
    return decl, commands


def _tokens(text: str, where: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise errors.InputError(f"{where}: cannot read {text[position:].strip()[:20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _commands(tokens: list[tuple[str, str]], position: int, where: str) -> tuple[list[Any], int]:
    commands: list[Any] = [[]]
    while position < len(tokens):
        kind, value = tokens[position]
        if (kind, value) == ("op", ")"):
            break
        if (kind, value) == ("op", "|"):
            commands.append([])
        elif (kind, value) == ("op", "("):
            inner, position = _commands(tokens, position + 1, where)
            if position >= len(tokens):
                raise errors.InputError(f"{where}: unclosed '('")
            commands[-1].append(("pipe", inner))
        elif kind == "ident" and value not in ("true", "false", "nil"):
            if value not in sprig.FUNCTIONS:
                raise errors.InputError(f"{where}: function {value!r} is not supported by toollab")
            commands[-1].append(("func", value))
        else:
            commands[-1].append((kind, value))
        position += 1
    return commands, position


class Missing:
    """A map key that is not there (Go's `<no value>`); printing it is an error naming the key."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __bool__(self) -> bool:
        return False


@dataclass
class Scope:
    """The dot, the variables, and how to print a value."""

    dot: Any
    variables: dict[str, Any]
    show: Callable[[Any, str], str]
    where: str = ""


def execute(nodes: list[Node], scope: Scope, *, source: str) -> str:
    """Run the tree against `scope`; the text."""
    out: list[str] = []
    for node in nodes:
        scope.where = f"{source}:{node.line}"
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "action":
            value = _run(node, scope)
            out.append("" if node.decl else scope.show(value, scope.where))
        else:
            out.append(_block(node, scope, source=source))
    return "".join(out)


def _block(node: Node, scope: Scope, *, source: str) -> str:
    value = _run(node, scope, declare=node.kind != "range")
    if node.kind == "if":
        return execute(node.body if sprig.truthy(value) else node.other, scope, source=source)
    if node.kind == "with":
        if not sprig.truthy(value):
            return execute(node.other, scope, source=source)
        return execute(node.body, Scope(value, scope.variables, scope.show), source=source)
    items = list(value.items()) if isinstance(value, Mapping) else list(enumerate(value or []))
    if isinstance(value, Mapping):
        items.sort(key=lambda item: str(item[0]))
    if not items:
        return execute(node.other, scope, source=source)
    parts = []
    for key, item in items:
        variables = dict(scope.variables)
        if len(node.decl) == 2:
            variables[node.decl[0]], variables[node.decl[1]] = key, item
        elif node.decl:
            variables[node.decl[0]] = item
        parts.append(execute(node.body, Scope(item, variables, scope.show), source=source))
    return "".join(parts)


def _run(node: Node, scope: Scope, *, declare: bool = True) -> Any:
    value = _pipe(node.pipe, scope)
    if declare and node.decl:
        scope.variables[node.decl[0]] = value
    return value


def _pipe(commands: list[Any], scope: Scope) -> Any:
    value: Any = _NOTHING
    for command in commands:
        value = _command(command, scope, value)
    return value


_NOTHING = object()


def _command(operands: list[Any], scope: Scope, piped: Any) -> Any:
    kind, head = operands[0]
    args = [_operand(operand, scope) for operand in operands[1:]]
    if piped is not _NOTHING:
        args.append(piped)
    if kind == "func":
        try:
            return sprig.call(head, args)
        except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError) as exc:
            raise errors.InputError(f"{scope.where}: {head}: {exc}") from exc
    if args:
        raise errors.InputError(f"{scope.where}: {head} is not a function and takes no arguments")
    return _operand(operands[0], scope)


def _operand(operand: tuple[str, Any], scope: Scope) -> Any:
    kind, value = operand
    if kind == "pipe":
        return _pipe(value, scope)
    if kind == "str":
        return bytes(value[1:-1], "utf-8").decode("unicode_escape")
    if kind == "raw":
        return value[1:-1]
    if kind == "num":
        return float(value) if "." in value else int(value)
    if kind == "ident":
        return {"true": True, "false": False, "nil": None}[value]
    if kind == "func":
        return sprig.call(value, [])
    if kind == "var":
        name, _, path = value.partition(".")
        if name not in scope.variables:
            raise errors.InputError(f"{scope.where}: undefined variable {name}")
        return _walk(scope.variables[name], path, prefix=name, where=scope.where)
    return _walk(scope.dot, value.lstrip("."), prefix="", where=scope.where)


def _walk(value: Any, path: str, *, prefix: str, where: str) -> Any:
    for key in filter(None, path.split(".")):
        prefix = f"{prefix}.{key}"
        if isinstance(value, Missing):
            return value
        if not isinstance(value, Mapping):
            raise errors.InputError(f"{where}: cannot read {prefix}: not a map")
        value = value.get(key, Missing(prefix))
    return value


__all__ = ["Missing", "Node", "Scope", "execute", "parse"]
