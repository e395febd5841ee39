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

__all__ = ["check_signed_content", "signed_content_problems"]

#: the keywords a value object may hold (besides ``@value``): they are signed (RDF literal)
_VALUE_OBJECT_KEYS: Final = frozenset({"@value", "@language", "@direction"})
#: keys whose string values JSON-LD reads as IRIs or terms: a keyword there is dropped
_IRI_KEYS: Final = frozenset({"id", "type"})
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

    Refused: a ``@context`` entry that is neither a URL nor a term map (``{"Term": "https://…"}``;
    URLs outside the pinned set are refused by the contexts and terms checks), a context
    listed twice; any JSON-LD keyword key
    except ``@context`` and the keys of a value object (``@value``, ``@language``,
    ``@direction``); ``null``; an empty array or object; an array inside an array; two equal members
    of one array; a keyword as an ``id`` or ``type`` value; a second spelling of a pinned
    term (an IRI key, an IRI type value or a term map naming a pinned term's IRI: RDF
    merges it with the term).
    """
    pinned = pinned_iris(registry or default_registry())
    problems: list[Problem] = []
    defined: list[tuple[str, str]] = []  # (path, term) of the term maps' terms
    used: set[str] = set()  # every key and type value
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack and len(problems) < _MAX_PROBLEMS:
        value, where = stack.pop()
        if isinstance(value, Mapping):
            if not value:
                problems.append(Problem(where, "an empty object says nothing that is signed"))
                continue
            if "@value" in value:
                _value_object(value, where, problems)
                continue
            used.update(value)
            for key, item in value.items():
                path = where + json_step(key)
                if key == "@context":
                    _contexts(item, path, pinned, problems, defined)
                elif key.startswith("@"):
                    problems.append(Problem(path, _keyword_reason(key)))
                elif ":" in key:
                    problems.append(Problem(path, _IRI_KEY))
                elif item is None:
                    problems.append(Problem(path, "null is dropped by JSON-LD (not signed)"))
                else:
                    if key in _IRI_KEYS:
                        _iri_values(item, path, pinned if key == "type" else {}, problems)
                    if key == "type":
                        types = item if isinstance(item, list) else [item]
                        used.update(t for t in types if isinstance(t, str))
                    stack.append((item, path))
        elif isinstance(value, list):
            _array(value, where, problems)
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
    for path, term in defined:
        if term not in used:
            problems.append(Problem(path, f"defines {term!r}, which nothing uses (not signed)"))
    return problems[:_MAX_PROBLEMS]


def _keyword_reason(key: str) -> str:
    if _KEYWORD_LIKE.match(key):
        return (
            f"the JSON-LD keyword {key} is refused: the contexts' terms say everything a "
            "credential needs, and keywords can add JSON that the signature does not cover"
        )
    return f"the key {key!r} looks like a JSON-LD keyword, which JSON-LD drops (not signed)"


def _array(value: list[Any], where: str, problems: list[Problem]) -> None:
    if not value:
        problems.append(Problem(where, "an empty array is dropped by JSON-LD (not signed)"))
        return
    if len(value) < 2:
        if isinstance(value[0], list):
            problems.append(Problem(f"{where}[0]", "an array inside an array is refused"))
        elif value[0] is None:
            problems.append(Problem(f"{where}[0]", "null is dropped by JSON-LD (not signed)"))
        return
    seen: dict[Any, int] = {}
    for index, item in enumerate(value):
        if item is None:
            problems.append(Problem(f"{where}[{index}]", "null is dropped by JSON-LD (not signed)"))
            continue
        if isinstance(item, list):
            problems.append(Problem(f"{where}[{index}]", "an array inside an array is refused"))
            continue
        if isinstance(item, str):
            identity: Any = item
        elif isinstance(item, bool | int | float):
            identity = (type(item).__name__, item)
        elif isinstance(item, Mapping) and "id" not in item and where != "$.proof":
            continue  # a blank node: each copy is its own node in RDF, each signed
        else:
            identity = ("json", json.dumps(item, sort_keys=True, separators=(",", ":")))
        first = seen.setdefault(identity, index)
        if first != index:
            problems.append(
                Problem(
                    f"{where}[{index}]",
                    f"repeats {where}[{first}]: RDF keeps one of the two (shown twice, "
                    "signed once)",
                )
            )


def _value_object(value: Mapping[str, Any], where: str, problems: list[Problem]) -> None:
    for key, item in value.items():
        path = where + json_step(key)
        if key not in _VALUE_OBJECT_KEYS:
            problems.append(
                Problem(path, "a value object holds only @value, @language and @direction")
            )
        elif key == "@value":
            if item is None or isinstance(item, Mapping | list):
                problems.append(Problem(path, "@value must be a string, number or boolean"))
        elif not isinstance(item, str):
            problems.append(Problem(path, f"{key} must be a string"))


def _contexts(
    value: Any,
    where: str,
    pinned: Mapping[str, frozenset[str]],
    problems: list[Problem],
    defined: list[tuple[str, str]],
) -> None:
    entries = value if isinstance(value, list) else [value]
    if not entries:
        problems.append(Problem(where, "an empty @context is refused"))
    seen: set[str] = set()
    for index, url in enumerate(entries):
        path = f"{where}[{index}]" if isinstance(value, list) else where
        if isinstance(url, Mapping):
            if not _is_term_map(url):
                problems.append(Problem(path, _INLINE_REFUSED))
            elif any(term not in pinned.get(iri, (term,)) for term, iri in url.items()):
                problems.append(Problem(path, "a term map may not rename a pinned term"))
            else:
                defined.extend((path + json_step(term), term) for term in url)
        elif not isinstance(url, str):
            problems.append(Problem(path, "a context must be the URL of a pinned context"))
        elif url in seen:
            problems.append(Problem(path, f"{url} is listed twice"))
        else:
            seen.add(url)


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


def _iri_values(value: Any, where: str, pinned: frozenset[str], problems: list[Problem]) -> None:
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        path = f"{where}[{index}]" if isinstance(value, list) else where
        if isinstance(item, str) and _KEYWORD_LIKE.match(item):
            problems.append(Problem(path, f"the keyword {item} as a value is dropped by JSON-LD"))
        elif isinstance(item, str) and item in pinned:
            problems.append(Problem(path, f"{item} spells out a pinned term: use the term"))


_IRI_KEY: Final = (
    "a property named by an IRI is refused: use the contexts' terms (an IRI can repeat a "
    "term's statement, which RDF keeps once)"
)


@functools.lru_cache(maxsize=4)
def pinned_iris(registry: ContextRegistry) -> Mapping[str, frozenset[str]]:
    """Every absolute IRI a term of a pinned context stands for (scoped contexts included),
    with the terms that name it."""
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
