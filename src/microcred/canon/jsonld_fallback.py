"""The full JSON-LD 1.1 algorithm (pyld, offline loader) behind the same strict rules.

pyld has no safe mode: it silently drops undefined properties and resolves undefined
types against a base IRI. So the document is first expanded with a sentinel ``@vocab``
prepended to each of its ``@context`` entries; any IRI under the sentinel is a term that no
context defines (:class:`UndefinedTerm`), and any ``@id`` left relative (no base IRI is
given) is refused. Only a document that passes is converted to RDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from microcred.canon.jsonld_values import DIRECTION_MERGE, direction_merge
from microcred.canon.nquads import Quad, escape_literal
from microcred.contexts.registry import ContextRegistry, pyld_document_loader
from microcred.errors import (
    CanonicalizationError,
    Error,
    InvalidInput,
    LimitExceeded,
    Problem,
    UndefinedTerm,
)

__all__ = ["check_limits", "json_path", "pyld_to_rdf"]

_SENTINEL = "urn:microcred:undefined-term:"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_I18N = "https://www.w3.org/ns/i18n#"


# --- JSON paths ------------------------------------------------------------------------------


def _step(key: str | int) -> str:
    if isinstance(key, int):
        return f"[{key}]"
    return f".{key}" if _IDENT.match(key) else f"[{key!r}]"


def _walk(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        yield item, where
        if isinstance(item, Mapping):
            stack.extend((v, where + _step(k)) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(item))))


def json_path(document: Any, holder: Any, key: str | None) -> str:
    """The JSON path of ``holder`` (found by identity) in ``document``, plus ``key``."""
    for item, where in _walk(document, "$"):
        if item is holder:
            return where + (_step(key) if key is not None else "")
    return "$" + (_step(key) if key is not None else "")


def _path_of_term(document: Any, term: str) -> str:
    """Where an undefined term first occurs: as a key, or as a type value."""
    for item, where in _walk(document, "$"):
        if isinstance(item, Mapping):
            if term in item:
                return where + _step(term)
            for key in ("type", "@type"):
                types = item.get(key)
                if types == term or (isinstance(types, list) and term in types):
                    return where + _step(key)
    return "$"


def check_limits(document: Any, *, max_depth: int, max_values: int) -> None:
    """LimitExceeded if the JSON nests deeper than ``max_depth`` or has too many values."""
    count = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            raise LimitExceeded(
                "document too large", [Problem("$", f"more than {max_values} JSON values")]
            )
        if isinstance(item, Mapping | list):
            if depth > max_depth:
                path = json_path(document, item, None)
                raise LimitExceeded(
                    "document too large", [Problem(path, f"nested deeper than {max_depth} levels")]
                )
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, depth + 1) for child in children)


# --- strict expansion ------------------------------------------------------------------------


def _with_sentinel(value: Any) -> Any:
    if isinstance(value, list):
        return [_with_sentinel(v) for v in value]
    if not isinstance(value, Mapping):
        return value
    copy = {k: _with_sentinel(v) if k != "@context" else v for k, v in value.items()}
    if "@context" in value:
        ctx = value["@context"]
        copy["@context"] = [{"@vocab": _SENTINEL}, *(ctx if isinstance(ctx, list) else [ctx])]
    return copy


def _check_expanded(document: Mapping[str, Any], expanded: Any) -> None:
    for item, _ in _walk(expanded, "$"):
        if not isinstance(item, Mapping):
            continue
        for key, value in item.items():
            if key.startswith(_SENTINEL):
                term = key[len(_SENTINEL) :]
                raise UndefinedTerm(term, _path_of_term(document, term))
            if key == "@type":
                for type_iri in value if isinstance(value, list) else [value]:
                    if isinstance(type_iri, str) and type_iri.startswith(_SENTINEL):
                        term = type_iri[len(_SENTINEL) :]
                        raise UndefinedTerm(term, _path_of_term(document, term))
            if key == "@id" and isinstance(value, str):
                if value.startswith(_SENTINEL):
                    term = value[len(_SENTINEL) :]
                    raise UndefinedTerm(term, _path_of_term(document, term))
                if not value.startswith("_:") and (
                    _ABSOLUTE.match(value) is None or _IRI_BAD.search(value) is not None
                ):
                    raise InvalidInput(
                        "not valid JSON-LD",
                        [
                            Problem(
                                _path_of_value(document, value), f"{value!r} is not an absolute IRI"
                            )
                        ],
                    )


def _path_of_value(document: Any, value: str) -> str:
    for item, where in _walk(document, "$"):
        if item == value:
            return where
    return "$"


def _unwrap(exc: BaseException) -> Error | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Error):
            return current
        seen.add(id(current))
        nxt = getattr(current, "cause", None)
        current = (
            nxt if isinstance(nxt, BaseException) else (current.__cause__ or current.__context__)
        )
    return None


# --- conversion ------------------------------------------------------------------------------


def _term(node: Mapping[str, Any]) -> str:
    kind, value = node["type"], node["value"]
    if kind == "IRI":
        return f"<{value}>"
    if kind == "blank node":
        return str(value)
    text = f'"{escape_literal(value)}"'
    datatype = node.get("datatype")
    if datatype == _RDF_LANGSTRING and node.get("language"):
        return f"{text}@{node['language']}"
    if datatype is None or datatype == _XSD_STRING:
        return text
    if datatype.startswith(_I18N):  # pyld keeps the language's case; jsonld.js lowercases it
        tag, _, direction = datatype[len(_I18N) :].rpartition("_")
        datatype = f"{_I18N}{tag.lower()}_{direction}"
    return f"{text}^^<{datatype}>"


def _context_direction_path(context: Any, path: str) -> str | None:
    """Where an inline context sets ``@direction`` (its default or a term's), or None."""
    for index, item in enumerate(context if isinstance(context, list) else [context]):
        if not isinstance(item, Mapping):
            continue
        where = f"{path}[{index}]" if isinstance(context, list) else path
        if "@direction" in item:
            return where + _step("@direction")
        for term, definition in item.items():
            if isinstance(definition, Mapping):
                if "@direction" in definition:
                    return where + _step(term) + _step("@direction")
                inner = _context_direction_path(definition.get("@context"), where + _step(term))
                if inner:
                    return inner
    return None


def _refuse_unsigned_direction(document: Mapping[str, Any]) -> None:
    """A base direction set in a context is refused: jsonld.js (which the eddsa cryptosuites
    use) and pyld disagree on the RDF it makes, so its signature would not verify elsewhere.
    So are values that differ only in ``@direction`` (both drop all but the first). Value
    objects with ``@direction`` are converted (``i18n-datatype``)."""
    for item, where in _walk(document, "$"):
        if not isinstance(item, Mapping):
            continue
        if "@context" in item:
            found = _context_direction_path(item["@context"], where + _step("@context"))
            if found:
                raise InvalidInput(
                    "not supported JSON-LD",
                    [Problem(found, "a base direction in a context is not supported")],
                )
        for key, value in item.items():
            if isinstance(value, list) and len(value) > 1 and direction_merge(value):
                raise InvalidInput(
                    "not valid JSON-LD", [Problem(where + _step(key), DIRECTION_MERGE)]
                )


def pyld_to_rdf(
    document: Mapping[str, Any], registry: ContextRegistry, *, max_depth: int, max_values: int
) -> list[Quad]:
    """JSON-LD → RDF with pyld, offline, strict (see the module docstring)."""
    from pyld import jsonld  # imported lazily: the fallback is rarely needed

    check_limits(document, max_depth=max_depth, max_values=max_values)
    contexts = document.get("@context")
    for url in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(url, str):
            registry.load(url)  # UnknownContext / ContextIntegrityError before pyld runs
    _refuse_unsigned_direction(document)
    options: dict[str, Any] = {
        "documentLoader": pyld_document_loader(registry),
        "base": None,
        "rdfDirection": "i18n-datatype",  # as the eddsa cryptosuites and jsonld.js
    }
    try:
        expanded = jsonld.expand(_with_sentinel(document), dict(options))
        _check_expanded(document, expanded)
        dataset = jsonld.to_rdf(expanded, dict(options))
    except Error:
        raise
    except RecursionError:
        raise LimitExceeded("document too large", [Problem("$", "nested too deeply")]) from None
    except Exception as exc:
        inner = _unwrap(exc)
        if inner is not None:
            raise inner from exc
        raise CanonicalizationError(f"JSON-LD to RDF failed: {exc}") from exc
    quads: list[Quad] = []
    for graph, triples in dataset.items():
        graph_term = (
            "" if graph == "@default" else (graph if graph.startswith("_:") else f"<{graph}>")
        )
        for t in triples:
            quads.append(
                (_term(t["subject"]), _term(t["predicate"]), _term(t["object"]), graph_term)
            )
    return list(dict.fromkeys(quads))
