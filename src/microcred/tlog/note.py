"""C2SP signed-note: text signed by one or more Ed25519 keys.

A note is its text (non-empty, ending in a newline), a blank line, then one line per signature::

    — <name> base64(key_id || signature)

The key id is the first 4 bytes of ``SHA-256(name || 0x0A || 0x01 || public_key)``; a verifier
key is written ``<name>+<hex key id>+base64(0x01 || public_key)`` and a signer key
``PRIVATE+KEY+<name>+<hex key id>+base64(0x01 || seed)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from microcred.tlog.errors import NoteError

ALGORITHM_ED25519 = 1
_DASH = "\u2014 "
_MAX_SIGNATURES = 100


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 note key."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALGORITHM_ED25519]) + public_key).digest()[
        :4
    ]


def _check_name(name: str) -> None:
    if not name or any(c in name for c in "+ \n\t") or any(ord(c) < 0x20 for c in name):
        raise NoteError(f"key name {name!r} is empty or holds '+', spaces or control characters")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"{what} is not standard base64") from exc


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """A trusted key: its name, 4-byte id and Ed25519 public key."""

    name: str
    key_id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, verifier_key: str) -> NoteVerifier:
        """Read ``name+hexid+base64(0x01||key)``; the id must match the key."""
        parts = verifier_key.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key is written name+keyid+base64key")
        name, hex_id, encoded = parts
        _check_name(name)
        if len(hex_id) != 8:
            raise NoteError("a verifier key id is 8 hexadecimal digits")
        try:
            wanted = bytes.fromhex(hex_id)
        except ValueError as exc:
            raise NoteError("a verifier key id is 8 hexadecimal digits") from exc
        raw = _b64decode(encoded, "the verifier key")
        if len(raw) != 33 or raw[0] != ALGORITHM_ED25519:
            raise NoteError("only Ed25519 verifier keys (algorithm 1, 32 bytes) are supported")
        if key_id(name, raw[1:]) != wanted:
            raise NoteError(f"the key id {hex_id} does not match the key of {name!r}")
        return cls(name=name, key_id=wanted, public_key=raw[1:])

    def encode(self) -> str:
        raw = bytes([ALGORITHM_ED25519]) + self.public_key
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class NoteSigner:
    """An Ed25519 key that signs notes under ``name``."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._private = private_key
        public = _raw_public(private_key.public_key())
        self.verifier = NoteVerifier(name=name, key_id=key_id(name, public), public_key=public)

    @classmethod
    def parse(cls, signer_key: str) -> NoteSigner:
        """Read ``PRIVATE+KEY+name+hexid+base64(0x01||seed)``."""
        parts = signer_key.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is written PRIVATE+KEY+name+keyid+base64seed")
        raw = _b64decode(parts[4], "the signer key")
        if len(raw) != 33 or raw[0] != ALGORITHM_ED25519:
            raise NoteError("only Ed25519 signer keys (algorithm 1, 32-byte seed) are supported")
        signer = cls(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.key_id.hex() != parts[3].lower():
            raise NoteError(f"the key id {parts[3]} does not match the key of {parts[2]!r}")
        return signer

    def signature_line(self, text: str) -> str:
        blob = self.verifier.key_id + self._private.sign(text.encode())
        return f"{_DASH}{self.name} {base64.b64encode(blob).decode()}\n"

    def sign(self, text: str) -> str:
        """The signed note: ``text``, a blank line and this key's signature line."""
        _check_text(text)
        return f"{text}\n{self.signature_line(text)}"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text must end with a newline")
    if "\n\n" in text or text.startswith("\n"):
        raise NoteError("a note's text cannot hold a blank line")


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class OpenedNote:
    """A note whose text at least one trusted key signed (``verified_by`` names them)."""

    text: str
    verified_by: tuple[str, ...]
    signatures: tuple[Signature, ...]


def split_note(note: str | bytes) -> tuple[str, tuple[Signature, ...]]:
    """The note's text and its signature lines, parsed but not checked."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("a note must be UTF-8 text") from exc
    if "\r" in note:
        raise NoteError("a note cannot hold carriage returns")
    text, separator, signature_block = note.rpartition("\n\n")
    if not separator:
        raise NoteError("the note has no blank line before its signatures")
    text += "\n"
    _check_text(text)
    if not signature_block.endswith("\n"):
        raise NoteError("the signature lines must end with a newline")
    signatures: list[Signature] = []
    for number, line in enumerate(signature_block[:-1].split("\n"), start=1):
        if not line.startswith(_DASH):
            raise NoteError(f"signature line {number} does not start with '— '")
        name, space, encoded = line[len(_DASH) :].partition(" ")
        if not space or not name or " " in encoded:
            raise NoteError(f"signature line {number} is not '— name signature'")
        blob = _b64decode(encoded, f"signature line {number}")
        if len(blob) < 5:
            raise NoteError(f"signature line {number} is too short")
        signatures.append(Signature(name=name, key_id=blob[:4], signature=blob[4:]))
    if len(signatures) > _MAX_SIGNATURES:
        raise NoteError(f"more than {_MAX_SIGNATURES} signatures")
    return text, tuple(signatures)


def open_note(
    note: str | bytes, verifiers: list[NoteVerifier] | tuple[NoteVerifier, ...]
) -> OpenedNote:
    """Check ``note`` against trusted ``verifiers``: at least one must have signed it.

    A signature by a trusted name and key id that does not verify is an error (a forgery),
    whatever the other signatures say; signatures by unknown keys are ignored.
    """
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[str] = []
    message = text.encode()
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(message, signature.signature):
            raise NoteError(
                f"the signature of {signature.name!r} does not verify: forged or altered"
            )
        if verifier.name not in verified:
            verified.append(verifier.name)
    if not verified:
        names = ", ".join(sorted({v.name for v in verifiers})) or "none"
        raise NoteError(f"no trusted key signed this note (trusted: {names})")
    return OpenedNote(text=text, verified_by=tuple(verified), signatures=signatures)
