"""JSON-LD 1.1 context processing, compiled once into term tables (the fast path's half).

:func:`compile_contexts` turns an ordered list of context URLs into an :class:`ActiveContext`
(term → :class:`TermDef`), following the Context Processing and Create Term Definition
algorithms of JSON-LD 1.1 for the subset the pinned VC / OB / CLR / Data Integrity / DID /
status-list contexts use: ``@protected``, ``@version``, ``@vocab``, ``@language``,
``@propagate``, keyword aliases of ``@id``/``@type``, prefixes and compact IRIs, type
coercion (``@id``, ``@vocab``, ``@json``, datatypes), containers ``@set``, ``@list``,
``@language`` and ``@graph``, and type- and property-scoped contexts.

Anything else raises :class:`Unsupported`, an internal signal that the caller must use the
full algorithm (pyld) instead. Results are memoised on the contexts themselves, so the
cost of each distinct context stack is paid once per registry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from microcred.contexts.registry import ContextRegistry

__all__ = [
    "C_GRAPH",
    "C_LANGUAGE",
    "C_LIST",
    "S_DEFAULT_LANGUAGE",
    "S_IRI",
    "S_LITERAL",
    "T_DATATYPE",
    "T_ID",
    "T_JSON",
    "T_NONE",
    "T_VOCAB",
    "ActiveContext",
    "TermDef",
    "Unsupported",
    "compile_contexts",
    "expand_iri",
    "is_absolute_iri",
]

KEYWORDS = frozenset(
    {
        "@base",
        "@container",
        "@context",
        "@default",
        "@direction",
        "@embed",
        "@explicit",
        "@graph",
        "@id",
        "@import",
        "@included",
        "@index",
        "@json",
        "@language",
        "@list",
        "@nest",
        "@none",
        "@omitDefault",
        "@prefix",
        "@preserve",
        "@protected",
        "@propagate",
        "@requireAll",
        "@reverse",
        "@set",
        "@type",
        "@value",
        "@version",
        "@vocab",
    }
)
_KEYWORD_FORM = re.compile(r"@[a-zA-Z]+\Z")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_GEN_DELIMS = frozenset(":/?#[]@")
_MAX_REMOTE = 16
_CACHE_LIMIT = 512
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# type mapping kinds
T_NONE, T_ID, T_VOCAB, T_JSON, T_DATATYPE = 0, 1, 2, 3, 4
# how a string value is converted (TermDef.str_mode)
S_OTHER, S_LITERAL, S_IRI, S_DEFAULT_LANGUAGE = 0, 1, 2, 3
# container flags
C_SET, C_LIST, C_LANGUAGE, C_GRAPH = 1, 2, 4, 8
_CONTAINERS: dict[frozenset[str], int] = {
    frozenset(): 0,
    frozenset({"@set"}): C_SET,
    frozenset({"@list"}): C_LIST,
    frozenset({"@language"}): C_LANGUAGE,
    frozenset({"@language", "@set"}): C_LANGUAGE | C_SET,
    frozenset({"@graph"}): C_GRAPH,
    frozenset({"@graph", "@set"}): C_GRAPH | C_SET,
}
_TERM_KEYS = frozenset(
    {"@id", "@type", "@container", "@context", "@protected", "@prefix", "@language"}
)


class Unsupported(Exception):
    """Outside the fast path's subset (or invalid): use the full JSON-LD algorithm instead."""


def is_absolute_iri(value: str) -> bool:
    """True for ``scheme:...`` (the JSON-LD notion of an absolute IRI, like pyld's)."""
    return _ABSOLUTE_IRI.match(value) is not None


class TermDef:
    """One compiled term definition. ``pred`` is the ready N-Quads term ``<iri>``."""

    __slots__ = (
        "aliased",
        "container",
        "context",
        "datatype",
        "dt_suffix",
        "has_context",
        "has_language",
        "iri",
        "keyword",
        "language",
        "lit_suffix",
        "pred",
        "prefix",
        "protected",
        "str_mode",
        "term",
        "type_kind",
    )

    def __init__(self, term: str) -> None:
        self.term = term
        self.iri: str | None = None
        self.pred = ""
        self.keyword: str | None = None
        self.type_kind = T_NONE
        self.datatype: str | None = None
        self.dt_suffix = ""
        self.container = 0
        self.has_language = False
        self.language: str | None = None
        self.has_context = False
        self.context: Any = None
        self.prefix = False
        self.protected = False
        self.aliased = False
        self.str_mode = S_OTHER
        self.lit_suffix = ""

    def same_as(self, other: TermDef) -> bool:
        """Equal as definitions, ignoring the protected flag (protected-term rule)."""
        return (
            self.iri == other.iri
            and self.keyword == other.keyword
            and self.type_kind == other.type_kind
            and self.datatype == other.datatype
            and self.container == other.container
            and self.has_language == other.has_language
            and self.language == other.language
            and self.has_context == other.has_context
            and self.context == other.context
            and self.prefix == other.prefix
        )

    def finish(self) -> None:
        """Precompute the N-Quads pieces once."""
        self.pred = f"<{self.iri}>" if self.iri is not None and self.keyword is None else ""
        if self.type_kind == T_DATATYPE and self.datatype != XSD_STRING:
            self.dt_suffix = f"^^<{self.datatype}>"
        else:
            self.dt_suffix = ""
        # How a plain string value of this term becomes an RDF term (the walker's hot path).
        self.str_mode = S_OTHER
        if self.container & ~C_SET or self.pred.startswith("<_:") or not self.pred:
            return
        if self.type_kind == T_DATATYPE:
            self.str_mode, self.lit_suffix = S_LITERAL, self.dt_suffix
        elif self.type_kind == T_ID:
            self.str_mode = S_IRI
        elif self.type_kind == T_NONE and self.has_language:
            self.str_mode = S_LITERAL
            self.lit_suffix = f"@{self.language}" if self.language else ""
        elif self.type_kind == T_NONE:
            self.str_mode = S_DEFAULT_LANGUAGE


class ActiveContext:
    """A compiled active context plus memoised derivations (scoped contexts, type IRIs)."""

    __slots__ = (
        "_props",
        "_scoped",
        "_type_iris",
        "_type_runs",
        "_typed",
        "id_keys",
        "language",
        "previous",
        "registry",
        "terms",
        "type_keys",
        "vocab",
    )

    def __init__(self, registry: ContextRegistry) -> None:
        self.registry = registry
        self.terms: dict[str, TermDef] = {}
        self.vocab: str | None = None
        self.language: str | None = None
        self.previous: ActiveContext | None = None
        self._reset_caches()

    def _reset_caches(self) -> None:
        self._scoped: dict[tuple[int, bool], tuple[Any, ActiveContext]] = {}
        self._typed: dict[tuple[str, ...], ActiveContext] = {}
        self._type_iris: dict[str, str] = {}
        # a node's raw type value (str, or tuple of str) -> its rdf:type terms and the
        # context after its type-scoped contexts (filled by the JSON-LD walker)
        self._type_runs: dict[object, tuple[tuple[str, ...], ActiveContext]] = {}
        self._props: dict[str, TermDef] = {}
        self.id_keys: tuple[str, ...] = ()
        self.type_keys: tuple[str, ...] = ()

    def clone(self) -> ActiveContext:
        other = ActiveContext(self.registry)
        other.terms = dict(self.terms)
        other.vocab = self.vocab
        other.language = self.language
        other.previous = self.previous
        return other

    def seal(self) -> ActiveContext:
        """Finish a freshly processed context: the keys that alias ``@id`` and ``@type``."""
        self.id_keys = ("@id", *(t for t, d in self.terms.items() if d.keyword == "@id"))
        self.type_keys = ("@type", *(t for t, d in self.terms.items() if d.keyword == "@type"))
        by_iri: dict[str | None, TermDef] = {}
        for td in self.terms.values():
            if td.keyword is None and td.iri is not None:
                other = by_iri.setdefault(td.iri, td)
                if other is not td:
                    other.aliased = td.aliased = True  # two keys, one predicate: may repeat quads
        return self

    # --- derivations (memoised) ------------------------------------------------------------

    def apply(self, local: Any, *, override_protected: bool, key: int) -> ActiveContext:
        """This context with the scoped context ``local`` processed on top of it."""
        cache_key = (key, override_protected)
        hit = self._scoped.get(cache_key)
        if hit is not None and hit[0] is local:
            return hit[1]
        result = process_context(self, local, override_protected=override_protected)
        if len(self._scoped) > _CACHE_LIMIT:
            self._scoped.clear()
        self._scoped[cache_key] = (local, result)
        return result

    def with_urls(self, urls: tuple[str, ...]) -> ActiveContext:
        """This context with an embedded ``@context`` (a list of pinned URLs) applied."""
        hit = self._typed.get(("@context", *urls))
        if hit is not None:
            return hit
        result = process_context(self, list(urls))
        if len(self._typed) > _CACHE_LIMIT:
            self._typed.clear()
        self._typed[("@context", *urls)] = result
        return result

    def with_types(self, types: tuple[str, ...]) -> ActiveContext:
        """The context after the type-scoped contexts of ``types`` (JSON-LD 1.1 expansion
        step 11: lexicographic order, not propagated to nested nodes)."""
        hit = self._typed.get(types)
        if hit is not None:
            return hit
        result = self
        for term in sorted(types):
            td = self.terms.get(term)
            if td is not None and td.has_context:
                result = process_context(result, td.context, propagate=False)
        if len(self._typed) > _CACHE_LIMIT:
            self._typed.clear()
        self._typed[types] = result
        return result

    def type_iri(self, value: str) -> str | None:
        """``<iri>`` of a type value (vocab-relative IRI expansion), None if undefined, ""
        if the IRI has characters N-Quads cannot carry."""
        hit = self._type_iris.get(value)
        if hit is not None:
            return hit
        expanded = expand_iri(self, value, vocab=True)
        if expanded is None or expanded.startswith("@") or not is_absolute_iri(expanded):
            return None
        if _IRI_BAD.search(expanded) is not None:
            return ""  # the caller reports it: characters an IRI cannot have
        term = f"<{expanded}>"
        if value in self.terms and len(self._type_iris) < _CACHE_LIMIT:
            self._type_iris[value] = term
        return term

    def prop_def(self, key: str) -> TermDef | None:
        """Definition for a property key that is not a term: compact or absolute IRI, or
        ``@vocab``-relative. None if the key is undefined."""
        hit = self._props.get(key)
        if hit is not None:
            return hit
        expanded = expand_iri(self, key, vocab=True)
        if expanded is None:
            return None
        td = TermDef(key)
        if expanded in KEYWORDS:
            td.keyword = expanded
        elif not is_absolute_iri(expanded) and not expanded.startswith("_:"):
            return None
        td.iri = expanded
        td.aliased = True  # an IRI key may repeat a term's predicate
        td.finish()
        if len(self._props) < _CACHE_LIMIT:
            self._props[key] = td
        return td


# --- IRI expansion ---------------------------------------------------------------------------


def expand_iri(
    active: ActiveContext,
    value: str,
    *,
    vocab: bool = False,
    local: Mapping[str, Any] | None = None,
    defined: dict[str, bool] | None = None,
    protected_default: bool = False,
    override_protected: bool = False,
) -> str | None:
    """IRI Expansion (JSON-LD 1.1 §5.2.2) without a base IRI: relative references stay
    relative (callers decide what to do with them)."""
    if value in KEYWORDS:
        return value
    if _KEYWORD_FORM.match(value):
        return None
    if local is not None and defined is not None and value in local and not defined.get(value):
        _create_term(active, local, value, defined, protected_default, override_protected)
    td = active.terms.get(value)
    if td is not None and td.keyword is not None:
        return td.keyword
    if vocab and value in active.terms:
        return active.terms[value].iri
    colon = value.find(":", 1)
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        if (
            local is not None
            and defined is not None
            and prefix in local
            and not defined.get(prefix)
        ):
            _create_term(active, local, prefix, defined, protected_default, override_protected)
        ptd = active.terms.get(prefix)
        if ptd is not None and ptd.iri is not None and ptd.prefix:
            return ptd.iri + suffix
        if is_absolute_iri(value):
            return value
    if vocab and active.vocab is not None:
        return active.vocab + value
    return value


# --- context processing -----------------------------------------------------------------------


def compile_contexts(urls: tuple[str, ...], registry: ContextRegistry) -> ActiveContext:
    """The active context for a document whose ``@context`` is ``urls`` (memoised per
    registry). Raises UnknownContext / ContextIntegrityError, or Unsupported."""
    cache = registry.compiled_cache
    key = ("top", urls)
    hit = cache.get(key)
    if isinstance(hit, ActiveContext):
        return hit
    result = process_context(ActiveContext(registry).seal(), list(urls))
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[key] = result
    return result


def process_context(
    active: ActiveContext,
    local: Any,
    *,
    override_protected: bool = False,
    propagate: bool = True,
    remote: tuple[str, ...] = (),
) -> ActiveContext:
    """Context Processing (JSON-LD 1.1 §4.1.2), subset. Returns a new sealed context."""
    items = local if isinstance(local, list) else [local]
    result = active.clone()
    if isinstance(local, dict) and "@propagate" in local:
        if not isinstance(local["@propagate"], bool):
            raise Unsupported("invalid @propagate value")
        propagate = local["@propagate"]
    if not propagate and result.previous is None:
        result.previous = active
    for item in items:
        if item is None:
            if not override_protected and any(d.protected for d in result.terms.values()):
                raise Unsupported("invalid context nullification")
            fresh = ActiveContext(active.registry)
            if not propagate:
                fresh.previous = result
            result = fresh
        elif isinstance(item, str):
            if item in remote or len(remote) >= _MAX_REMOTE:
                raise Unsupported("recursive context inclusion")
            document = active.registry.load(item)
            result = process_context(result.seal(), document["@context"], remote=(*remote, item))
        elif isinstance(item, dict):
            _process_local(result, item, override_protected, remote)
        else:
            raise Unsupported("invalid local context")
    return result.seal()


def _process_local(
    result: ActiveContext, item: dict[str, Any], override_protected: bool, remote: tuple[str, ...]
) -> None:
    for bad in ("@base", "@import", "@direction"):
        if bad in item:
            raise Unsupported(f"{bad} in a context")
    if "@version" in item and item["@version"] != 1.1:
        raise Unsupported("invalid @version value")
    if "@vocab" in item:
        vocab = item["@vocab"]
        if vocab is None:
            result.vocab = None
        elif isinstance(vocab, str):
            expanded = expand_iri(result, vocab, vocab=True)
            if expanded is None or not (is_absolute_iri(expanded) or expanded.startswith("_:")):
                raise Unsupported("relative @vocab")
            result.vocab = expanded
        else:
            raise Unsupported("invalid @vocab")
    if "@language" in item:
        language = item["@language"]
        if language is not None and not isinstance(language, str):
            raise Unsupported("invalid default language")
        result.language = language.lower() if isinstance(language, str) else None
    protected = item.get("@protected", False)
    if not isinstance(protected, bool):
        raise Unsupported("invalid @protected value")
    defined: dict[str, bool] = {}
    for term in item:
        if term in ("@version", "@vocab", "@language", "@propagate", "@protected"):
            continue
        _create_term(result, item, term, defined, protected, override_protected)


def _create_term(
    active: ActiveContext,
    local: Mapping[str, Any],
    term: str,
    defined: dict[str, bool],
    protected_default: bool,
    override_protected: bool,
) -> None:
    """Create Term Definition (JSON-LD 1.1 §4.2.2), subset."""
    state = defined.get(term)
    if state:
        return
    if state is False:
        raise Unsupported("cyclic IRI mapping")
    if term == "" or term in KEYWORDS:
        raise Unsupported(f"keyword redefinition or empty term: {term!r}")
    defined[term] = False
    if _KEYWORD_FORM.match(term):
        defined[term] = True
        return
    value = local[term]
    previous = active.terms.pop(term, None)
    simple = isinstance(value, str)
    if value is None:
        value = {"@id": None}
    elif simple:
        value = {"@id": value}
    elif not isinstance(value, dict) or not value.keys() <= _TERM_KEYS:
        raise Unsupported(f"term definition of {term!r}")
    kw: dict[str, Any] = {"local": local, "defined": defined}
    kw.update(protected_default=protected_default, override_protected=override_protected)
    td = TermDef(term)
    protected = value.get("@protected", protected_default)
    if not isinstance(protected, bool):
        raise Unsupported("invalid @protected value")
    td.protected = protected

    if "@type" in value:
        mapping = value["@type"]
        if not isinstance(mapping, str):
            raise Unsupported("invalid type mapping")
        expanded = expand_iri(active, mapping, vocab=True, **kw)
        if expanded == "@id":
            td.type_kind = T_ID
        elif expanded == "@vocab":
            td.type_kind = T_VOCAB
        elif expanded == "@json":
            td.type_kind = T_JSON
        elif expanded is not None and not expanded.startswith("@") and is_absolute_iri(expanded):
            td.type_kind = T_DATATYPE
            td.datatype = expanded
        else:
            raise Unsupported(f"type mapping {mapping!r}")

    if "@id" in value and value["@id"] != term:
        iri = value["@id"]
        if iri is not None:
            if not isinstance(iri, str):
                raise Unsupported("invalid IRI mapping")
            if iri not in KEYWORDS and _KEYWORD_FORM.match(iri):
                defined[term] = True  # ignored, as the algorithm says
                return
            expanded = expand_iri(active, iri, vocab=True, **kw)
            if expanded is None:
                raise Unsupported("invalid IRI mapping")
            if expanded in KEYWORDS:
                if expanded == "@context":
                    raise Unsupported("invalid keyword alias")
                td.keyword = expanded
            elif not (is_absolute_iri(expanded) or expanded.startswith("_:")):
                raise Unsupported("invalid IRI mapping")
            td.iri = expanded
            if (
                simple
                and ":" not in term
                and "/" not in term
                and (expanded[-1:] in _GEN_DELIMS or expanded.startswith("_:"))
            ):
                td.prefix = True
    elif term.find(":", 1) > 0:
        prefix, suffix = term.split(":", 1)
        if prefix in local:
            _create_term(active, local, prefix, defined, protected_default, override_protected)
        ptd = active.terms.get(prefix)
        td.iri = ptd.iri + suffix if ptd is not None and ptd.iri is not None else term
    elif "/" in term:
        raise Unsupported("relative term IRI")
    elif active.vocab is not None:
        td.iri = active.vocab + term
    else:
        raise Unsupported(f"invalid IRI mapping for {term!r}")

    if "@container" in value:
        container = value["@container"]
        names = container if isinstance(container, list) else [container]
        flags = _CONTAINERS.get(frozenset(n for n in names if isinstance(n, str)))
        if flags is None or not all(isinstance(n, str) for n in names):
            raise Unsupported(f"container {container!r}")
        td.container = flags
    if "@context" in value:
        td.has_context = True
        td.context = value["@context"]
    if "@language" in value:
        language = value["@language"]
        if language is not None and not isinstance(language, str):
            raise Unsupported("invalid language mapping")
        td.has_language = True
        td.language = language.lower() if isinstance(language, str) else None
    if "@prefix" in value:
        if not isinstance(value["@prefix"], bool) or ":" in term or "/" in term:
            raise Unsupported("invalid @prefix")
        td.prefix = value["@prefix"]
    td.finish()

    if previous is not None and previous.protected and not override_protected:
        if not td.same_as(previous):
            raise Unsupported(f"protected term redefinition: {term!r}")
        td = previous
    active.terms[term] = td
    defined[term] = True
