"""Throwaway certificates a part asks to generate: an ECDSA P-256 root CA and an issuer it signs.

Made in memory for one install (Linkerd's trust anchor and identity issuer when the trial gives
none); valid for a year; never stored anywhere but in the values handed to helm.
"""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VALID_DAYS = 365
ROOT_NAME = "root.linkerd.cluster.local"
ISSUER_NAME = "identity.linkerd.cluster.local"


def certificates() -> dict[str, str]:
    """PEM texts by generated kind: ca-certificate, issuer-certificate, issuer-key."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate(ROOT_NAME, root_key.public_key(), ROOT_NAME, root_key, path_length=1)
    issuer_key = ec.generate_private_key(ec.SECP256R1())
    issuer = _certificate(ISSUER_NAME, issuer_key.public_key(), ROOT_NAME, root_key, path_length=0)
    key_pem = issuer_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return {
        "ca-certificate": root.public_bytes(serialization.Encoding.PEM).decode(),
        "issuer-certificate": issuer.public_bytes(serialization.Encoding.PEM).decode(),
        "issuer-key": key_pem.decode(),
    }


def _certificate(
    subject: str,
    public_key: ec.EllipticCurvePublicKey,
    issuer: str,
    signing_key: ec.EllipticCurvePrivateKey,
    *,
    path_length: int,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(usage, critical=True)
        .sign(signing_key, hashes.SHA256())
    )
