"""Helm post-renderer: put the trial's labels on every object helm renders from a chart's templates.

`label_manifests` is pure: it edits YAML nodes, never loaded values, so each scalar keeps its text
and style (`1:20`, `on`, `1e3`, timestamps mean to Go what they meant before). `main` is what helm
runs (stdin to stdout, labels as `K=V` arguments) through the sh script `write_wrapper` puts in a
folder; no other I/O. Helm v3 post-renders templates only, never crds/ or hooks.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import shlex
import site
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeGuard

import yaml

from toollab import errors

# libyaml when present: rendered charts run to megabytes
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
NULL_TAG = "tag:yaml.org,2002:null"
# a document marker: `---` at the start of a line, alone or followed by blanks (YAML 1.2 c-directives-end)
DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
NO_WRAP = 1 << 30  # never fold long scalars over several lines
_STYLE: dict[str, Any] = {"allow_unicode": True, "width": NO_WRAP}
MODULE = "toollab.installers.postrender"  # what the wrapper runs with `python -m`
WRAPPER = "toollab-post-render"  # the wrapper's file name


def label_manifests(text: str, labels: Mapping[str, str]) -> str:
    """`text` (multi-document YAML) with `labels` on every object, `kind: List` items included.

    Our labels win over a chart's on the same key. Documents that hold no object are returned
    byte for byte; an object's document keeps the comments above it.
    """
    try:
        return "".join(_label_document(chunk, labels) for chunk in split_documents(text))
    except yaml.YAMLError:
        pass  # a chunk that is not a document alone (a %directive, a `...` end): relabel the stream whole
    try:
        nodes = [_labelled(node, labels) for node in yaml.compose_all(text, Loader=LOADER)]
    except yaml.YAMLError as exc:
        raise errors.InstallError(f"the rendered chart is not valid YAML: {exc}") from exc
    return str(yaml.serialize_all(nodes, Dumper=DUMPER, explicit_start=True, **_STYLE))


def split_documents(text: str) -> list[str]:
    """`text` cut before each `---` line; joined, the pieces give `text` back."""
    starts = [0, *(match.start() for match in DOCUMENT_START.finditer(text) if match.start() > 0), len(text)]
    return [text[begin:end] for begin, end in itertools.pairwise(starts) if end > begin]


def _label_document(chunk: str, labels: Mapping[str, str]) -> str:
    node = yaml.compose(chunk, Loader=LOADER)
    new = None if node is None else _labelled(node, labels)
    if node is None or new is node:
        return chunk
    lines = chunk.splitlines(keepends=True)
    first, last = node.start_mark.line, node.end_mark.line
    on_marker = DOCUMENT_START.match(lines[first]) is not None  # `--- {apiVersion: ...}`
    head = "".join(lines[:first])  # the `---` line and the comments above the object
    tail = "".join(lines[last + 1 :] if node.end_mark.column else lines[last:])
    body = yaml.serialize(new, Dumper=DUMPER, explicit_start=on_marker, **_STYLE)
    return head + str(body) + tail


def _labelled(node: yaml.Node, labels: Mapping[str, str]) -> yaml.Node:
    """`node` with `labels` on the objects it holds; `node` itself when it holds none."""
    if not _is_object(node):
        return node
    items = _value_of(node, "items")
    if _text_of(node, "kind").endswith("List") and isinstance(items, yaml.SequenceNode):
        new_items = [_labelled(item, labels) for item in items.value]
        if all(new is old for new, old in zip(new_items, items.value, strict=True)):
            return node
        return _with(node, "items", yaml.SequenceNode(items.tag, new_items, flow_style=items.flow_style))
    where = f"{_text_of(node, 'kind')} {_text_of(_value_of(node, 'metadata') or node, 'name')}".strip()
    return _with(node, "metadata", _with_labels(_value_of(node, "metadata"), labels, where=where))


def _is_object(node: yaml.Node) -> TypeGuard[yaml.MappingNode]:
    return isinstance(node, yaml.MappingNode) and bool(
        _text_of(node, "apiVersion") and _text_of(node, "kind")
    )


def _is_key(node: yaml.Node, key: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG and node.value == key


def _value_of(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((value for k, value in node.value if _is_key(k, key)), None)


def _text_of(node: yaml.Node, key: str) -> str:
    value = _value_of(node, key) if isinstance(node, yaml.MappingNode) else None
    return str(value.value) if isinstance(value, yaml.ScalarNode) and value.tag == STR_TAG else ""


def _is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG)


def _with(
    node: yaml.MappingNode, key: str, value: yaml.Node, *, key_style: str | None = None
) -> yaml.MappingNode:
    """A new mapping: `node` with `key` set to `value`; never edits `node` (anchors may share it)."""
    pairs = [(k, value if _is_key(k, key) else v) for k, v in node.value]
    if not any(_is_key(k, key) for k, _ in node.value):
        pairs.append((_string(key, style=key_style), value))
    return yaml.MappingNode(node.tag, pairs, flow_style=node.flow_style)


def _with_labels(metadata: yaml.Node | None, labels: Mapping[str, str], *, where: str) -> yaml.MappingNode:
    # a copy: what an anchor shared (`labels: &l`, `selector: *l`) must not grow our labels
    metadata = copy.deepcopy(metadata)
    if _is_null(metadata):
        metadata = yaml.MappingNode(MAP_TAG, [])
    if not isinstance(metadata, yaml.MappingNode):
        raise errors.InstallError(f"{where}: metadata is not a mapping")
    current = _value_of(metadata, "labels")
    if _is_null(current):
        current = yaml.MappingNode(MAP_TAG, [])
    if not isinstance(current, yaml.MappingNode):
        raise errors.InstallError(f"{where}: metadata.labels is not a mapping")
    for key, value in labels.items():
        # double-quoted: a label such as `1e3` or `on` stays a string for every YAML reader
        current = _with(current, key, _string(value, style='"'), key_style='"')
    return _with(metadata, "labels", current)


def _string(text: str, *, style: str | None) -> yaml.ScalarNode:
    return yaml.ScalarNode(STR_TAG, text, style=style)


def parse_labels(args: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` arguments as labels."""
    labels = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep or not key:
            raise errors.InputError(f"expected KEY=VALUE, got {arg!r}")
        labels[key] = value
    return labels


def wrapper_script(*, python: str, source_root: str | None = None) -> str:
    """The executable helm runs as its post-renderer: sh exec'ing `python -m` this module."""
    lines = ["#!/bin/sh"]
    if source_root:  # a checkout on our sys.path but not installed: the child finds toollab only there
        lines.append(f'export PYTHONPATH={shlex.quote(source_root)}"${{PYTHONPATH:+:$PYTHONPATH}}"')
    lines.append(f'exec {shlex.quote(python)} -m {MODULE} "$@"')
    return "\n".join(lines) + "\n"


def source_root() -> str | None:
    """The folder holding the toollab package; None in site-packages, which python searches anyway."""
    root = Path(__file__).resolve().parents[2]
    installed = {Path(folder).resolve() for folder in [*site.getsitepackages(), site.getusersitepackages()]}
    return None if root in installed else str(root)


def write_wrapper(folder: Path) -> Path:
    """The wrapper script in `folder`, for `helm --post-renderer`; replaced atomically (parallel installs)."""
    path = folder / WRAPPER
    script = wrapper_script(python=sys.executable, source_root=source_root())
    if path.is_file() and os.access(path, os.X_OK) and path.read_text(encoding="utf-8") == script:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{WRAPPER}-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(script)
    os.chmod(temporary, 0o700)
    os.replace(temporary, path)  # a helm starting now runs the old file or the new, never half of one
    return path


def main(
    argv: Sequence[str] | None = None, *, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None
) -> int:
    """Run as helm's post-renderer: manifests on stdin, labelled manifests on stdout; 1 on failure."""
    try:
        labels = parse_labels(sys.argv[1:] if argv is None else argv)
        text = (stdin or sys.stdin.buffer).read().decode("utf-8")
        (stdout or sys.stdout.buffer).write(label_manifests(text, labels).encode("utf-8"))
    except (errors.ToollabError, UnicodeDecodeError) as exc:
        print(f"toollab post-render: {exc}", file=sys.stderr)
        return 1
    return 0


__all__ = [
    "MODULE",
    "label_manifests",
    "main",
    "parse_labels",
    "source_root",
    "split_documents",
    "wrapper_script",
    "write_wrapper",
]

if __name__ == "__main__":
    sys.exit(main())
