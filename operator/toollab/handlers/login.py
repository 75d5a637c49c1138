"""Kopf logs in with the same kubeconfig, context and identity as toollab's own client.

Kopf's default login reads $KUBECONFIG's current context (or the pod's account); registering
this handler replaces it, so `toollab operator --kubeconfig F --context C` holds for the watches too.
"""

from __future__ import annotations

from typing import Any

import kopf

from toollab import errors
from toollab.cluster import kube
from toollab.handlers import config


@kopf.on.login(errors=kopf.ErrorsMode.PERMANENT)
def log_in(**_: Any) -> kopf.ConnectionInfo:
    """The server and credentials toollab's client would use."""
    settings = config.from_environment()
    try:
        cluster = kube.KubeCluster.from_kubeconfig(settings.kubeconfig, context=settings.context)
    except errors.ToollabError as exc:
        raise kopf.LoginError(str(exc)) from exc
    try:
        found = cluster.credentials()
    finally:
        cluster.close()
    return kopf.ConnectionInfo(
        server=found.server,
        ca_path=found.ca_path,
        insecure=not found.verify,
        username=found.username,
        password=found.password,
        scheme=found.scheme,
        token=found.token,
        certificate_path=found.certificate_path,
        private_key_path=found.private_key_path,
    )
