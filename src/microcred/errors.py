"""The one error tree of the microcred core.

Every exception the core raises on purpose is a subclass of :class:`Error`::

    Error
    ├── InvalidInput                 input that cannot be used; ``problems`` lists each one
    │   ├── InvalidJSON              not JSON, or not the JSON shape expected
    │   │   └── AmbiguousJSON        a key twice in one object (readers disagree on it)
    │   ├── InvalidCredential        fails the OB 3.0 / VC 2.0 model or schema
    │   └── LimitExceeded            too large, too deep, too many items
    ├── ContextError                 JSON-LD context problems (never fetched from the network)
    │   ├── UnknownContext           a context URL that is not pinned
    │   ├── ContextIntegrityError    a pinned file whose SHA-256 does not match
    │   └── UndefinedTerm            a property or type that no context defines
    ├── CanonicalizationError        RDFC-1.0 / JSON-LD → RDF could not complete
    │   └── PoisonGraph              a graph crafted to make RDFC-1.0 do exponential work
    ├── KeyFormatError               a key or key document in an unusable form
    ├── SigningError                 a credential could not be signed
    ├── ResolutionError              a resolver could not provide a DID/issuer/status document
    ├── StatusListError              a malformed Bitstring Status List (``code``: the REC's error)
    ├── BakingError                  a badge image could not be baked or read
    └── HolderProofError             an OpenID4VCI key proof refused (in microcred.holder_proof)

Verification reports problems in its result object; it raises only for misuse.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located by a JSON path such as ``$.credentialSubject.id``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Error(Exception):
    """Base of every error the microcred core raises on purpose."""


class InvalidInput(Error):
    """Input that cannot be used. ``problems`` names each problem with its JSON path."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems: list[Problem] = list(problems or [])
        detail = "; ".join(str(p) for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{message}: {detail}{more}" if detail else message)


class InvalidJSON(InvalidInput):
    """Not JSON, or not the JSON shape expected."""


class AmbiguousJSON(InvalidJSON):
    """Well-formed JSON that readers disagree on: a key twice in one object."""


class InvalidCredential(InvalidInput):
    """Fails the Open Badges 3.0 / VC 2.0 data model or JSON Schema."""


class LimitExceeded(InvalidInput):
    """Too large, too deeply nested, or too many items."""


class ContextError(Error):
    """A JSON-LD context problem. Contexts are never fetched from the network."""


class UnknownContext(ContextError):
    """A context URL that is not pinned in the registry."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"unknown JSON-LD context {url!r}: it is not pinned, and contexts are never fetched"
        )


class ContextIntegrityError(ContextError):
    """A pinned context file whose SHA-256 does not match its pin."""


class UndefinedTerm(ContextError):
    """A property or type that none of the document's contexts defines."""

    def __init__(self, term: str, path: str) -> None:
        self.term = term
        self.path = path
        super().__init__(f"{path}: term {term!r} is not defined by the document's @context")


class CanonicalizationError(Error):
    """JSON-LD → RDF conversion or RDFC-1.0 canonicalization could not complete."""


class PoisonGraph(CanonicalizationError):
    """A graph that would make RDFC-1.0 do exponential work; refused, not computed."""


class KeyFormatError(Error):
    """A key, key document or key encoding in an unusable form."""


class SigningError(Error):
    """A credential could not be signed."""


class ResolutionError(Error):
    """A resolver could not provide a DID, issuer, key or status document."""


class StatusListError(Error):
    """A malformed Bitstring Status List or status entry.

    ``code`` names the Bitstring Status List error where one applies
    (``STATUS_LIST_LENGTH_ERROR``, ``RANGE_ERROR``, ``STATUS_VERIFICATION_ERROR``), or
    ``MALFORMED_VALUE_ERROR`` for an entry that breaks the data model (e.g. a numeric
    ``statusListIndex``).
    """

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class BakingError(Error):
    """A badge image could not be baked, or no credential could be read from it."""
