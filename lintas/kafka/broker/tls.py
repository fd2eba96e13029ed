"""TLS for the local broker: a certificate authority of its own and a broker certificate
for 127.0.0.1, made once with the JDK's ``keytool`` (the broker needs a JDK anyway).

Files, under the broker's directory in ``tls/``, readable by their owner only:

- ``ca.pem`` — the CA certificate clients trust (``LINTAS_KAFKA_SSL_CAFILE``);
- ``broker.p12`` — the broker's key and certificate chain (PKCS #12), which the broker
  reads with the password in ``keystore.password``;
- ``ca.p12`` — the CA's key, kept to sign a new broker certificate when one is needed.

The broker certificate names ``127.0.0.1`` and ``localhost`` (subject alternative names),
so clients verify the host name as well as the chain.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lintas.core.errors import BrokerError

__all__ = ["BrokerTls", "ensure_tls"]

#: days the CA and the broker certificate are valid
CA_DAYS = 3650
BROKER_DAYS = 825
_PASSWORD_VAR = "LINTAS_KEYSTORE_PASSWORD"


@dataclass(frozen=True)
class BrokerTls:
    """Where the local broker's TLS material is."""

    directory: Path

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def keystore(self) -> Path:
        return self.directory / "broker.p12"

    @property
    def password(self) -> str:
        return (self.directory / "keystore.password").read_text().strip()

    def broker_properties(self) -> dict[str, str]:
        """``server.properties`` entries for a listener that speaks TLS."""
        return {"ssl.keystore.type": "PKCS12",
                "ssl.keystore.location": str(self.keystore),
                "ssl.keystore.password": self.password,
                "ssl.key.password": self.password,
                # The broker checks at start that a client trusting its CA could connect.
                "ssl.truststore.type": "PKCS12",
                "ssl.truststore.location": str(self.keystore),
                "ssl.truststore.password": self.password,
                "ssl.enabled.protocols": "TLSv1.3,TLSv1.2",
                "ssl.client.auth": "none"}


def _keytool(secret: str, *args: str) -> None:
    """Run keytool; the store password travels in its environment, never its arguments."""
    tool = shutil.which("keytool")
    if tool is None:
        raise BrokerError("keytool (from a JDK) is needed to make the local broker's TLS "
                          "certificates; install a JDK 17 or newer")
    proc = subprocess.run([tool, *args, "-storetype", "PKCS12", "-storepass:env", _PASSWORD_VAR],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, _PASSWORD_VAR: secret})
    if proc.returncode != 0:
        # keytool's messages never contain the store password (it is passed, not echoed).
        raise BrokerError(f"keytool {args[0]} failed: {(proc.stdout + proc.stderr).strip()[-600:]}")


def _private(path: Path) -> None:
    if path.exists():
        os.chmod(path, 0o600)


def ensure_tls(directory: Path) -> BrokerTls:
    """The local broker's TLS material, made on first use (see the module doc)."""
    tls = BrokerTls(Path(directory) / "tls")
    if tls.keystore.exists() and tls.ca_file.exists():
        return tls
    tls.directory.mkdir(parents=True, exist_ok=True)
    os.chmod(tls.directory, 0o700)
    for leftover in tls.directory.iterdir():  # an earlier attempt that stopped half-way
        leftover.unlink()
    secret = secrets.token_urlsafe(24)
    fd = os.open(tls.directory / "keystore.password", os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret)
    ca_store, csr, signed = (tls.directory / "ca.p12", tls.directory / "broker.csr",
                             tls.directory / "broker.pem")
    _keytool(secret, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
             "-dname", "CN=lintas local broker CA", "-ext", "bc:c", "-validity",
             str(CA_DAYS), "-keystore", str(ca_store))
    _keytool(secret, "-exportcert", "-rfc", "-alias", "ca", "-keystore", str(ca_store),
             "-file", str(tls.ca_file))
    _keytool(secret, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
             "-dname", "CN=127.0.0.1", "-validity", str(BROKER_DAYS),
             "-keystore", str(tls.keystore))
    _keytool(secret, "-certreq", "-alias", "broker", "-keystore", str(tls.keystore),
             "-file", str(csr))
    _keytool(secret, "-gencert", "-rfc", "-alias", "ca", "-keystore", str(ca_store),
             "-infile", str(csr), "-outfile", str(signed), "-validity", str(BROKER_DAYS),
             "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth")
    _keytool(secret, "-importcert", "-noprompt", "-alias", "ca", "-file", str(tls.ca_file),
             "-keystore", str(tls.keystore))
    _keytool(secret, "-importcert", "-noprompt", "-alias", "broker", "-file", str(signed),
             "-keystore", str(tls.keystore))
    csr.unlink()
    signed.unlink()
    for path in (ca_store, tls.keystore, tls.ca_file):
        _private(path)
    return tls
