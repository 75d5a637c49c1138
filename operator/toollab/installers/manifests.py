"""Plain manifests: collect them, order them, label them, server-side apply, record the inventory.

All cluster access goes through the `Cluster` port; URLs are fetched with urllib (https,
or http when the context allows it). The only wait is a bounded poll for new CRDs to be
Established; past its bound the install raises InstallPending and is simply called again.
"""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from toollab import errors
from toollab.cluster import port
from toollab.installers import base, claims, objects
from toollab.model import records, trial

MAX_MANIFEST_BYTES = 10 * 1024 * 1024
FETCH_DEADLINE_SECONDS = 30.0  # the whole download of one URL, however the server paces it
FETCH_TIMEOUT_SECONDS = 5.0  # one wait for bytes (so the deadline is checked at least this often)
READ_CHUNK = 64 * 1024
CRD_KIND = "CustomResourceDefinition"
WEBHOOK_KINDS = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")

# Apply order: Namespaces and CRDs (then wait for Established), RBAC, then the rest roughly in
# helm's install order (pkg/release/v1/util/kind_sorter.go); kinds not listed (a tool's own
# custom resources) go after the known ones; APIServices and webhooks come last.
KIND_ORDER = (
    ("Namespace", CRD_KIND),
    ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
    (
        "PriorityClass",
        "NetworkPolicy",
        "ResourceQuota",
        "LimitRange",
        "PodDisruptionBudget",
        "ServiceAccount",
    ),
    ("Secret", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "RuntimeClass"),
    ("Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment"),
    ("HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress"),
    ("*",),
    ("APIService", *WEBHOOK_KINDS),
)
_RANKS = {kind: rank for rank, kind in enumerate(kind for group in KIND_ORDER for kind in group)}


def rank_of(obj: Mapping[str, Any]) -> int:
    """The position of `obj`'s kind in KIND_ORDER (unknown kinds share the `*` slot)."""
    return _RANKS.get(str(obj.get("kind", "")), _RANKS["*"])


def order_objects(found: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """`found` in apply order; objects of one kind keep their given order."""
    return sorted(found, key=rank_of)


def is_first_stage(obj: Mapping[str, Any]) -> bool:
    """Namespaces and CRDs: applied, and waited for, before anything else."""
    return str(obj.get("kind")) in KIND_ORDER[0]


def crd_established(crd: Mapping[str, Any]) -> bool:
    """Whether a live CRD is Established; a NamesAccepted=False CRD never will be."""
    conditions = {c.get("type"): c for c in (crd.get("status") or {}).get("conditions") or []}
    names = conditions.get("NamesAccepted") or {}
    if names.get("status") == "False":
        detail = names.get("message") or names.get("reason") or "names not accepted"
        raise errors.InstallError(f"CustomResourceDefinition {objects.name_of(crd)}: {detail}")
    return (conditions.get("Established") or {}).get("status") == "True"


def crd_kind_ref(crd: Mapping[str, Any]) -> tuple[str, str]:
    """(apiVersion, kind) of the objects a CRD defines, at its storage version."""
    spec = crd.get("spec") or {}
    versions = spec.get("versions") or [{}]
    stored = next((v for v in versions if v.get("storage")), versions[0])
    return f"{spec.get('group')}/{stored.get('name')}", str((spec.get("names") or {}).get("kind"))


class Fetcher(Protocol):
    """Reads the text at a URL (a seam for tests)."""

    def __call__(self, url: str, *, allow_http: bool) -> str: ...


def fetch_url(url: str, *, allow_http: bool, deadline_seconds: float = FETCH_DEADLINE_SECONDS) -> str:
    """The text at `url`, all of it within `deadline_seconds` and at most MAX_MANIFEST_BYTES; a
    redirect to a refused scheme is refused as well. A server that trickles bytes hits the deadline."""
    deadline = time.monotonic() + deadline_seconds
    try:
        with urllib.request.urlopen(url, timeout=min(FETCH_TIMEOUT_SECONDS, deadline_seconds)) as response:
            objects.check_url(response.geturl(), allow_http=allow_http, what="manifest URL")
            body = _read_until(response, deadline, url=url, bound=deadline_seconds)
    except urllib.error.HTTPError as exc:
        raise errors.InstallError(f"manifest URL {url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise errors.InstallError(f"manifest URL {url}: {exc.reason}") from exc
    except TimeoutError as exc:
        raise _too_slow(url, deadline_seconds) from exc
    except (OSError, ValueError) as exc:
        raise errors.InstallError(f"manifest URL {url}: {exc}") from exc
    if len(body) > MAX_MANIFEST_BYTES:
        raise errors.InstallError(f"manifest URL {url}: larger than {MAX_MANIFEST_BYTES} bytes")
    return body.decode("utf-8", errors="replace")


def _read_until(response: Any, deadline: float, *, url: str, bound: float) -> bytes:
    """Chunks until the end, MAX_MANIFEST_BYTES + 1 bytes, or the deadline (InstallError)."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_MANIFEST_BYTES:
        if time.monotonic() > deadline:
            raise _too_slow(url, bound)
        chunk: bytes = response.read1(min(READ_CHUNK, MAX_MANIFEST_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _too_slow(url: str, bound: float) -> errors.InstallError:
    return errors.InstallError(
        f"manifest URL {url}: not downloaded within {bound:g}s (the bound on one manifest download)"
    )


class ManifestInstaller:
    """Installs a `ManifestSource` by server-side apply (field manager `toollab`)."""

    def __init__(
        self,
        bundle: trial.ManifestSource,
        *,
        fetch: Fetcher = fetch_url,
        pause: Callable[[float], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        crd_wait_seconds: float = 20.0,
        poll_seconds: float = 0.1,
    ) -> None:
        self.bundle = bundle
        self._fetch = fetch
        self._pause = pause or threading.Event().wait  # a bounded pause; nothing ever sets the event
        self._clock = clock
        self._crd_wait = crd_wait_seconds
        self._poll = poll_seconds

    def install(self, ctx: base.InstallContext) -> base.InstallResult:
        """Apply every object in order; a repeated call converges (server-side apply).

        A failure that retrying cannot fix (Forbidden, Invalid...) first deletes what this call
        created, so a refused install leaves nothing behind; a retryable one keeps it for the retry.
        """
        started = self._clock()
        ordered = order_objects(self.collect(ctx))
        entries: list[records.InventoryEntry] = []
        try:
            self._apply_all(ctx, ordered, entries)
        except errors.ToollabError as exc:
            if not exc.retryable:
                self._roll_back(ctx, entries)
            raise
        return base.InstallResult(
            method=base.Method.MANIFESTS,
            chart="",
            version=ctx.tool_version,
            app_version="",
            objects=tuple(dict.fromkeys(entries)),
            seconds=self._clock() - started,
        )

    def _apply_all(
        self,
        ctx: base.InstallContext,
        ordered: Sequence[Mapping[str, Any]],
        entries: list[records.InventoryEntry],
    ) -> None:
        first = [obj for obj in ordered if is_first_stage(obj)]
        entries += [self._apply(ctx, obj) for obj in first]
        self.await_crds(ctx, [obj for obj in first if obj.get("kind") == CRD_KIND])
        for obj in ordered:
            if not is_first_stage(obj):
                entries.append(self._apply(ctx, obj))

    def _roll_back(self, ctx: base.InstallContext, entries: Sequence[records.InventoryEntry]) -> None:
        created = [entry for entry in entries if entry.created]
        with contextlib.suppress(errors.ToollabError):  # the original error is the one to report
            claims.delete_inventory(ctx.cluster, created, uid=ctx.trial_uid)

    def uninstall(self, ctx: base.InstallContext, inventory: Sequence[records.InventoryEntry]) -> None:
        """Delete, in reverse order, what the inventory proves the trial created (uid and label)."""
        claims.delete_inventory(ctx.cluster, inventory, uid=ctx.trial_uid)

    def collect(self, ctx: base.InstallContext) -> list[dict[str, Any]]:
        """Inline objects, then each URL's, then the ConfigMap key's."""
        found = []
        for index, obj in enumerate(self.bundle.inline):
            objects.check_object(obj, where=f"manifests.inline[{index}]")
            found.append(dict(obj))
        for url in self.bundle.urls:
            objects.check_url(url, allow_http=ctx.allow_http, what="manifest URL")
            found += objects.parse_objects(self._fetch(url, allow_http=ctx.allow_http), source=url)
        if self.bundle.config_map_ref is not None:
            text = objects.read_key(ctx.cluster, self.bundle.config_map_ref, namespace=ctx.trial_namespace)
            found += objects.parse_objects(
                text, source=objects.describe_ref(self.bundle.config_map_ref, namespace=ctx.trial_namespace)
            )
        if not found:
            raise errors.InstallError("manifests: no objects to install")
        return found

    def await_crds(self, ctx: base.InstallContext, crds: Sequence[Mapping[str, Any]]) -> None:
        """Poll until every CRD is Established and served; InstallPending past the bound."""
        deadline = self._clock() + self._crd_wait
        waiting = list(crds)
        while waiting:
            waiting = [crd for crd in waiting if not self._is_served(ctx, crd)]
            if waiting and self._clock() >= deadline:
                names = ", ".join(objects.name_of(crd) for crd in waiting)
                raise errors.InstallPending(f"CustomResourceDefinition {names}: not Established yet")
            if waiting:
                self._pause(self._poll)

    def _is_served(self, ctx: base.InstallContext, crd: Mapping[str, Any]) -> bool:
        live = ctx.cluster.get("apiextensions.k8s.io/v1", CRD_KIND, name=objects.name_of(crd), namespace=None)
        if live is None or not crd_established(live):
            return False
        api_version, kind = crd_kind_ref(live)
        try:
            ctx.cluster.resource(api_version, kind)
        except errors.UnknownKind:
            return False  # discovery has not caught up yet
        return True

    def _apply(self, ctx: base.InstallContext, obj: Mapping[str, Any]) -> records.InventoryEntry:
        """Apply one object the trial may own: absent, or carrying its uid label; NotOwned otherwise."""
        api_version, kind, name = str(obj["apiVersion"]), str(obj["kind"]), objects.name_of(obj)
        namespaced = ctx.cluster.resource(api_version, kind).namespaced
        namespace = (objects.namespace_of(obj) or ctx.target_namespace) if namespaced else None
        live = ctx.cluster.get(api_version, kind, name=name, namespace=namespace)
        what = str(port.ObjectRef(api_version, kind, name, namespace))
        claims.claim(live, uid=ctx.trial_uid, what=what)
        body = objects.with_metadata(obj, labels=ctx.labels, namespace=namespace)
        stored = ctx.cluster.apply(
            claims.with_uid_precondition(body, live), namespace=namespace, field_manager=base.FIELD_MANAGER
        )
        return records.InventoryEntry(
            api_version, kind, name=name, namespace=namespace, uid=claims.uid_of(stored)
        )


__all__ = [
    "KIND_ORDER",
    "Fetcher",
    "ManifestInstaller",
    "crd_established",
    "crd_kind_ref",
    "fetch_url",
    "is_first_stage",
    "order_objects",
    "rank_of",
]
