"""Certificates and keys for one local cluster run, made with the openssl CLI.

Writes only into the run's `pki/` folder; a fresh PKI per run, valid 30 days.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

CA_CONFIG = """[req]
distinguished_name=dn
x509_extensions=v3_ca
prompt=no
[dn]
CN=toollab-ca
[v3_ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
"""

APISERVER_SANS = (
    "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,"
    "DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1"
)


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.strip().splitlines()[-1:]}")


def _sign(pki: Path, name: str, subject: str, extensions: list[str]) -> None:
    """A key and a certificate signed by the run's CA."""
    _openssl(
        *f"req -newkey rsa:2048 -nodes -keyout {name}.key -out {name}.csr".split(), "-subj", subject, cwd=pki
    )
    (pki / f"{name}.ext").write_text("\n".join(extensions) + "\n")
    sign = f"x509 -req -in {name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 30"
    _openssl(*sign.split(), "-out", f"{name}.crt", "-extfile", f"{name}.ext", cwd=pki)


USAGE = "keyUsage=critical,digitalSignature,keyEncipherment"


def make_pki(pki: Path) -> None:
    """CA, apiserver serving cert, admin client cert (system:masters), service-account keys."""
    pki.mkdir(parents=True, exist_ok=True)
    (pki / "ca.cnf").write_text(CA_CONFIG)
    ca = "req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -config ca.cnf -keyout ca.key -out ca.crt"
    _openssl(*ca.split(), cwd=pki)
    server = [f"subjectAltName={APISERVER_SANS}", "extendedKeyUsage=serverAuth", USAGE]
    _sign(pki, "apiserver", "/CN=kube-apiserver", server)
    _sign(pki, "admin", "/O=system:masters/CN=toollab-admin", ["extendedKeyUsage=clientAuth", USAGE])
    _openssl(*"genrsa -out sa.key 2048".split(), cwd=pki)
    _openssl(*"rsa -in sa.key -pubout -out sa.pub".split(), cwd=pki)


def kubeconfig_text(*, server: str, pki: Path) -> str:
    """An admin kubeconfig for the run (JSON is valid YAML, so no yaml dependency)."""
    import json

    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "toollab", "cluster": {"server": server, "certificate-authority": str(pki / "ca.crt")}}
        ],
        "users": [
            {
                "name": "toollab-admin",
                "user": {"client-certificate": str(pki / "admin.crt"), "client-key": str(pki / "admin.key")},
            }
        ],
        "contexts": [{"name": "toollab", "context": {"cluster": "toollab", "user": "toollab-admin"}}],
        "current-context": "toollab",
    }
    return json.dumps(config, indent=2) + "\n"
