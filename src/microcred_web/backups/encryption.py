"""The backup file: a tar archive encrypted as a whole with a key the operator holds.

Layout: ``MAGIC``, a 4-byte header length, the JSON header (key derivation parameters, a key
check value, the nonce prefix), then chunks of ``4-byte length + AES-256-GCM ciphertext``. Each
chunk's nonce is ``prefix(7) + counter(4) + last(1)`` and its associated data is the header, so
a reordered, truncated, extended or edited file fails to decrypt. The key comes from a
passphrase (scrypt) or a key file (HKDF); it is never written into the file.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from microcred_web.common.errors import ApplicationError

MAGIC = b"MICROCRED-BACKUP\x01"
CHUNK_BYTES = 1 << 20
SCRYPT_N = 1 << 15
MIN_KEY_FILE_BYTES = 32
MIN_PASSPHRASE_CHARS = 12


@dataclass(frozen=True)
class BackupKey:
    """What the operator holds: a passphrase or the bytes of a key file."""

    passphrase: str | None = None
    key_file_bytes: bytes | None = None

    @classmethod
    def from_options(cls, *, passphrase_file: str | None, key_file: str | None) -> BackupKey:
        if bool(passphrase_file) == bool(key_file):
            raise ApplicationError(
                "backup_key_missing", "Give exactly one of --key-file or --passphrase-file."
            )
        if key_file:
            data = Path(key_file).read_bytes()
            if len(data) < MIN_KEY_FILE_BYTES:
                raise ApplicationError(
                    "backup_key_short", f"--key-file: at least {MIN_KEY_FILE_BYTES} bytes needed."
                )
            return cls(key_file_bytes=data)
        text = Path(str(passphrase_file)).read_text(encoding="utf-8").strip()
        if len(text) < MIN_PASSPHRASE_CHARS:
            raise ApplicationError(
                "backup_key_short",
                f"--passphrase-file: at least {MIN_PASSPHRASE_CHARS} characters needed.",
            )
        return cls(passphrase=text)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _master_key(key: BackupKey, header: dict[str, Any]) -> bytes:
    salt = base64.b64decode(header["salt"])
    if header["kdf"] == "scrypt":
        if key.passphrase is None:
            raise ApplicationError(
                "backup_wrong_key", "This backup was made with a passphrase: use --passphrase-file."
            )
        return Scrypt(salt=salt, length=32, n=int(header["n"]), r=8, p=1).derive(
            key.passphrase.encode("utf-8")
        )
    if key.key_file_bytes is None:
        raise ApplicationError(
            "backup_wrong_key", "This backup was made with a key file: use --key-file."
        )
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"microcred-backup:key-file"
    ).derive(key.key_file_bytes)


def _subkeys(master: bytes) -> tuple[bytes, bytes]:
    def expand(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    return expand(b"microcred-backup:encryption:v1"), expand(b"microcred-backup:check:v1")


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def encrypt_file(plain: IO[bytes], out: IO[bytes], key: BackupKey) -> None:
    """Write ``plain`` (read to its end) to ``out`` encrypted under ``key``."""
    header: dict[str, Any] = {"salt": _b64(os.urandom(16)), "nonce_prefix": _b64(os.urandom(7))}
    if key.passphrase is not None:
        header.update(kdf="scrypt", n=SCRYPT_N)
    else:
        header.update(kdf="key-file")
    encryption_key, check = _subkeys(_master_key(key, header))
    header["check"] = _b64(check[:16])
    header_bytes = json.dumps(header, sort_keys=True).encode()
    out.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)
    aead, prefix = AESGCM(encryption_key), base64.b64decode(header["nonce_prefix"])
    counter, chunk = 0, plain.read(CHUNK_BYTES)
    while True:
        following = plain.read(CHUNK_BYTES)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, counter, last), chunk, header_bytes)
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        counter, chunk = counter + 1, following


def _tampered() -> ApplicationError:
    return ApplicationError(
        "backup_tampered", "The backup file is damaged or was modified: it cannot be restored."
    )


def _read_exact(source: IO[bytes], size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise _tampered()
    return data


def decrypt_file(source: IO[bytes], plain: IO[bytes], key: BackupKey) -> None:
    """Decrypt a backup file into ``plain``; a wrong key or any modification is refused."""
    if source.read(len(MAGIC)) != MAGIC:
        raise ApplicationError("backup_not_a_backup", "This file is not a microcred backup.")
    (header_length,) = struct.unpack(">I", _read_exact(source, 4))
    header_bytes = _read_exact(source, header_length)
    try:
        header = json.loads(header_bytes)
        encryption_key, check = _subkeys(_master_key(key, header))
        expected_check = base64.b64decode(header["check"])
        prefix = base64.b64decode(header["nonce_prefix"])
    except (ValueError, KeyError, TypeError) as exc:
        raise _tampered() from exc
    if not hmac.compare_digest(check[:16], expected_check):
        raise ApplicationError(
            "backup_wrong_key", "Wrong backup key: this backup was encrypted with another key."
        )
    aead, counter = AESGCM(encryption_key), 0
    while True:
        length_bytes = source.read(4)
        if not length_bytes:
            raise _tampered()  # ended before the chunk marked last: truncated
        if len(length_bytes) != 4:
            raise _tampered()
        (length,) = struct.unpack(">I", length_bytes)
        sealed = _read_exact(source, length)
        for last in (False, True):
            try:
                plain.write(aead.decrypt(_nonce(prefix, counter, last), sealed, header_bytes))
                break
            except InvalidTag:
                continue
        else:
            raise _tampered()
        if last:
            if source.read(1):
                raise _tampered()  # data after the last chunk
            return
        counter += 1
