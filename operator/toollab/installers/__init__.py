"""Install backends behind one Protocol: the helm CLI and server-side applied manifests."""

from __future__ import annotations

from toollab.installers import base, helm, manifests, parts, process
from toollab.model import trial


def installer_for(
    source: trial.Source, *, runner: process.ProcessRunner | None = None, helm_path: str = "helm"
) -> base.Installer:
    """The installer for a trial's tool source; `runner` defaults to real subprocesses."""
    if isinstance(source, trial.PartsSource):

        def single(part: trial.HelmSource | trial.ManifestSource) -> base.Installer:
            return installer_for(part, runner=runner, helm_path=helm_path)

        return parts.PartsInstaller(source, single=single)
    if isinstance(source, trial.HelmSource):
        return helm.HelmInstaller(source, runner=runner or process.SubprocessRunner(), helm_path=helm_path)
    return manifests.ManifestInstaller(source)


__all__ = ["installer_for"]
