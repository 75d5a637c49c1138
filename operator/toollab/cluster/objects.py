"""`ObjectsCluster`: the `Cluster` reads over a fixed set of objects, for `toollab assert --actual`.

Pure: no I/O, never imports `kubernetes`. It serves the built-in Kubernetes kinds (scope known),
the kinds of CustomResourceDefinitions in the set, and any other kind present in the set
(namespaced); anything else raises UnknownKind. Writes raise Forbidden: it is read-only.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from toollab import errors
from toollab.cluster.port import Object, ResourceInfo

# apiVersion, kind, plural, scope (n: namespaced, c: cluster) of the kinds every server serves
_BUILTIN_TABLE = """
v1 Binding bindings n
v1 ComponentStatus componentstatuses c
v1 ConfigMap configmaps n
v1 Endpoints endpoints n
v1 Event events n
v1 LimitRange limitranges n
v1 Namespace namespaces c
v1 Node nodes c
v1 PersistentVolume persistentvolumes c
v1 PersistentVolumeClaim persistentvolumeclaims n
v1 Pod pods n
v1 PodTemplate podtemplates n
v1 ReplicationController replicationcontrollers n
v1 ResourceQuota resourcequotas n
v1 Secret secrets n
v1 Service services n
v1 ServiceAccount serviceaccounts n
apps/v1 ControllerRevision controllerrevisions n
apps/v1 DaemonSet daemonsets n
apps/v1 Deployment deployments n
apps/v1 ReplicaSet replicasets n
apps/v1 StatefulSet statefulsets n
batch/v1 CronJob cronjobs n
batch/v1 Job jobs n
autoscaling/v1 HorizontalPodAutoscaler horizontalpodautoscalers n
autoscaling/v2 HorizontalPodAutoscaler horizontalpodautoscalers n
policy/v1 PodDisruptionBudget poddisruptionbudgets n
rbac.authorization.k8s.io/v1 ClusterRole clusterroles c
rbac.authorization.k8s.io/v1 ClusterRoleBinding clusterrolebindings c
rbac.authorization.k8s.io/v1 Role roles n
rbac.authorization.k8s.io/v1 RoleBinding rolebindings n
apiextensions.k8s.io/v1 CustomResourceDefinition customresourcedefinitions c
apiregistration.k8s.io/v1 APIService apiservices c
networking.k8s.io/v1 Ingress ingresses n
networking.k8s.io/v1 IngressClass ingressclasses c
networking.k8s.io/v1 NetworkPolicy networkpolicies n
networking.k8s.io/v1 IPAddress ipaddresses c
networking.k8s.io/v1 ServiceCIDR servicecidrs c
discovery.k8s.io/v1 EndpointSlice endpointslices n
events.k8s.io/v1 Event events n
storage.k8s.io/v1 CSIDriver csidrivers c
storage.k8s.io/v1 CSINode csinodes c
storage.k8s.io/v1 CSIStorageCapacity csistoragecapacities n
storage.k8s.io/v1 StorageClass storageclasses c
storage.k8s.io/v1 VolumeAttachment volumeattachments c
storage.k8s.io/v1 VolumeAttributesClass volumeattributesclasses c
coordination.k8s.io/v1 Lease leases n
admissionregistration.k8s.io/v1 MutatingWebhookConfiguration mutatingwebhookconfigurations c
admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration validatingwebhookconfigurations c
admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy validatingadmissionpolicies c
admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding validatingadmissionpolicybindings c
scheduling.k8s.io/v1 PriorityClass priorityclasses c
node.k8s.io/v1 RuntimeClass runtimeclasses c
certificates.k8s.io/v1 CertificateSigningRequest certificatesigningrequests c
flowcontrol.apiserver.k8s.io/v1 FlowSchema flowschemas c
flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration prioritylevelconfigurations c
resource.k8s.io/v1 DeviceClass deviceclasses c
resource.k8s.io/v1 ResourceClaim resourceclaims n
resource.k8s.io/v1 ResourceClaimTemplate resourceclaimtemplates n
resource.k8s.io/v1 ResourceSlice resourceslices c
"""


def _parse_table(table: str) -> dict[tuple[str, str], ResourceInfo]:
    kinds: dict[tuple[str, str], ResourceInfo] = {}
    for line in table.split("\n"):
        if line.strip():
            api_version, kind, plural, scope = line.split()
            kinds[api_version, kind] = ResourceInfo(api_version, kind, plural, namespaced=scope == "n")
    return kinds


BUILTIN_KINDS: Mapping[tuple[str, str], ResourceInfo] = _parse_table(_BUILTIN_TABLE)

_Key = tuple[str, str]  # (namespace or "", name)


class ObjectsCluster:
    """A read-only cluster whose contents are a fixed list of objects."""

    def __init__(self, objects: Sequence[Object], *, default_namespace: str) -> None:
        self._kinds = dict(BUILTIN_KINDS) | _crd_kinds(objects)
        for obj in objects:  # other kinds in the set: served, namespaced (most custom kinds are)
            api_version, kind = _kind_of(obj)
            self._kinds.setdefault((api_version, kind), ResourceInfo(api_version, kind, _plural(kind), True))
        self._store: dict[tuple[str, str], dict[_Key, dict[str, Any]]] = {}
        for obj in objects:
            self._add(obj, default_namespace)

    def resource(self, api_version: str, kind: str) -> ResourceInfo:
        """The kind's scope; UnknownKind unless built in, defined by a CRD in the set, or present."""
        info = self._kinds.get((api_version, kind))
        if info is None:
            raise errors.UnknownKind(f"the server does not serve kind {kind} in {api_version}")
        return info

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        """A copy of the object, or None."""
        info = self.resource(api_version, kind)
        key = ((namespace or "") if info.namespaced else "", name)
        if info.namespaced and not namespace:
            return None
        found = self._store.get((api_version, kind), {}).get(key)
        return copy.deepcopy(found) if found is not None else None

    def list(
        self,
        api_version: str,
        kind: str,
        *,
        namespace: str | None,
        labels: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Copies of the objects of a kind in `namespace` (None: all) with `labels`, by namespace/name."""
        info = self.resource(api_version, kind)
        objects = self._store.get((api_version, kind), {})
        return [
            copy.deepcopy(obj)
            for (ns, _), obj in sorted(objects.items())
            if (not info.namespaced or namespace is None or ns == namespace) and _has_labels(obj, labels)
        ]

    def apply(self, obj: Object, *, namespace: str | None, field_manager: str = "toollab") -> dict[str, Any]:
        """Refused: the set is read-only."""
        raise errors.Forbidden("read-only: a file of objects cannot be changed")

    def create_or_merge(self, obj: Object, *, namespace: str | None) -> tuple[dict[str, Any], bool]:
        """Refused: the set is read-only."""
        raise errors.Forbidden("read-only: a file of objects cannot be changed")

    def delete(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> bool:
        """Refused: the set is read-only."""
        raise errors.Forbidden("read-only: a file of objects cannot be changed")

    def _add(self, obj: Object, default_namespace: str) -> None:
        """Store a copy as the API server would return it: namespace set for namespaced kinds only."""
        api_version, kind = _kind_of(obj)
        info = self._kinds[api_version, kind]
        body = copy.deepcopy(dict(obj))
        metadata = body.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
        name = metadata.get("name")
        if not isinstance(name, str) or not name:
            raise errors.InputError(f"{api_version}/{kind} object without metadata.name")
        if info.namespaced:
            metadata["namespace"] = metadata.get("namespace") or default_namespace
        else:
            metadata.pop("namespace", None)
        body["metadata"] = metadata
        self._store.setdefault((api_version, kind), {})[metadata.get("namespace", ""), name] = body


def _kind_of(obj: Object) -> tuple[str, str]:
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        raise errors.InputError("every object needs a string apiVersion and kind")
    return api_version, kind


def _crd_kinds(objects: Sequence[Object]) -> dict[tuple[str, str], ResourceInfo]:
    """Kinds served by the CustomResourceDefinitions among the objects, with their scope."""
    kinds: dict[tuple[str, str], ResourceInfo] = {}
    for obj in objects:
        if (obj.get("apiVersion"), obj.get("kind")) != (
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
        ):
            continue
        spec = obj.get("spec") or {}
        names = spec.get("names") or {}
        kind, plural = str(names.get("kind", "")), str(names.get("plural", ""))
        for version in spec.get("versions") or []:
            if version.get("served", True):
                api_version = f"{spec.get('group', '')}/{version.get('name', '')}"
                kinds[api_version, kind] = ResourceInfo(
                    api_version, kind, plural, spec.get("scope") != "Cluster"
                )
    return kinds


def _has_labels(obj: Mapping[str, Any], labels: Mapping[str, str] | None) -> bool:
    if not labels:
        return True
    have = (obj.get("metadata") or {}).get("labels") or {}
    return all(have.get(key) == value for key, value in labels.items())


def _plural(kind: str) -> str:
    """kubectl-style guess at a kind's plural resource name."""
    lower = kind.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lower[:-1] + "ies"
    return lower + "s"
