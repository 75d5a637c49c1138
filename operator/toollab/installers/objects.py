"""Helpers shared by the installers: YAML to objects, labels, key references and helm
values from them, URL schemes, and the cleanup rule.

Pure except `read_key`, which goes through the `Cluster` port (cleanup is `claims`' job).
Never mutates an object it is given; bad input becomes `errors.InstallError`.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import yaml

from toollab import errors
from toollab.cluster import port
from toollab.model import trial


def parse_objects(text: str, *, source: str) -> list[dict[str, Any]]:
    """Every object in a multi-document YAML text; `kind: List` items are flattened."""
    try:
        documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        raise errors.InstallError(f"{source}: not valid YAML: {exc}") from exc
    found: list[dict[str, Any]] = []
    for number, doc in enumerate(documents, start=1):
        found.extend(_flatten(doc, where=f"{source}: document {number}"))
    return found


def _flatten(doc: object, *, where: str) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise errors.InstallError(f"{where} is not an object")
    if str(doc.get("kind", "")).endswith("List") and isinstance(doc.get("items"), list):
        for index, item in enumerate(doc["items"]):
            yield from _flatten(item, where=f"{where} items[{index}]")
        return
    check_object(doc, where=where)
    yield doc


def check_object(obj: Mapping[str, Any], *, where: str) -> None:
    """Raise InstallError unless `obj` has apiVersion, kind and metadata.name."""
    meta = obj.get("metadata")
    missing = [name for name in ("apiVersion", "kind") if not isinstance(obj.get(name), str) or not obj[name]]
    if not isinstance(meta, Mapping) or not meta.get("name"):
        missing.append("metadata.name")
    if missing:
        raise errors.InstallError(f"{where}: object without {', '.join(missing)}")


def name_of(obj: Mapping[str, Any]) -> str:
    """metadata.name."""
    return str((obj.get("metadata") or {}).get("name", ""))


def namespace_of(obj: Mapping[str, Any]) -> str | None:
    """metadata.namespace, or None when unset."""
    return (obj.get("metadata") or {}).get("namespace") or None


def describe(obj: Mapping[str, Any]) -> str:
    """`apiVersion/kind [namespace/]name`, for messages."""
    return str(port.ObjectRef.of(obj))


def with_metadata(
    obj: Mapping[str, Any], *, labels: Mapping[str, str], namespace: str | None
) -> dict[str, Any]:
    """A copy of `obj` carrying `labels` (ours win) and exactly `namespace` (None: removed)."""
    body = copy.deepcopy(dict(obj))
    meta = dict(body.get("metadata") or {})
    if labels or meta.get("labels"):
        meta["labels"] = {**(meta.get("labels") or {}), **labels}
    if namespace is None:
        meta.pop("namespace", None)
    else:
        meta["namespace"] = namespace
    body["metadata"] = meta
    return body


def is_owned(obj: Mapping[str, Any] | None, *, uid: str) -> bool:
    """True when `obj` carries this trial's uid label (left by an earlier attempt of ours)."""
    labels = ((obj or {}).get("metadata") or {}).get("labels") or {}
    return bool(labels.get(trial.LABEL_TRIAL_UID) == uid)


def check_url(url: str, *, allow_http: bool, what: str) -> None:
    """Refuse anything but https:// (and oci:// for charts); http:// only when allowed."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (scheme == "oci" and what == "chart repository"):
        return
    if scheme == "http":
        if allow_http:
            return
        raise errors.InstallError(
            f"{what} {url}: plain http is refused; use https, or start the operator with --allow-http"
        )
    raise errors.InstallError(f"{what} {url}: unsupported scheme {scheme or '(none)'!r}; use https")


def describe_ref(ref: trial.KeyRef, *, namespace: str) -> str:
    """`ConfigMap lab/values key 'values.yaml'`, for messages."""
    return f"{ref.kind} {namespace}/{ref.name} key {ref.key!r}"


def read_key(cluster: port.Cluster, ref: trial.KeyRef, *, namespace: str) -> str:
    """The text under `ref.key` of a ConfigMap or Secret in `namespace`."""
    where = describe_ref(ref, namespace=namespace)
    obj = cluster.get("v1", str(ref.kind), name=ref.name, namespace=namespace)
    if obj is None:
        raise errors.InstallError(f"{where}: {ref.kind} not found")
    if ref.kind is trial.RefKind.SECRET:
        return _secret_text(obj, ref.key, where=where)
    data = obj.get("data") or {}
    if ref.key not in data:
        raise errors.InstallError(f"{where}: no such key")
    return str(data[ref.key])


def _secret_text(secret: Mapping[str, Any], key: str, *, where: str) -> str:
    string_data = secret.get("stringData") or {}
    if key in string_data:
        return str(string_data[key])
    encoded = (secret.get("data") or {}).get(key)
    if encoded is None:
        raise errors.InstallError(f"{where}: no such key")
    try:
        return base64.b64decode(str(encoded), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        # never echo the value: it is a secret
        raise errors.InstallError(f"{where}: the value is not base64-encoded UTF-8 text") from exc


def is_namespaced(cluster: port.Cluster, obj: Mapping[str, Any]) -> bool | None:
    """Whether the server serves `obj`'s kind as namespaced; None when it does not serve it."""
    try:
        return cluster.resource(str(obj.get("apiVersion")), str(obj.get("kind"))).namespaced
    except errors.UnknownKind:
        return None


def values_documents(
    chart: trial.HelmSource, *, read: Callable[[trial.KeyRef], str], namespace: str
) -> list[str]:
    """YAML texts for `--values`, in helm's precedence: each valuesFrom in order, then inline values."""
    texts = []
    for ref in chart.values_from:
        text = read(ref)
        where = describe_ref(ref, namespace=namespace)
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise errors.InstallError(f"valuesFrom {where}: not valid YAML") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise errors.InstallError(f"valuesFrom {where}: values must be a YAML mapping")
        texts.append(text)
    if chart.values:
        texts.append(yaml.safe_dump(_plain(chart.values), sort_keys=False))
    return texts


def _plain(value: Any) -> Any:
    """Mappings and sequences as plain dicts and lists, so safe_dump accepts them."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


__all__ = [
    "check_object",
    "check_url",
    "describe",
    "describe_ref",
    "is_namespaced",
    "is_owned",
    "name_of",
    "namespace_of",
    "parse_objects",
    "read_key",
    "values_documents",
    "with_metadata",
]
