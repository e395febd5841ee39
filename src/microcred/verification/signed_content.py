"""What is shown is what is signed: refuse JSON that JSON-LD drops before signing.

An eddsa-rdfc-2022 signature covers the RDF a document expands to, not its JSON. JSON that
expands to nothing (a ``null``, an empty array, ``@reverse``/``@included``/``@nest``, an inline
``{"@vocab": null}``), or that only repeats an RDF statement (``["A", "A"]``, since RDF is a
set) can be added after signing without breaking the signature, and a person or a program
would read it. :func:`signed_content_problems` finds every such place in one walk, naming its
JSON path. Decision record: docs/decisions/0018-shown-is-signed.md.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from microcred.contexts import ContextRegistry, default_registry
from microcred.errors import Error, InvalidCredential, Problem
from microcred.strict_json import json_step

__all__ = ["check_signed_content", "pinned_iris", "signed_content_problems"]

#: the keywords a value object may hold (besides ``@value``): they are signed (RDF literal)
_VALUE_OBJECT_KEYS: Final = frozenset({"@value", "@language", "@direction"})
_KEYWORD_LIKE: Final = re.compile(r"@[A-Za-z]")
_MAX_PROBLEMS: Final = 10


def check_signed_content(
    document: Mapping[str, Any], registry: ContextRegistry | None = None
) -> None:
    """Raise :class:`InvalidCredential` naming every place that would not be signed."""
    problems = signed_content_problems(document, registry)
    if problems:
        raise InvalidCredential("content that the signature would not cover", problems)


def signed_content_problems(
    document: Mapping[str, Any], registry: ContextRegistry | None = None
) -> list[Problem]:
    """Every place in ``document`` (at most 10) that JSON-LD drops or merges, with its path.

    Refused: a ``@context`` entry that is neither a URL nor a term map
    (``{"Term": "https://…"}``, used, and not renaming or redefining a pinned term; URLs
    outside the pinned set are refused by the contexts and terms checks), a context listed
    twice; any JSON-LD keyword key except ``@context`` and the keys of a value object
    (``@value``, ``@language``, ``@direction``); a key that is an IRI; ``null``; an empty
    array or object; an array inside an array; two equal members of one array (objects
    without an ``id`` are distinct blank nodes, so they may repeat, except in ``proof``);
    a keyword as an ``id`` or ``type`` value; a type spelling out a pinned term's IRI.
    """
    walk = _Walk(pinned_iris(registry or default_registry()))
    stack: list[tuple[Any, _Path]] = [(document, ())]
    while stack and len(walk.problems) < _MAX_PROBLEMS:
        value, where = stack.pop()
        if type(value) is dict or isinstance(value, Mapping):
            walk.object(value, where, stack)
        else:
            walk.array(value, where, stack)
    for where, term in walk.defined:
        if term not in walk.used:
            walk.refuse(where, f"defines {term!r}, which nothing uses (not signed)")
    return walk.problems[:_MAX_PROBLEMS]


_Path = tuple[str | int, ...]
_NULL: Final = "null is dropped by JSON-LD (not signed)"
_NESTED: Final = "an array inside an array is refused"


def json_path(where: _Path) -> str:
    """``("a", 0, "@b")`` → ``$.a[0]['@b']``."""
    return "$" + "".join(json_step(step) for step in where)


class _Walk:
    """One pass over the document; each container is looked at once, scalars never pushed."""

    __slots__ = ("defined", "pinned", "problems", "used")

    def __init__(self, pinned: Mapping[str, frozenset[str]]) -> None:
        self.pinned = pinned
        self.problems: list[Problem] = []
        self.defined: list[tuple[_Path, str]] = []  # the term maps' terms
        self.used: set[str] = set()  # every key and type value

    def refuse(self, where: _Path, reason: str) -> None:
        self.problems.append(Problem(json_path(where), reason))

    def object(
        self, value: Mapping[str, Any], where: _Path, stack: list[tuple[Any, _Path]]
    ) -> None:
        if not value:
            self.refuse(where, "an empty object says nothing that is signed")
            return
        if "@value" in value:
            self.value_object(value, where)
            return
        self.used.update(value)
        for key, item in value.items():
            if key[:1] == "@":
                if key == "@context" and (not where or _embeds_contexts(value, where)):
                    self.contexts(item, (*where, key))
                elif key == "@context":
                    self.refuse((*where, key), _NESTED_CONTEXT)
                else:
                    self.refuse((*where, key), _keyword_reason(key))
            elif ":" in key:
                self.refuse((*where, key), _IRI_KEY)
            elif item is None:
                self.refuse((*where, key), _NULL)
            else:
                if key == "type" or key == "id":
                    self.iri_values(key, item, (*where, key))
                kind = type(item)
                if kind is dict or kind is list or (kind is not str and _is_container(item)):
                    stack.append((item, (*where, key)))

    def array(self, value: list[Any], where: _Path, stack: list[tuple[Any, _Path]]) -> None:
        if not value:
            self.refuse(where, "an empty array is dropped by JSON-LD (not signed)")
            return
        seen: dict[Any, int] = {}
        blank_nodes_repeat = where != ("proof",)
        for index, item in enumerate(value):
            if type(item) is str:
                identity: Any = item
            elif item is None:
                self.refuse((*where, index), _NULL)
                continue
            elif isinstance(item, list):
                self.refuse((*where, index), _NESTED)
                continue
            elif isinstance(item, Mapping):
                stack.append((item, (*where, index)))
                if blank_nodes_repeat and "id" not in item:
                    continue  # a blank node: each copy is its own node in RDF, each signed
                identity = ("json", json.dumps(item, sort_keys=True, separators=(",", ":")))
            else:
                identity = (type(item).__name__, item)
            first = seen.setdefault(identity, index)
            if first != index:
                self.refuse(
                    (*where, index),
                    f"repeats {json_path((*where, first))}: RDF keeps one of the two "
                    "(shown twice, signed once)",
                )

    def value_object(self, value: Mapping[str, Any], where: _Path) -> None:
        for key, item in value.items():
            if key not in _VALUE_OBJECT_KEYS:
                self.refuse(
                    (*where, key), "a value object holds only @value, @language and @direction"
                )
            elif key == "@value":
                if item is None or isinstance(item, Mapping | list):
                    self.refuse((*where, key), "@value must be a string, number or boolean")
            elif not isinstance(item, str):
                self.refuse((*where, key), f"{key} must be a string")

    def contexts(self, value: Any, where: _Path) -> None:
        entries = value if isinstance(value, list) else [value]
        if not entries:
            self.refuse(where, "an empty @context is refused")
        seen: set[str] = set()
        for index, url in enumerate(entries):
            path = (*where, index) if isinstance(value, list) else where
            if isinstance(url, Mapping):
                if not _is_term_map(url):
                    self.refuse(path, _INLINE_REFUSED)
                elif not all(_restates_or_adds(t, iri, self.pinned) for t, iri in url.items()):
                    self.refuse(path, "a term map may not rename or redefine a pinned term")
                else:
                    self.defined.extend(((*path, term), term) for term in url)
            elif not isinstance(url, str):
                self.refuse(path, "a context must be the URL of a pinned context")
            elif url in seen:
                self.refuse(path, f"{url} is listed twice")
            else:
                seen.add(url)

    def iri_values(self, key: str, value: Any, where: _Path) -> None:
        items = value if type(value) is list else [value]
        for index, item in enumerate(items):
            if type(item) is not str:
                continue
            if key == "type":
                self.used.add(item)
            if item[:1] != "@" and (key == "id" or item not in self.pinned):
                continue
            path = (*where, index) if type(value) is list else where
            if _KEYWORD_LIKE.match(item):
                self.refuse(path, f"the keyword {item} as a value is dropped by JSON-LD")
            elif key == "type" and item in self.pinned:
                self.refuse(path, f"{item} spells out a pinned term: use the term")


_NESTED_CONTEXT: Final = (
    "a nested @context is refused except in an embedded credential (with its own proof), "
    "a proof, or a presentation's verifiableCredential"
)


def _embeds_contexts(value: Mapping[str, Any], where: _Path) -> bool:
    """An object that carries its own contexts: an embedded credential with its own proof,
    a proof (eddsa-jcs-2022 copies the contexts into it), a presentation's credential (the
    VC 2.0 context resets the contexts there)."""
    holder = next((step for step in reversed(where) if isinstance(step, str)), "")
    return "proof" in value or holder in ("proof", "verifiableCredential")


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping | list)


def _keyword_reason(key: str) -> str:
    if _KEYWORD_LIKE.match(key):
        return (
            f"the JSON-LD keyword {key} is refused: the contexts' terms say everything a "
            "credential needs, and keywords can add JSON that the signature does not cover"
        )
    return f"the key {key!r} looks like a JSON-LD keyword, which JSON-LD drops (not signed)"


_INLINE_REFUSED: Final = (
    "an inline context is refused unless it only maps terms to absolute IRIs "
    '({"Term": "https://…"}): anything else can make JSON-LD drop data'
)
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|\\^`]+\Z")


def _is_term_map(context: Mapping[str, Any]) -> bool:
    """True for ``{"Term": "https://…", …}``: each term only names an IRI, so it can add
    RDF (signed like any other) but never hide JSON from the signature."""
    return bool(context) and all(
        isinstance(term, str)
        and term != ""
        and not term.startswith("@")
        and ":" not in term
        and isinstance(iri, str)
        and _ABSOLUTE_IRI.match(iri) is not None
        for term, iri in context.items()
    )


def _restates_or_adds(term: str, iri: str, pinned: Mapping[str, frozenset[str]]) -> bool:
    """A new term for a new IRI, or a pinned term restated exactly."""
    if iri in pinned:
        return term in pinned[iri]
    return all(term not in terms for terms in pinned.values())


_IRI_KEY: Final = (
    "a property named by an IRI is refused: use the contexts' terms (an IRI can repeat a "
    "term's statement, which RDF keeps once)"
)


def pinned_iris(registry: ContextRegistry) -> Mapping[str, frozenset[str]]:
    """Every absolute IRI a term of a pinned context stands for (scoped contexts included),
    with the terms that name it (computed once per registry and size)."""
    return _pinned_iris(registry, len(registry))


@functools.lru_cache(maxsize=4)
def _pinned_iris(registry: ContextRegistry, size: int) -> Mapping[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for url in registry:
        try:
            stack: list[Any] = [registry.load(url)]
        except Error:
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, Mapping):
                for key, value in item.items():
                    iri = value.get("@id") if isinstance(value, Mapping) else value
                    if isinstance(iri, str) and "://" in iri and not key.startswith("@"):
                        found.setdefault(iri, set()).add(key)
                    if isinstance(value, Mapping | list):
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    return {iri: frozenset(terms) for iri, terms in found.items()}
