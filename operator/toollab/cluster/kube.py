"""`KubeCluster`: the `Cluster` protocol over a real API server, with impersonation.

The only module that talks to the `kubernetes` client. Raw REST calls (no generated models),
server-side apply with field manager `toollab`; errors are translated by `cluster.errors`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import urllib3
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from toollab import errors
from toollab.cluster import decoding, responses, strict_writes, suite_support
from toollab.cluster import errors as cluster_errors
from toollab.cluster.credentials import Credentials
from toollab.cluster.discovery import Discovery
from toollab.cluster.port import Object, ObjectRef, ResourceInfo

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
REQUEST_TIMEOUT = 30.0
RequestObserver = Callable[[str, int, "errors.ClusterError | None"], None]


class KubeCluster(strict_writes.StrictWrites, suite_support.SuiteSupport):
    """A Kubernetes API server, acting as the kubeconfig's user or as an impersonated one."""

    def __init__(
        self,
        api: k8s_client.ApiClient,
        *,
        discovery: Discovery | None = None,
        impersonate: str | None = None,
        root: KubeCluster | None = None,
    ) -> None:
        self.api = api
        self.discovery = discovery or Discovery()
        self.impersonate = impersonate
        self._root = root  # the un-impersonated connection that owns the per-identity cache
        self._identities: dict[str, KubeCluster] = {}
        self._lock = threading.Lock()
        self._observer: RequestObserver | None = None

    @classmethod
    def from_kubeconfig(
        cls,
        path: str | None = None,
        *,
        impersonate: str | None = None,
        context: str | None = None,
        connections: int | None = None,
    ) -> KubeCluster:
        """From a kubeconfig (default: $KUBECONFIG or ~/.kube/config), else the in-cluster config.

        `connections`: how many connections to keep open per identity (default: the client's, 5
        per CPU); set it to the number of threads that make requests at once, or the extra ones
        each open a new TLS connection per request.
        """
        if path is None:  # the client reads $KUBECONFIG once, at import; read it now instead
            path = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or None
        configuration = k8s_client.Configuration()
        # the client raises many kinds of errors for bad configuration: translated here, once
        try:
            k8s_config.load_kube_config(config_file=path, context=context, client_configuration=configuration)
        except Exception as exc:
            if os.environ.get("KUBECONFIG") or not _in_cluster():
                raise errors.InputError(f"cannot load the kubeconfig: {exc}") from exc
            configuration = _in_cluster_configuration()
        if connections:
            configuration.connection_pool_maxsize = connections
        return cls(k8s_client.ApiClient(configuration), impersonate=impersonate)

    def impersonating(self, user: str | None) -> KubeCluster:
        """The same server and credentials, acting as `user` (None: as ourselves); one client per user."""
        if user == self.impersonate:
            return self
        root = self._root or self
        if user is None:
            return root
        with root._lock:
            cached = root._identities.get(user)
            if cached is None:
                api = k8s_client.ApiClient(root.api.configuration)
                cached = KubeCluster(api, discovery=self.discovery, impersonate=user, root=root)
                root._identities[user] = cached
        return cached

    def close(self) -> None:
        """Close this connection's pools and those of every impersonated identity made from it."""
        for cluster in list(self._identities.values()):
            cluster.api.close()
        self._identities.clear()
        self.api.close()

    def credentials(self) -> Credentials:
        """The server and the identity this connection uses (never an impersonated one)."""
        config = (self._root or self).api.configuration
        # the client keeps the bearer token under BearerToken (>= 36) or authorization (older);
        # asking through get_api_key_with_prefix also refreshes exec and provider tokens
        header = config.get_api_key_with_prefix("BearerToken") or config.get_api_key_with_prefix(
            "authorization"
        )
        scheme, _, token = str(header or "").partition(" ")
        if scheme and not token:
            scheme, token = "", scheme
        return Credentials(
            server=str(config.host),
            ca_path=config.ssl_ca_cert or None,
            verify=bool(config.verify_ssl),
            token=token or None,
            scheme=scheme or None,
            certificate_path=config.cert_file or None,
            private_key_path=config.key_file or None,
            username=config.username or None,
            password=config.password or None,
        )

    @property
    def host(self) -> str:
        """The API server's URL."""
        return str(self.api.configuration.host)

    # --- raw requests -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        content_type: str = JSON,
        what: str = "",
        text: bool = False,
    ) -> Any:
        """One REST call: the decoded JSON body (`text`: the raw text); raises ClusterError subclasses."""
        found = self._call(
            method, path, body=body, query=query, content_type=content_type, what=what, text=text
        )
        return found[0]

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        content_type: str = JSON,
        what: str = "",
        text: bool = False,
    ) -> tuple[Any, tuple[str, ...]]:
        """One REST call: the decoded body (as `request` returns it) and the server's warnings."""
        headers = {"Accept": JSON, "Content-Type": content_type}
        if self.impersonate:
            headers["Impersonate-User"] = self.impersonate
        url_path = path + ("?" + urlencode(query) if query else "")
        params = self.api.param_serialize(
            method, url_path, header_params=headers, body=body, auth_settings=["BearerToken"]
        )
        try:
            response = self.api.call_api(*params, _request_timeout=REQUEST_TIMEOUT)
            data = response.read()
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            unreachable = cluster_errors.from_transport(exc, what=what or path)
            self._observe(method, 0, unreachable)
            raise unreachable from exc
        if not 200 <= response.status <= 299:
            refused = cluster_errors.from_response(response.status, data, what=what or path)
            self._observe(method, response.status, refused)
            raise refused
        self._observe(method, response.status, None)
        if text:
            raw = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data or "")
            return raw, responses.warning_texts(response)
        return (decoding.loads(data) if data else {}), responses.warning_texts(response)

    def open_stream(self, path: str, *, query: Mapping[str, Any], read_timeout: float) -> Any:
        """A GET whose body is read as it arrives (a watch): the open response, with `stream()`
        and `shutdown()`/`close()`; raises ClusterError subclasses when it cannot be opened."""
        headers = {"Accept": JSON, **({"Impersonate-User": self.impersonate} if self.impersonate else {})}
        url_path = f"{path}?{urlencode(query)}"
        params = self.api.param_serialize(
            "GET", url_path, header_params=headers, auth_settings=["BearerToken"]
        )
        try:
            response = self.api.call_api(*params, _request_timeout=(REQUEST_TIMEOUT, read_timeout))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise cluster_errors.from_transport(exc, what=path) from exc
        if not 200 <= response.status <= 299:
            raise cluster_errors.from_response(response.status, response.read(), what=path)
        return response.response

    def observe(self, observer: RequestObserver | None) -> None:
        """Call `observer(verb, status code (0: no answer), error or None)` after every request made
        through this connection and every identity made from it (metrics)."""
        (self._root or self)._observer = observer

    def _observe(self, method: str, code: int, error: errors.ClusterError | None) -> None:
        observer = (self._root or self)._observer
        if observer is not None:
            observer(method, code, error)

    def path(
        self,
        info: ResourceInfo,
        *,
        namespace: str | None,
        name: str | None = None,
        subresource: str | None = None,
    ) -> str:
        """The REST path of a collection or an object."""
        base = "/api/v1" if info.api_version == "v1" else f"/apis/{info.api_version}"
        if info.namespaced and namespace:
            base += f"/namespaces/{quote(namespace)}"
        base += f"/{info.plural}"
        if name:
            base += f"/{quote(name)}"
        if subresource:
            base += f"/{subresource}"
        return base

    # --- the Cluster protocol -----------------------------------------------------------------

    def resource(self, api_version: str, kind: str) -> ResourceInfo:
        """Discovery for one kind; raises UnknownKind."""
        return self.discovery.lookup(self, api_version, kind)

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        """The object, or None when it does not exist."""
        info = self.resource(api_version, kind)
        what = str(ObjectRef(api_version, kind, name, namespace if info.namespaced else None))
        try:
            result: dict[str, Any] = self.request(
                "GET", self.path(info, namespace=namespace, name=name), what=what
            )
        except errors.NotFound:
            return None
        return result

    def list(
        self, api_version: str, kind: str, *, namespace: str | None, labels: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Objects of a kind, optionally within a namespace and matching labels."""
        info = self.resource(api_version, kind)
        query = {"labelSelector": ",".join(f"{k}={v}" for k, v in labels.items())} if labels else None
        body = self.request("GET", self.path(info, namespace=namespace), query=query, what=f"list {kind}")
        items: list[dict[str, Any]] = body.get("items", [])
        for item in items:  # lists omit apiVersion/kind per item
            item.setdefault("apiVersion", api_version)
            item.setdefault("kind", kind)
        return items

    def apply(self, obj: Object, *, namespace: str | None, field_manager: str = "toollab") -> dict[str, Any]:
        """Server-side apply, forcing conflicts (we own what we send)."""
        info, ns, name = self._target(obj, namespace)
        body = strict_writes.with_namespace(obj, ns if info.namespaced else None)
        result: dict[str, Any] = self.request(
            "PATCH",
            self.path(info, namespace=ns, name=name),
            body=body,
            content_type=APPLY_PATCH,
            query={"fieldManager": field_manager, "force": "true"},
            what=str(ObjectRef.of(body)),
        )
        return result

    def create(self, obj: Object, *, namespace: str | None) -> dict[str, Any]:
        """A plain create (POST): needs only the `create` verb (metadata.generateName works);
        raises Conflict when it exists."""
        ref = ObjectRef.of(obj)
        info = self.resource(ref.api_version, ref.kind)
        ns = (ref.namespace or namespace) if info.namespaced else None
        body = strict_writes.with_namespace(obj, ns)
        created: dict[str, Any] = self.request(
            "POST", self.path(info, namespace=ns), body=body, what=str(ref)
        )
        return created

    def create_or_merge(self, obj: Object, *, namespace: str | None) -> tuple[dict[str, Any], bool]:
        """KUTTL's create-or-update: read the object; merge-patch it when present, else create it.

        Reading first lets a partial body (no required fields) update an object that exists.
        Returns (object, created).
        """
        info, ns, name = self._target(obj, namespace)
        body = strict_writes.with_namespace(obj, ns if info.namespaced else None)
        ref = ObjectRef.of(body)
        if self.get(ref.api_version, ref.kind, name=name, namespace=ns) is None:
            try:
                return self.create(body, namespace=ns), True
            except errors.Conflict:  # created meanwhile: update it as if it had been there
                pass
        patched: dict[str, Any] = self.request(
            "PATCH",
            self.path(info, namespace=ns, name=name),
            body=body,
            content_type=MERGE_PATCH,
            what=str(ref),
        )
        return patched, False

    def delete(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> bool:
        """Delete with background propagation; False when it was already gone."""
        info = self.resource(api_version, kind)
        try:
            self.request(
                "DELETE",
                self.path(info, namespace=namespace, name=name),
                body={"propagationPolicy": "Background"},
                what=str(ObjectRef(api_version, kind, name, namespace)),
            )
        except errors.NotFound:
            return False
        return True

    def replace(self, obj: Object, *, namespace: str | None) -> dict[str, Any]:
        """PUT the whole object; with metadata.resourceVersion set, Conflict when it changed meanwhile."""
        info, ns, name = self._target(obj, namespace)
        body = strict_writes.with_namespace(obj, ns)
        result: dict[str, Any] = self.request(
            "PUT", self.path(info, namespace=ns, name=name), body=body, what=str(ObjectRef.of(body))
        )
        return result

    def patch(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, patch: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A JSON merge patch of the object; metadata.resourceVersion in it makes it conditional."""
        info = self.resource(api_version, kind)
        result: dict[str, Any] = self.request(
            "PATCH",
            self.path(info, namespace=namespace, name=name),
            body=dict(patch),
            content_type=MERGE_PATCH,
            what=str(ObjectRef(api_version, kind, name, namespace)),
        )
        return result

    def patch_status(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, status: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A merge patch of the status subresource."""
        info = self.resource(api_version, kind)
        result: dict[str, Any] = self.request(
            "PATCH",
            self.path(info, namespace=namespace, name=name, subresource="status"),
            body={"status": dict(status)},
            content_type=MERGE_PATCH,
            what=str(ObjectRef(api_version, kind, name, namespace)),
        )
        return result

    def dry_run_apply_warnings(self, obj: Object, *, namespace: str | None) -> tuple[str, ...]:
        """The API server's warnings for a server-side apply of `obj`, without applying it (dryRun=All).

        Admission runs on a dry-run, so Pod Security in `warn` mode reports what it would reject.
        """
        info, ns, name = self._target(obj, namespace)
        body = strict_writes.with_namespace(obj, ns if info.namespaced else None)
        _, warnings = self._call(
            "PATCH",
            self.path(info, namespace=ns, name=name),
            body=body,
            content_type=APPLY_PATCH,
            query={"fieldManager": "toollab-scorecard", "force": "true", "dryRun": "All"},
            what=str(ObjectRef.of(body)),
        )
        return warnings

    def _target(self, obj: Object, namespace: str | None) -> tuple[ResourceInfo, str | None, str]:
        ref = ObjectRef.of(obj)
        if not ref.api_version or not ref.kind or not ref.name:
            raise errors.Invalid(f"object needs apiVersion, kind and metadata.name: {ref}")
        info = self.resource(ref.api_version, ref.kind)
        return info, (ref.namespace or namespace) if info.namespaced else None, ref.name


def _in_cluster_configuration() -> k8s_client.Configuration:
    """The client configuration from the pod's service account (inside a cluster)."""
    configuration = k8s_client.Configuration()
    try:
        k8s_config.load_incluster_config(client_configuration=configuration)
    except Exception as exc:
        raise errors.InputError(f"cannot load the in-cluster configuration: {exc}") from exc
    return configuration


def _in_cluster() -> bool:
    """True inside a pod (the service account token is mounted)."""
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
