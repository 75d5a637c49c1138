"""TypedDicts for a ToolTrial as the API server stores it (camelCase keys, all optional).

Declarations only: nothing here checks a body; `parse.parse_trial` does. Keys that are
Python keywords (`assert`) use the functional TypedDict form.
"""

from __future__ import annotations

from typing import Any, TypedDict

Object = dict[str, Any]


class RawKeyRef(TypedDict, total=False):
    """`{name, key}`: one key of a ConfigMap or Secret in the trial's namespace."""

    name: str
    key: str


class RawValuesFrom(TypedDict, total=False):
    """`spec.tool.helm.valuesFrom[]`: exactly one of the two references."""

    configMapRef: RawKeyRef
    secretRef: RawKeyRef


class RawHelm(TypedDict, total=False):
    """`spec.tool.helm`."""

    repo: str
    chart: str
    version: str
    values: Object
    valuesFrom: list[RawValuesFrom]


class RawManifests(TypedDict, total=False):
    """`spec.tool.manifests`."""

    inline: list[Object]
    urls: list[str]
    configMapRef: RawKeyRef


class RawTool(TypedDict, total=False):
    """`spec.tool`: a name and exactly one source."""

    name: str
    version: str
    helm: RawHelm
    manifests: RawManifests


class RawTarget(TypedDict, total=False):
    """`spec.target`."""

    namespace: str
    createNamespace: bool


class RawEnvVar(TypedDict, total=False):
    """`spec.steps[].run.env[]`."""

    name: str
    value: str


class RawRunSpec(TypedDict, total=False):
    """`spec.steps[].run`: a Job in the target namespace that must complete."""

    image: str
    command: list[str]
    args: list[str]
    env: list[RawEnvVar]


class RawCelRef(TypedDict, total=False):
    """`steps[].refs[]`."""

    ref: str
    apiVersion: str
    kind: str
    name: str
    namespace: str
    labels: dict[str, str]


RawStep = TypedDict(
    "RawStep",
    {
        "name": str,
        "timeout": str,
        "apply": list[Object],
        "assert": list[Object],
        "errors": list[Object],
        "delete": list[Object],
        "run": RawRunSpec,
        "dialect": str,
        "refs": list[RawCelRef],
        "cel": list[str],
    },
    total=False,
)


class RawCleanup(TypedDict, total=False):
    """`spec.cleanup`."""

    policy: str
    ttlSecondsAfterFinished: int


class RawSpec(TypedDict, total=False):
    """`spec`."""

    tool: RawTool
    target: RawTarget
    serviceAccountName: str
    steps: list[RawStep]
    dialect: str
    timeout: str
    cleanup: RawCleanup


class RawCondition(TypedDict, total=False):
    """`status.conditions[]` (metav1.Condition)."""

    type: str
    status: str
    reason: str
    message: str
    lastTransitionTime: str
    observedGeneration: int


class RawInstall(TypedDict, total=False):
    """`status.install`."""

    method: str
    chart: str
    version: str
    appVersion: str
    objects: int
    seconds: float


class RawStepStatus(TypedDict, total=False):
    """`status.steps[]`."""

    name: str
    phase: str
    attempts: int
    seconds: float
    message: str
    startedAt: str
    deadline: str
    applied: bool


class RawFootprint(TypedDict, total=False):
    """`status.footprint`."""

    pods: int
    containers: int
    cpuRequests: str
    memoryRequests: str
    privilegedContainers: int
    hostPathVolumes: int
    clusterScopedObjects: int


class RawRunInfo(TypedDict, total=False):
    """`status.run`: the run of one generation."""

    generation: int
    startedAt: str
    deadline: str
    targetNamespace: str
    namespaceCreated: bool
    serviceAccount: str
    stage: str


class RawInventoryEntry(TypedDict, total=False):
    """`status.inventory.entries[]`."""

    apiVersion: str
    kind: str
    namespace: str
    name: str
    created: bool


class RawInventory(TypedDict, total=False):
    """`status.inventory`."""

    entries: list[RawInventoryEntry]
    release: str


class RawStatus(TypedDict, total=False):
    """`status`."""

    observedGeneration: int
    phase: str
    result: str
    conditions: list[RawCondition]
    startedAt: str
    finishedAt: str
    install: RawInstall
    steps: list[RawStepStatus]
    currentStep: int
    passed: int
    total: int
    passedText: str
    timeToReadySeconds: float
    footprint: RawFootprint
    run: RawRunInfo
    inventory: RawInventory


class RawMetadata(TypedDict, total=False):
    """The parts of `metadata` toollab reads."""

    name: str
    namespace: str
    uid: str
    generation: int
    labels: dict[str, str]
    annotations: dict[str, str]
    deletionTimestamp: str


class RawToolTrial(TypedDict, total=False):
    """A whole ToolTrial body."""

    apiVersion: str
    kind: str
    metadata: RawMetadata
    spec: RawSpec
    status: RawStatus
