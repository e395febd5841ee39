"""Key material and its encodings: Multikey (multibase + multicodec), JWK, did:key identifiers.

Supported algorithms:

* ``Ed25519`` — sign and verify; public Multikey ``z6Mk…`` (multicodec ``0xed``), secret
  Multikey ``z3u2…`` (multicodec ``0x1300``), legacy 64-byte ``seed || public`` secrets accepted.
* ``P-256`` — sign and verify (ES256, raw ``r || s`` signatures); public Multikey ``zDna…``
  (multicodec ``0x1200``, 33-byte compressed point).
* ``P-384`` — verify only (public Multikey ``z82…``, multicodec ``0x1201``).
* ``RSA`` — RS256 (PKCS#1 v1.5 + SHA-256) for JWTs; JWK only, no Multikey encoding.

Every parsing failure raises :class:`microcred.errors.KeyFormatError`.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from microcred.errors import KeyFormatError, SigningError

__all__ = [
    "MULTIKEY_CONTEXT",
    "KeyPair",
    "PublicKey",
    "base58btc_decode",
    "base58btc_encode",
    "did_key_for",
    "multibase_decode",
    "parse_ed25519_secret",
]

MULTIKEY_CONTEXT: Final = "https://w3id.org/security/multikey/v1"

# Multicodec prefixes, already varint-encoded.
_ED25519_PUB: Final = b"\xed\x01"
_ED25519_PRIV: Final = b"\x80\x26"
_P256_PUB: Final = b"\x80\x24"
_P384_PUB: Final = b"\x81\x24"
_P256_PRIV: Final = b"\x86\x26"

_CURVES: Final[dict[str, ec.EllipticCurve]] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
_EC_SIZES: Final = {"P-256": 32, "P-384": 48}
_EC_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "P-256": hashes.SHA256,
    "P-384": hashes.SHA384,
}

# --------------------------------------------------------------------------- base58btc

_B58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {c: i for i, c in enumerate(_B58_ALPHABET)}
_MAX_MULTIBASE_CHARS: Final = 16_384


# Encoding peels off 10 base58 digits per big-integer division (58**10 < 2**63) and writes
# each group with five lookups in a table of every two-digit string.
_B58_GROUP: Final = 58**10
_B58_PAIRS: Final = tuple(a + b for a in _B58_ALPHABET for b in _B58_ALPHABET)


def base58btc_encode(data: bytes) -> str:
    """Encode bytes with the Bitcoin base58 alphabet (leading zero bytes become ``1``)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    if not number:
        return "1" * zeros
    pairs = _B58_PAIRS
    groups: list[str] = []
    while number:
        number, group = divmod(number, _B58_GROUP)
        group, p5 = divmod(group, 3364)
        group, p4 = divmod(group, 3364)
        group, p3 = divmod(group, 3364)
        p1, p2 = divmod(group, 3364)
        groups.append(pairs[p1] + pairs[p2] + pairs[p3] + pairs[p4] + pairs[p5])
    groups.reverse()
    return "1" * zeros + "".join(groups).lstrip("1")


def base58btc_decode(text: str) -> bytes:
    """Decode Bitcoin-alphabet base58; raises KeyFormatError on a foreign character."""
    if len(text) > _MAX_MULTIBASE_CHARS:
        raise KeyFormatError("base58btc value is too long")
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise KeyFormatError(f"invalid base58btc character {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode(value: str) -> bytes:
    """Decode a multibase string: ``z`` (base58btc) or ``u`` (base64url, no padding)."""
    if not isinstance(value, str) or len(value) < 2:
        raise KeyFormatError("multibase value must be a non-empty string")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        if len(body) > _MAX_MULTIBASE_CHARS or "=" in body:
            raise KeyFormatError("invalid base64url multibase value")
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError as exc:
            raise KeyFormatError("invalid base64url multibase value") from exc
    raise KeyFormatError(f"unsupported multibase prefix {prefix!r} (expected 'z' or 'u')")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(value: object, name: str) -> bytes:
    if not isinstance(value, str) or not value or len(value) > _MAX_MULTIBASE_CHARS:
        raise KeyFormatError(f"JWK member {name!r} must be a base64url string")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise KeyFormatError(f"JWK member {name!r} is not valid base64url") from exc


def _int_from_b64(value: object, name: str) -> int:
    return int.from_bytes(_b64url_decode(value, name), "big")


def _b64_from_int(number: int, length: int | None = None) -> str:
    size = length if length is not None else max(1, (number.bit_length() + 7) // 8)
    return _b64url(number.to_bytes(size, "big"))


# --------------------------------------------------------------------------- PublicKey

_PublicObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A public key.

    ``raw`` is the 32-byte key for Ed25519, the compressed SEC1 point for P-256 / P-384, and
    the DER SubjectPublicKeyInfo for RSA.
    """

    algorithm: str
    raw: bytes
    _key: _PublicObject = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", _load_public(self.algorithm, self.raw))

    # ---- constructors
    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """Parse a public Multikey (``z6Mk…`` Ed25519, ``zDna…`` P-256, ``z82…`` P-384)."""
        data = multibase_decode(value)
        if data.startswith(_ED25519_PUB):
            return cls("Ed25519", data[2:])
        if data.startswith(_P256_PUB):
            return cls("P-256", data[2:])
        if data.startswith(_P384_PUB):
            return cls("P-384", data[2:])
        prefix = data[:2].hex()
        raise KeyFormatError(f"not a supported public Multikey (multicodec prefix {prefix})")

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Import a public JWK (OKP Ed25519, EC P-256 / P-384, RSA). Private members are ignored."""
        if not isinstance(jwk, Mapping):
            raise KeyFormatError("a JWK must be a JSON object")
        kty = jwk.get("kty")
        if kty == "OKP":
            if jwk.get("crv") != "Ed25519":
                raise KeyFormatError(f"unsupported OKP curve {jwk.get('crv')!r}")
            return cls("Ed25519", _b64url_decode(jwk.get("x"), "x"))
        if kty == "EC":
            crv = jwk.get("crv")
            if not isinstance(crv, str) or crv not in _CURVES:
                raise KeyFormatError(f"unsupported EC curve {crv!r}")
            size = _EC_SIZES[crv]
            x = _b64url_decode(jwk.get("x"), "x")
            y = _b64url_decode(jwk.get("y"), "y")
            if len(x) != size or len(y) != size:
                raise KeyFormatError(f"EC {crv} coordinates must be {size} bytes")
            try:
                point = ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[crv], b"\x04" + x + y)
            except ValueError as exc:
                raise KeyFormatError(f"not a point on {crv}") from exc
            return cls(crv, _compressed(point))
        if kty == "RSA":
            n = _int_from_b64(jwk.get("n"), "n")
            e = _int_from_b64(jwk.get("e"), "e")
            try:
                rsa_key = rsa.RSAPublicNumbers(e, n).public_key()
            except ValueError as exc:
                raise KeyFormatError(f"invalid RSA public key: {exc}") from exc
            return cls.from_cryptography(rsa_key)
        raise KeyFormatError(f"unsupported JWK key type {kty!r}")

    @classmethod
    def from_cryptography(cls, key: _PublicObject) -> PublicKey:
        """Wrap a ``cryptography`` public key object."""
        if isinstance(key, ed25519.Ed25519PublicKey):
            return cls("Ed25519", key.public_bytes_raw())
        if isinstance(key, ec.EllipticCurvePublicKey):
            for name, curve in _CURVES.items():
                if curve.name == key.curve.name:
                    return cls(name, _compressed(key))
            raise KeyFormatError(f"unsupported EC curve {key.curve.name}")
        if isinstance(key, rsa.RSAPublicKey):
            der = key.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            return cls("RSA", der)
        raise KeyFormatError(f"unsupported key type {type(key).__name__}")

    # ---- use
    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is valid for ``data``; never raises for a bad signature.

        ECDSA signatures are the raw ``r || s`` form used by JWS and Data Integrity.
        """
        key = self._key
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(signature, data)
            elif isinstance(key, ec.EllipticCurvePublicKey):
                size = _EC_SIZES[self.algorithm]
                if len(signature) != 2 * size:
                    return False
                r = int.from_bytes(signature[:size], "big")
                s = int.from_bytes(signature[size:], "big")
                der = encode_dss_signature(r, s)
                key.verify(der, data, ec.ECDSA(_EC_HASHES[self.algorithm]()))
            else:
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_multibase(self) -> str:
        """The public Multikey value (``publicKeyMultibase``)."""
        prefix = {"Ed25519": _ED25519_PUB, "P-256": _P256_PUB, "P-384": _P384_PUB}.get(
            self.algorithm
        )
        if prefix is None:
            raise KeyFormatError(f"{self.algorithm} keys have no Multikey encoding here")
        return "z" + base58btc_encode(prefix + self.raw)

    def to_jwk(self) -> dict[str, str]:
        """The public JWK."""
        key = self._key
        if isinstance(key, ed25519.Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(self.raw)}
        if isinstance(key, ec.EllipticCurvePublicKey):
            numbers = key.public_numbers()
            size = _EC_SIZES[self.algorithm]
            return {
                "kty": "EC",
                "crv": self.algorithm,
                "x": _b64_from_int(numbers.x, size),
                "y": _b64_from_int(numbers.y, size),
            }
        rsa_numbers = key.public_numbers()
        return {"kty": "RSA", "n": _b64_from_int(rsa_numbers.n), "e": _b64_from_int(rsa_numbers.e)}

    def to_cryptography(self) -> _PublicObject:
        """The ``cryptography`` public key object."""
        return self._key


def _compressed(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


def _load_public(algorithm: str, raw: bytes) -> _PublicObject:
    if not isinstance(raw, bytes):
        raise KeyFormatError("raw public key must be bytes")
    if algorithm == "Ed25519":
        if len(raw) != 32:
            raise KeyFormatError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if algorithm in _CURVES:
        size = _EC_SIZES[algorithm] + 1
        if len(raw) != size or raw[0] not in (2, 3):
            raise KeyFormatError(f"a {algorithm} Multikey is a {size}-byte compressed point")
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[algorithm], raw)
        except ValueError as exc:
            raise KeyFormatError(f"not a point on {algorithm}") from exc
    if algorithm == "RSA":
        try:
            loaded = serialization.load_der_public_key(raw)
        except ValueError as exc:
            raise KeyFormatError("invalid RSA SubjectPublicKeyInfo") from exc
        if not isinstance(loaded, rsa.RSAPublicKey):
            raise KeyFormatError("DER key is not an RSA key")
        if loaded.key_size < 2048:
            raise KeyFormatError(f"RSA keys shorter than 2048 bits are refused ({loaded.key_size})")
        return loaded
    raise KeyFormatError(f"unsupported key algorithm {algorithm!r}")


def did_key_for(public: PublicKey) -> str:
    """The ``did:key`` DID of a public key (Ed25519, P-256 or P-384)."""
    return "did:key:" + public.to_multibase()


# --------------------------------------------------------------------------- secrets


def parse_ed25519_secret(value: str | bytes) -> bytes:
    """Return the 32-byte Ed25519 seed from any accepted secret form.

    Accepted: raw 32-byte seed; raw 64-byte ``seed || public``; a multibase string holding
    ``0x8026`` + 32-byte seed (Multikey), ``0x8026`` + 64 bytes, or the bare 64 / 32 bytes; a
    hex string of 32 or 64 bytes. A 64-byte form whose public half does not match is refused.
    """
    if isinstance(value, str):
        text = value.strip()
        if len(text) in (64, 128) and all(c in "0123456789abcdefABCDEF" for c in text):
            data = bytes.fromhex(text)
        else:
            data = multibase_decode(text)
            if data.startswith(_ED25519_PRIV) and len(data) in (34, 66):
                data = data[2:]
    elif isinstance(value, bytes):
        data = value
    else:
        raise KeyFormatError("an Ed25519 secret must be bytes or a string")
    if len(data) == 32:
        return data
    if len(data) == 64:
        seed, public = data[:32], data[32:]
        derived = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()
        if derived.public_bytes_raw() != public:
            raise KeyFormatError("64-byte Ed25519 secret: its public half does not match the seed")
        return seed
    raise KeyFormatError(f"an Ed25519 secret is a 32-byte seed (or 64 bytes), not {len(data)}")


_PrivateObject = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A signing key with its verification-method id and controller.

    ``secret`` is the 32-byte seed (Ed25519), the 32-byte private scalar (P-256) or the PKCS#8
    DER (RSA). It is left out of ``repr``.
    """

    id: str
    controller: str
    public: PublicKey
    secret: bytes = field(repr=False)
    _private: _PrivateObject = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        private = _load_private(self.public.algorithm, self.secret)
        derived = PublicKey.from_cryptography(private.public_key())
        if derived.raw != self.public.raw:
            raise KeyFormatError("the secret key does not belong to the public key")
        object.__setattr__(self, "_private", private)

    @property
    def algorithm(self) -> str:
        return self.public.algorithm

    @property
    def jws_algorithm(self) -> str:
        """The JWS ``alg`` this key signs with: EdDSA, ES256 or RS256."""
        return {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}[self.public.algorithm]

    # ---- constructors
    @classmethod
    def from_ed25519_seed(
        cls, secret: str | bytes, *, controller: str | None = None, id: str | None = None
    ) -> KeyPair:
        """Build an Ed25519 key pair from any secret form :func:`parse_ed25519_secret` accepts."""
        seed = parse_ed25519_secret(secret)
        private = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        public = PublicKey("Ed25519", private.public_key().public_bytes_raw())
        return cls._with_ids(public, seed, controller, id)

    @classmethod
    def generate_ed25519(cls, *, controller: str | None = None, id: str | None = None) -> KeyPair:
        """A new Ed25519 key; without ``controller`` it is its own did:key."""
        return cls.from_ed25519_seed(secrets.token_bytes(32), controller=controller, id=id)

    @classmethod
    def generate_es256(cls, *, controller: str | None = None, id: str | None = None) -> KeyPair:
        """A new P-256 key for ES256 JWTs; without ``controller`` it is its own did:key."""
        private = ec.generate_private_key(ec.SECP256R1())
        scalar = private.private_numbers().private_value.to_bytes(32, "big")
        public = PublicKey.from_cryptography(private.public_key())
        return cls._with_ids(public, scalar, controller, id)

    @classmethod
    def generate_rs256(cls, *, controller: str, id: str | None = None, bits: int = 2048) -> KeyPair:
        """A new RSA key for RS256 JWTs (RSA has no did:key form, so ``controller`` is needed)."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        der = private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public = PublicKey.from_cryptography(private.public_key())
        return cls(id=id or f"{controller}#key-1", controller=controller, public=public, secret=der)

    @classmethod
    def _with_ids(
        cls, public: PublicKey, secret: bytes, controller: str | None, id: str | None
    ) -> KeyPair:
        multibase = public.to_multibase()
        owner = controller if controller is not None else "did:key:" + multibase
        return cls(id=id or f"{owner}#{multibase}", controller=owner, public=public, secret=secret)

    # ---- use
    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: Ed25519, ECDSA P-256/SHA-256 (raw ``r || s``) or RSA PKCS#1 v1.5."""
        private = self._private
        try:
            if isinstance(private, ed25519.Ed25519PrivateKey):
                return private.sign(data)
            if isinstance(private, ec.EllipticCurvePrivateKey):
                r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
                return r.to_bytes(32, "big") + s.to_bytes(32, "big")
            return private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        except ValueError as exc:  # pragma: no cover - cryptography only fails on misuse
            raise SigningError(f"signing failed: {exc}") from exc

    def secret_multibase(self) -> str:
        """The secret Multikey value (``secretKeyMultibase``)."""
        if self.algorithm == "Ed25519":
            return "z" + base58btc_encode(_ED25519_PRIV + self.secret)
        if self.algorithm == "P-256":
            return "z" + base58btc_encode(_P256_PRIV + self.secret)
        raise KeyFormatError(f"{self.algorithm} keys have no secret Multikey encoding")

    def to_multikey_json(self) -> dict[str, str]:
        """The Multikey document including the secret (keep it private)."""
        return {
            "@context": MULTIKEY_CONTEXT,
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public.to_multibase(),
            "secretKeyMultibase": self.secret_multibase(),
        }

    @classmethod
    def from_multikey_json(cls, obj: Mapping[str, Any]) -> KeyPair:
        """Read a Multikey document with ``secretKeyMultibase`` (Ed25519 or P-256)."""
        if not isinstance(obj, Mapping):
            raise KeyFormatError("a Multikey document must be a JSON object")
        if obj.get("type") != "Multikey":
            raise KeyFormatError(f"expected type 'Multikey', got {obj.get('type')!r}")
        for name in ("id", "controller", "publicKeyMultibase", "secretKeyMultibase"):
            if not isinstance(obj.get(name), str):
                raise KeyFormatError(f"Multikey document lacks a string {name!r}")
        public = PublicKey.from_multibase(obj["publicKeyMultibase"])
        secret_text: str = obj["secretKeyMultibase"]
        if public.algorithm == "Ed25519":
            secret = parse_ed25519_secret(secret_text)
        elif public.algorithm == "P-256":
            data = multibase_decode(secret_text)
            if not data.startswith(_P256_PRIV) or len(data) != 34:
                raise KeyFormatError("a P-256 secret Multikey is 0x8626 + 32 bytes")
            secret = data[2:]
        else:
            raise KeyFormatError(f"{public.algorithm} secret keys are not supported")
        return cls(id=obj["id"], controller=obj["controller"], public=public, secret=secret)

    def to_jwk(self, *, private: bool = True) -> dict[str, str]:
        """The JWK, with private members unless ``private=False``; ``kid`` is the key id."""
        jwk = self.public.to_jwk()
        if private:
            key = self._private
            if isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
                jwk["d"] = _b64url(self.secret)
            else:
                numbers = key.private_numbers()
                jwk.update(
                    d=_b64_from_int(numbers.d),
                    p=_b64_from_int(numbers.p),
                    q=_b64_from_int(numbers.q),
                    dp=_b64_from_int(numbers.dmp1),
                    dq=_b64_from_int(numbers.dmq1),
                    qi=_b64_from_int(numbers.iqmp),
                )
        jwk["kid"] = self.id
        return jwk

    @classmethod
    def from_jwk(
        cls, jwk: Mapping[str, Any], *, controller: str | None = None, id: str | None = None
    ) -> KeyPair:
        """Import a private JWK (OKP Ed25519, EC P-256 or RSA)."""
        public = PublicKey.from_jwk(jwk)
        if "d" not in jwk:
            raise KeyFormatError("the JWK has no private member 'd'")
        kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else None
        key_id = id or kid
        if public.algorithm == "Ed25519":
            return cls._with_ids(public, _b64url_decode(jwk["d"], "d"), controller, key_id)
        if public.algorithm == "P-256":
            d = _b64url_decode(jwk["d"], "d")
            if len(d) != 32:
                raise KeyFormatError("a P-256 private scalar is 32 bytes")
            return cls._with_ids(public, d, controller, key_id)
        if public.algorithm == "RSA":
            return cls._rsa_from_jwk(jwk, public, controller, key_id)
        raise KeyFormatError(f"{public.algorithm} private keys are not supported")

    @classmethod
    def _rsa_from_jwk(
        cls, jwk: Mapping[str, Any], public: PublicKey, controller: str | None, key_id: str | None
    ) -> KeyPair:
        if controller is None and key_id is None:
            raise KeyFormatError("an RSA key needs a controller or a kid")
        n = _int_from_b64(jwk.get("n"), "n")
        e = _int_from_b64(jwk.get("e"), "e")
        d = _int_from_b64(jwk.get("d"), "d")
        try:
            if all(name in jwk for name in ("p", "q", "dp", "dq", "qi")):
                numbers = rsa.RSAPrivateNumbers(
                    p=_int_from_b64(jwk["p"], "p"),
                    q=_int_from_b64(jwk["q"], "q"),
                    d=d,
                    dmp1=_int_from_b64(jwk["dp"], "dp"),
                    dmq1=_int_from_b64(jwk["dq"], "dq"),
                    iqmp=_int_from_b64(jwk["qi"], "qi"),
                    public_numbers=rsa.RSAPublicNumbers(e, n),
                )
            else:
                p, q = rsa.rsa_recover_prime_factors(n, e, d)
                numbers = rsa.RSAPrivateNumbers(
                    p=p,
                    q=q,
                    d=d,
                    dmp1=rsa.rsa_crt_dmp1(d, p),
                    dmq1=rsa.rsa_crt_dmq1(d, q),
                    iqmp=rsa.rsa_crt_iqmp(p, q),
                    public_numbers=rsa.RSAPublicNumbers(e, n),
                )
            private = numbers.private_key()
        except ValueError as exc:
            raise KeyFormatError(f"invalid RSA private key: {exc}") from exc
        der = private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        owner = controller if controller is not None else str(key_id).split("#", 1)[0]
        return cls(id=key_id or f"{owner}#key-1", controller=owner, public=public, secret=der)


def _load_private(algorithm: str, secret: bytes) -> _PrivateObject:
    if not isinstance(secret, bytes):
        raise KeyFormatError("secret key must be bytes")
    if algorithm == "Ed25519":
        if len(secret) != 32:
            raise KeyFormatError("an Ed25519 secret seed is 32 bytes")
        return ed25519.Ed25519PrivateKey.from_private_bytes(secret)
    if algorithm == "P-256":
        if len(secret) != 32:
            raise KeyFormatError("a P-256 private scalar is 32 bytes")
        try:
            return ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256R1())
        except ValueError as exc:
            raise KeyFormatError("invalid P-256 private scalar") from exc
    if algorithm == "RSA":
        try:
            loaded = serialization.load_der_private_key(secret, password=None)
        except (ValueError, TypeError) as exc:
            raise KeyFormatError("invalid RSA PKCS#8 private key") from exc
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise KeyFormatError("DER key is not an RSA key")
        return loaded
    raise KeyFormatError(f"signing with {algorithm} keys is not supported")
