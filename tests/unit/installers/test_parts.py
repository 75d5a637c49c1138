"""Multi-part installs: parts in order, each as its own release with its own inventory, removed in
reverse order; generated values are a real CA and an issuer it signs, made only where absent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from toollab.installers import base, generate, parts
from toollab.model import records, trial


@dataclass
class Recorder:
    """An installer that records its calls (each part installs one object named after it)."""

    calls: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    values: list[dict[str, object]] = field(default_factory=list)

    def for_source(self, source: trial.HelmSource | trial.ManifestSource) -> base.Installer:
        recorder = self

        class One:
            def install(self, ctx: base.InstallContext) -> base.InstallResult:
                recorder.calls.append(("install", ctx.release_name, ()))
                if isinstance(source, trial.HelmSource):
                    recorder.values.append(dict(source.values))
                entry = records.InventoryEntry("v1", "ConfigMap", ctx.release_name, "ns")
                return base.InstallResult(
                    base.Method.HELM, "chart-" + ctx.release_name, "1.0", "", (entry,), 1.5, ctx.release_name
                )

            def uninstall(
                self, ctx: base.InstallContext, inventory: Sequence[records.InventoryEntry]
            ) -> None:
                recorder.calls.append(("uninstall", ctx.release_name, tuple(e.name for e in inventory)))

        return One()


def context() -> base.InstallContext:
    return base.InstallContext("t", "uid", "lab", "trial-t", cluster=None)  # type: ignore[arg-type]


def helm_part(
    name: str, generated: tuple[trial.GeneratedValue, ...] = (), values: dict[str, object] | None = None
) -> trial.Part:
    return trial.Part(name, trial.HelmSource("https://charts.example", name, values=values or {}), generated)


def test_parts_install_in_order_and_uninstall_in_reverse_with_their_own_entries() -> None:
    recorder = Recorder()
    source = trial.PartsSource((helm_part("crds"), helm_part("control-plane")))
    installer = parts.PartsInstaller(source, single=recorder.for_source)
    result = installer.install(context())
    assert [c[1] for c in recorder.calls] == ["crds", "control-plane"]
    assert [(e.name, e.part) for e in result.objects] == [
        ("crds", "crds"),
        ("control-plane", "control-plane"),
    ]
    assert [(p.name, p.chart, p.objects) for p in result.info().parts] == [
        ("crds", "chart-crds", 1),
        ("control-plane", "chart-control-plane", 1),
    ]
    assert result.seconds == 3.0 and result.release == "crds"
    recorder.calls.clear()
    legacy = records.InventoryEntry("v1", "Secret", "old", "ns")  # recorded before parts had names
    installer.uninstall(context(), [*result.objects, legacy])
    assert recorder.calls == [
        ("uninstall", "control-plane", ("control-plane", "old")),
        ("uninstall", "crds", ("crds",)),
    ]


def test_generated_values_are_a_ca_and_an_issuer_it_signed() -> None:
    made = generate.certificates()
    ca = x509.load_pem_x509_certificate(made["ca-certificate"].encode())
    issuer = x509.load_pem_x509_certificate(made["issuer-certificate"].encode())
    key = serialization.load_pem_private_key(made["issuer-key"].encode(), password=None)
    issuer.verify_directly_issued_by(ca)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.public_key().public_numbers() == issuer.public_key().public_numbers()  # type: ignore[union-attr]
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert made != generate.certificates()  # fresh for every install


def test_only_absent_values_are_generated() -> None:
    recorder = Recorder()
    wanted = (
        trial.GeneratedValue("identityTrustAnchorsPEM", "ca-certificate"),
        trial.GeneratedValue("identity.issuer.tls.keyPEM", "issuer-key"),
    )
    given = helm_part("cp", wanted, values={"identityTrustAnchorsPEM": "MINE"})
    parts.PartsInstaller(trial.PartsSource((given,)), single=recorder.for_source).install(context())
    (values,) = recorder.values
    assert values["identityTrustAnchorsPEM"] == "MINE"
    assert str(values["identity"]["issuer"]["tls"]["keyPEM"]).startswith("-----BEGIN EC PRIVATE KEY")  # type: ignore[index]
    assert given.source.values == {"identityTrustAnchorsPEM": "MINE"}  # the spec is not changed
