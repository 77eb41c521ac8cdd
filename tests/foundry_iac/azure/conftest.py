"""A fake Azure Resource Manager on https://127.0.0.1 (self-signed certificate) and a static-token credential.

Bearer tokens are refused over plain HTTP by azure-core, so the fake speaks HTTPS like the real ARM.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import time
from pathlib import Path

import pytest
from azure.core.credentials import AccessToken
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer


class StaticToken:
    """A TokenCredential that always hands out the same token (no Entra ID in tests)."""

    def __init__(self, token: str = "test-token") -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for 127.0.0.1 and a server context using it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def _https(tls):
    server = HTTPServer(host="127.0.0.1", ssl_context=tls[0])
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def arm(tls):
    """A fake Azure Resource Manager on https://127.0.0.1:<port>."""
    yield from _https(tls)


@pytest.fixture
def foreign(tls):
    """Another HTTPS server on 127.0.0.1, on another port: not the configured endpoint (a nextLink's target)."""
    yield from _https(tls)


def endpoint(server: HTTPServer) -> str:
    return f"https://127.0.0.1:{server.port}"


@pytest.fixture
def client_calls(monkeypatch) -> list[tuple[float, object]]:
    """The (retry_backoff, limits) of each client quota_sync.make_client builds (catalog and quota sync share
    it); the client itself retries fast (0.01 s) so refused answers do not wait."""
    from foundry_iac.azure import quota_sync

    seen: list[tuple[float, object]] = []
    real = quota_sync.make_client

    def spy(credential, subscription, endpoint, verify, retry_backoff, limits=None):
        seen.append((retry_backoff, limits))
        return real(credential, subscription, endpoint, verify, 0.01, limits)

    monkeypatch.setattr(quota_sync, "make_client", spy)
    return seen
