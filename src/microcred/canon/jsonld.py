"""JSON-LD → RDF for credentials: a compiled fast path, pyld as the fallback.

:func:`to_rdf` returns the quads of the JSON-LD 1.1 *Deserialize JSON-LD to RDF* algorithm
(equal as an RDF dataset to pyld's ``jsonld.to_rdf``), as canonical N-Quads term text.

The fast path compiles each context stack once (:mod:`microcred.canon.context_compiler`)
and then walks the tree-shaped document directly, emitting quads without building the
expanded form or a node map. Documents outside its subset (inline ``@context`` objects,
``@reverse``, ``@nest``, ``@included``, nested ``@list``, ...) go to pyld with the offline
document loader.

Both paths are **strict** (the jsonld.js "safe mode" the reference verifiers use):

* a property or type that the active contexts do not define (and no ``@vocab`` covers)
  raises :class:`~microcred.errors.UndefinedTerm` with its JSON path — pyld would drop it;
* an ``@id`` (or ``@id``-coerced value) that is a relative IRI reference raises
  :class:`~microcred.errors.InvalidInput`: there is no document base, so pyld would drop
  the triple; IRIs with characters N-Quads cannot carry are refused the same way;
* an ``@vocab``-coerced value that no term defines raises UndefinedTerm;
* language tags must look like BCP 47 tags; non-finite numbers are refused;
* a value object's ``@direction`` (``ltr`` / ``rtl``) is written with the ``i18n-datatype``
  rdfDirection, as the eddsa cryptosuites and jsonld.js do: the literal's datatype is
  ``https://www.w3.org/ns/i18n#`` + lowercase language + ``_`` + direction.

Limits: nesting deeper than ``max_depth`` or more than ``max_values`` JSON values raise
:class:`~microcred.errors.LimitExceeded` naming the path.
"""

from __future__ import annotations

import marshal
import math
import re
from collections.abc import Mapping
from typing import Any, Literal, cast

from microcred.canon.context_compiler import (
    C_GRAPH,
    C_LANGUAGE,
    C_LIST,
    S_DEFAULT_LANGUAGE,
    S_IRI,
    S_LITERAL,
    T_DATATYPE,
    T_ID,
    T_JSON,
    T_VOCAB,
    ActiveContext,
    TermDef,
    Unsupported,
    compile_contexts,
    expand_iri,
    is_absolute_iri,
)
from microcred.canon.jcs import canonicalize_json
from microcred.canon.jsonld_fallback import json_path, pyld_to_rdf
from microcred.canon.jsonld_values import DIRECTION_MERGE, canonical_double, direction_merge
from microcred.canon.nquads import Quad, escape_literal
from microcred.canon.rdfc import (
    _HASHERS,
    CanonicalPiece,
    canonicalize,
    canonicalize_lines,
    canonicalize_with_pieces,
    first_degree_piece,
)
from microcred.canon.walk_signals import BadValue as _BadValue
from microcred.canon.walk_signals import TooDeep as _TooDeep
from microcred.canon.walk_signals import Undefined as _Undefined
from microcred.contexts.registry import ContextRegistry, default_registry
from microcred.errors import (
    CanonicalizationError,
    InvalidInput,
    InvalidJSON,
    LimitExceeded,
    Problem,
    UndefinedTerm,
)

__all__ = ["DEFAULT_MAX_DEPTH", "DEFAULT_MAX_VALUES", "stats", "to_rdf"]

DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_VALUES = 100_000

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = f"<{RDF}type>"
_RDF_FIRST = f"<{RDF}first>"
_RDF_REST = f"<{RDF}rest>"
_RDF_NIL = f"<{RDF}nil>"
_XSD_STRING = XSD + "string"
_XSD_DOUBLE = XSD + "double"
_BOOL_SUFFIX = f"^^<{XSD}boolean>"
_INT_SUFFIX = f"^^<{XSD}integer>"
_DOUBLE_SUFFIX = f"^^<{XSD}double>"
_JSON_SUFFIX = f"^^<{RDF}JSON>"
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")
_VALUE_KEYS = frozenset({"@value", "@type", "@language", "@direction"})
_I18N = "https://www.w3.org/ns/i18n#"  # rdfDirection "i18n-datatype" (JSON-LD 1.1 API)
_DIRECTIONS = frozenset({"ltr", "rtl"})

_IRI_CACHE_SIZE = 4096
_IRI_CACHE_MAX_CHARS = 512  # longer IRIs are not remembered (the cache stays small in bytes)
_TYPE_RUNS_LIMIT = 512  # memoised type values per active context
_IRI_TERMS: dict[str, str] = {}  # checked absolute IRI → "<iri>" (shared; bounded)

#: How many documents each path converted in this process (``fast``, ``fallback``).
stats: dict[str, int] = {"fast": 0, "fallback": 0}


def to_rdf(
    document: Mapping[str, Any],
    *,
    registry: ContextRegistry | None = None,
    fast_path_only: bool = False,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_values: int = DEFAULT_MAX_VALUES,
) -> list[Quad]:
    """The RDF quads of a JSON-LD document (duplicates removed, blank nodes ``_:b0``…).

    ``fast_path_only=True`` raises CanonicalizationError instead of falling back to pyld.
    """
    return _to_rdf(document, registry, fast_path_only, max_depth, max_values, None)[0]


def to_rdf_split(
    document: Mapping[str, Any], split: str, *, registry: ContextRegistry | None = None
) -> tuple[list[Quad], list[Quad] | None]:
    """Private to microcred: :func:`to_rdf` of ``document`` and, from the same walk, the
    quads of ``document`` without its top-level member ``split`` (None when the walk cannot
    tell them apart, e.g. on the pyld fallback). The second list may hold duplicates and
    other blank node labels than a walk of its own would give: the same RDF dataset."""
    return _to_rdf(document, registry, False, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES, split)


def to_rdf_batch(
    document: Mapping[str, Any], memo: SubtreeMemo, *, registry: ContextRegistry | None = None
) -> list[Quad]:
    """Private to microcred: :func:`to_rdf` of one document of a batch, reusing the quads of
    node subtrees that ``memo`` has already seen in earlier documents (the same list of quads,
    blank node labels included, as :func:`to_rdf` gives)."""
    quads = _to_rdf(document, registry, False, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES, None, memo)[0]
    if memo.pending:
        quads = _materialise(quads, memo.pending)
        memo.pending = []
    return quads


def canonicalize_batch(
    document: Mapping[str, Any], memo: SubtreeMemo, *, registry: ContextRegistry | None = None
) -> str:
    """Private to microcred: ``canonicalize(to_rdf(document))`` for one document of a batch.
    With ``memo.defer``, subtrees met before contribute their canonical pieces (finished
    lines, first-degree hashes) instead of their quads."""
    quads = _to_rdf(document, registry, False, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES, None, memo)[0]
    pending = memo.pending
    if not pending:
        return canonicalize(quads)
    memo.pending = []
    pieces = [entry.piece() for _, entry, _ in pending]
    text = canonicalize_with_pieces(quads, cast(list[CanonicalPiece], pieces))
    if text is None:  # shared first-degree hashes: the full algorithm over every quad
        text = canonicalize(_materialise(quads, pending))
    return text


def _materialise(quads: list[Quad], pending: list[tuple[int, _MemoEntry, int]]) -> list[Quad]:
    """The walk's quads with the deferred subtrees put back where they were met."""
    out: list[Quad] = []
    previous = 0
    for position, entry, shift in pending:
        out += quads[previous:position]
        out += entry.shifted(shift)
        previous = position
    out += quads[previous:]
    return out


def _to_rdf(
    document: Mapping[str, Any],
    registry: ContextRegistry | None,
    fast_path_only: bool,
    max_depth: int,
    max_values: int,
    split: str | None,
    memo: SubtreeMemo | None = None,
) -> tuple[list[Quad], list[Quad] | None]:
    if not isinstance(document, Mapping):
        raise InvalidJSON("JSON-LD document", [Problem("$", "must be a JSON object")])
    reg = registry if registry is not None else default_registry()
    try:
        quads, rest = _fast(document, reg, max_depth, max_values, split, memo)
    except Unsupported as unsupported:
        if fast_path_only:
            raise CanonicalizationError(f"outside the JSON-LD fast path: {unsupported}") from None
        quads = pyld_to_rdf(document, reg, max_depth=max_depth, max_values=max_values)
        stats["fallback"] += 1
        return quads, None
    except _Undefined as undefined:
        path = json_path(document, undefined.holder, undefined.key)
        raise UndefinedTerm(undefined.term, path) from None
    except _BadValue as bad:
        path = json_path(document, bad.holder, bad.key)
        raise InvalidInput("not valid JSON-LD", [Problem(path, bad.message)]) from None
    except _TooDeep as deep:
        path = json_path(document, deep.holder, None)
        raise LimitExceeded("document too large", [Problem(path, deep.message)]) from None
    except RecursionError:
        raise LimitExceeded("document too large", [Problem("$", "nested too deeply")]) from None
    stats["fast"] += 1
    return quads, rest


def _fast(
    document: Mapping[str, Any],
    registry: ContextRegistry,
    max_depth: int,
    max_values: int,
    split: str | None = None,
    memo: SubtreeMemo | None = None,
) -> tuple[list[Quad], list[Quad] | None]:
    active = compile_contexts(_context_urls(document.get("@context")), registry)
    walker = _Walker(document, max_depth, max_values)
    walker.split = split
    walker.memo = memo
    if memo is not None:
        memo.pending = []
    walker.node(document, active, "", 1)
    out = walker.out
    if walker.deferred:
        assert memo is not None
        if walker.dups:
            out = _materialise(out, walker.deferred)
        else:
            memo.pending = walker.deferred
    rest: list[Quad] | None = None
    if split is not None:
        if split not in document:
            rest = out
        elif walker.split_start >= 0:
            end = walker.split_end if walker.split_end >= 0 else len(out)
            rest = out[: walker.split_start] + out[end:]
    return (list(dict.fromkeys(out)) if walker.dups else out), rest


class SubtreeMemo:
    """Private to microcred: the quads of node subtrees met in a batch of documents.

    Bulk issuance repeats subtrees (the issuer profile, the achievement) across documents.
    A nested node object with a string ``id`` is looked up once its ``id`` has been seen
    before; the key is its exact content (``marshal``: values, exact types and key order; other
    types are not memoised), the active context, the depth and the depth limit. The walk of
    such a subtree is a function of that key and of the walker's blank node counter only
    (subtrees that use ``_:`` labels of their own, or sit in a named graph, are not memoised),
    so a hit replays its quads with the blank node labels shifted to the counter. A subtree
    is recorded the second time its exact content is met; an ``id`` whose content keeps
    changing (misses past a few more than its hits) is no longer looked up, so batches
    without repetition pay next to nothing.
    """

    __slots__ = ("candidates", "defer", "entries", "max_entries", "pending", "seen")

    def __init__(self, max_entries: int = 4096, *, defer: bool = False) -> None:
        self.max_entries = max_entries
        # defer: replays of subtrees with a canonical piece are left out of the quads and
        # listed in ``pending`` (position in the quads, entry, label shift) for
        # :func:`canonicalize_batch`.
        self.defer = defer
        self.pending: list[tuple[int, _MemoEntry, int]] = []
        self.entries: dict[tuple[int, int, int, bytes], _MemoEntry] = {}
        # id → misses minus hits so far; from _MEMO_MAX_MISSES on, the id is not memoised
        self.seen: dict[str, int] = {}
        self.candidates: set[tuple[int, int, int, bytes]] = set()  # keys met once


_MEMO_MAX_MISSES = 2  # an id whose content keeps changing is walked without the memo


class _MemoEntry:
    __slots__ = (
        "_piece",
        "blanks",
        "budget",
        "ctx",
        "dups",
        "quads",
        "start",
        "subject",
        "subjects",
    )

    def __init__(
        self,
        ctx: ActiveContext,
        quads: list[Quad],
        start: int,
        blanks: int,
        budget: int,
        subjects: frozenset[str],
        dups: bool,
        subject: str,
    ) -> None:
        self.ctx = ctx  # keeps id(ctx) in the key from being reused
        self.quads, self.start, self.blanks, self.budget = quads, start, blanks, budget
        self.subjects, self.dups, self.subject = subjects, dups, subject
        self._piece: CanonicalPiece | Literal[False] | None = False  # False: not computed

    def shifted(self, shift: int) -> list[Quad]:
        """The subtree's quads with its blank node labels moved by ``shift``."""
        if not shift or not self.blanks:
            return self.quads
        start = self.start
        return [
            (_shift(s, start, shift), p, _shift(o, start, shift), _shift(g, start, shift))
            for s, p, o, g in self.quads
        ]

    def piece(self) -> CanonicalPiece | None:
        """The RDFC-1.0 fast-path piece of the subtree, or None when it cannot have one: it
        must be a named node (its blank nodes then occur in no quad outside it), in the
        default graph, without repeated quads or two blank nodes of one first-degree hash."""
        piece = self._piece
        if piece is False:
            piece = None
            if not self.dups and self.subject[0] == "<":
                piece = first_degree_piece(self.quads)
            self._piece = piece
        return piece


def _shift(term: str, start: int, shift: int) -> str:
    """A blank node label ``_:bN`` of a memoised subtree, moved by ``shift``."""
    if term and term[0] == "_":
        number = int(term[3:])
        if number >= start:
            return f"_:b{number + shift}"
    return term


class _Walker:
    """One document's walk: emits quads straight from the JSON tree."""

    __slots__ = (
        "blank_ids",
        "blank_refs",
        "budget",
        "counter",
        "deferred",
        "dups",
        "max_depth",
        "memo",
        "out",
        "root",
        "split",
        "split_end",
        "split_start",
        "subjects",
    )

    def __init__(self, root: Mapping[str, Any], max_depth: int, max_values: int) -> None:
        self.root = root
        # The quads of the root's member ``split`` are out[split_start:split_end] (-1: not
        # seen, or not an ordinary property whose quads can be told apart).
        self.split: str | None = None
        self.split_start = self.split_end = -1
        self.out: list[Quad] = []
        self.counter = 0
        self.blank_ids: dict[str, str] = {}
        self.blank_refs = 0  # how many times a ``_:`` label of the document was met
        self.memo: SubtreeMemo | None = None
        self.deferred: list[tuple[int, _MemoEntry, int]] = []
        self.max_depth = max_depth
        self.budget = max_values
        self.dups = False  # could the same quad have been emitted twice?
        self.subjects: set[str] = set()

    def blank(self) -> str:
        label = f"_:b{self.counter}"
        self.counter += 1
        return label

    def node(self, obj: Mapping[str, Any], ctx: ActiveContext, graph: str, depth: int) -> str:
        """Emit the quads of a node object (its context already reverted/scoped); return
        its subject term."""
        memo = self.memo
        if memo is not None and not graph and obj is not self.root:
            ident = obj.get("id") or obj.get("@id")
            if isinstance(ident, str):
                misses = memo.seen.get(ident)
                if misses is None:
                    if len(memo.seen) >= memo.max_entries:
                        memo.seen.clear()
                    memo.seen[ident] = 0
                elif misses < _MEMO_MAX_MISSES:
                    return self.memoised(memo, obj, ctx, depth, ident, misses)
        return self.walk_node(obj, ctx, graph, depth)

    def memoised(
        self,
        memo: SubtreeMemo,
        obj: Mapping[str, Any],
        ctx: ActiveContext,
        depth: int,
        ident: str,
        misses: int,
    ) -> str:
        """:meth:`walk_node` (default graph) through ``memo``: replay or record."""
        try:
            key = (id(ctx), depth, self.max_depth, marshal.dumps(cast(Any, obj), 4))
        except ValueError:  # not plain JSON data: walk it every time
            memo.seen[ident] = _MEMO_MAX_MISSES
            return self.walk_node(obj, ctx, "", depth)
        entry = memo.entries.get(key)
        if entry is not None and self.budget >= entry.budget:
            if misses > -_MEMO_MAX_MISSES:
                memo.seen[ident] = misses - 1
            self.budget -= entry.budget
            shift = self.counter - entry.start
            if memo.defer and entry.piece() is not None:
                self.deferred.append((len(self.out), entry, shift))
            else:
                self.out.extend(entry.shifted(shift))
            self.counter += entry.blanks
            subjects = self.subjects
            if entry.dups or not subjects.isdisjoint(entry.subjects):
                self.dups = True
            subjects |= entry.subjects
            return entry.subject
        if entry is None and key not in memo.candidates:
            # Content seen once: remember it, record it if it comes again (recording costs).
            if len(memo.candidates) >= memo.max_entries:
                memo.candidates.clear()
            memo.candidates.add(key)
            memo.seen[ident] = misses + 1
            return self.walk_node(obj, ctx, "", depth)
        # Record: walk with the state the subtree's output depends on made local.
        out_start, start, budget = len(self.out), self.counter, self.budget
        outer_subjects, outer_dups, refs = self.subjects, self.dups, self.blank_refs
        self.subjects, self.dups = set(), False
        subject = self.walk_node(obj, ctx, "", depth)
        inner_subjects, inner_dups = self.subjects, self.dups
        self.subjects = outer_subjects
        self.dups = outer_dups or inner_dups or not outer_subjects.isdisjoint(inner_subjects)
        outer_subjects |= inner_subjects
        if self.blank_refs == refs:
            if len(memo.entries) >= memo.max_entries:
                memo.entries.clear()
            memo.entries[key] = _MemoEntry(
                ctx,
                self.out[out_start:],
                start,
                self.counter - start,
                budget - self.budget,
                frozenset(inner_subjects),
                inner_dups,
                subject,
            )
        return subject

    def node_head(
        self, obj: Mapping[str, Any], ctx: ActiveContext, depth: int
    ) -> tuple[ActiveContext, list[str], str]:
        """The start of every node, shared by both walks: limits, scoped context, types and
        ``@id`` (``""`` for a blank node)."""
        if depth > self.max_depth:
            raise _TooDeep(f"nested deeper than {self.max_depth} levels", obj)
        self.budget -= len(obj) + 1
        if self.budget < 0:
            raise _TooDeep("more JSON values than allowed", obj)
        if "@context" in obj and obj is not self.root:
            ctx = ctx.with_urls(_context_urls(obj["@context"]))

        type_terms: list[str] = []
        for key in ctx.type_keys:
            if key in obj:
                ctx = self.typed(obj, key, ctx, type_terms)

        subject = ""
        for key in ctx.id_keys:
            if key in obj:
                value = obj[key]
                if value.__class__ is not str:
                    raise Unsupported("@id value that is not a string")
                subject = self.iri_ref(ctx, value, obj, key)
                if subject in self.subjects:
                    self.subject_repeated()
                self.subjects.add(subject)
        return ctx, type_terms, subject

    def subject_repeated(self) -> None:
        """A node described twice: the same quad may come out twice (deduplicated later)."""
        self.dups = True

    def walk_node(self, obj: Mapping[str, Any], ctx: ActiveContext, graph: str, depth: int) -> str:
        ctx, type_terms, subject = self.node_head(obj, ctx, depth)
        if not subject:
            subject = f"_:b{self.counter}"
            self.counter += 1

        out = self.out
        append = out.append
        if type_terms:
            count = len(type_terms)
            if count > 1 and (
                type_terms[0] == type_terms[1] if count == 2 else len(set(type_terms)) < count
            ):
                self.dups = True
            for type_term in type_terms:
                append((subject, _RDF_TYPE, type_term, graph))

        terms = ctx.terms
        split = self.split if obj is self.root else None
        for key, value in obj.items():
            if split is not None and self.split_start >= 0 and self.split_end < 0:
                self.split_end = len(out)  # the split member is done
            td = terms.get(key)
            if td is None:
                if key == "@context" or key == "@id" or key == "@type":
                    continue
                td = ctx.prop_def(key)
                if td is None:
                    raise _Undefined(key, obj, key)
            pred = td.pred
            if not pred:
                if td.keyword == "@id" or td.keyword == "@type":
                    continue
                if td.keyword is not None:
                    raise Unsupported(f"keyword {td.keyword} in a node object")
                if td.iri is None:
                    raise _Undefined(key, obj, key)
                raise Unsupported("blank node predicate")
            if split is not None and key == split:
                self.split_start = len(out)
            if td.aliased and not self.dups:
                self.dups = _shares_predicate(obj, key, pred, ctx)
            if value.__class__ is str:
                mode = td.str_mode
                if mode == S_LITERAL:
                    append((subject, pred, f'"{_escape(value)}"{td.lit_suffix}', graph))
                    continue
                if mode == S_DEFAULT_LANGUAGE:
                    language = ctx.language
                    if language is None:
                        append((subject, pred, f'"{_escape(value)}"', graph))
                    else:
                        append((subject, pred, f'"{_escape(value)}"@{language}', graph))
                    continue
                if mode == S_IRI:
                    append((subject, pred, self.iri_ref(ctx, value, obj, key), graph))
                    continue
            elif value is None:
                continue
            container = td.container
            if container:
                if container & C_GRAPH:
                    self.graphs(subject, td, value, ctx, graph, depth)
                    continue
                if container & C_LIST:
                    self.list_(subject, td, value, ctx, graph, depth, obj, key)
                    continue
                if container & C_LANGUAGE and value.__class__ is dict:
                    self.language_map(subject, td, value, graph, obj, key)
                    continue
            if td.type_kind == T_JSON:
                append((subject, pred, self.json_literal(value, obj, key), graph))
            elif value.__class__ is list:
                self.budget -= len(value)
                if self.budget < 0:
                    raise _TooDeep("more JSON values than allowed", obj)
                if len(value) > 1:
                    if not self.dups:
                        self.dups = _may_repeat(value)
                    if direction_merge(value):
                        raise _BadValue(DIRECTION_MERGE, obj, key)
                for item in value:
                    if item.__class__ is dict and "@value" not in item:
                        # a nested node object (what object() does, without the call)
                        child = ctx.previous or ctx
                        if td.has_context:
                            child = _scoped(child, td)
                        append((subject, pred, self.node(item, child, graph, depth + 2), graph))
                        continue
                    if item.__class__ is list:
                        for inner in _flatten(item):
                            term = self.object(td, inner, ctx, graph, depth + 1, obj, key)
                            if term is not None:
                                append((subject, pred, term, graph))
                        continue
                    term = self.object(td, item, ctx, graph, depth + 1, obj, key)
                    if term is not None:
                        append((subject, pred, term, graph))
            elif value.__class__ is dict and "@value" not in value:
                child = ctx.previous or ctx
                if td.has_context:
                    child = _scoped(child, td)
                append((subject, pred, self.node(value, child, graph, depth + 1), graph))
            else:
                term = self.object(td, value, ctx, graph, depth, obj, key)
                if term is not None:
                    append((subject, pred, term, graph))
        return subject

    def typed(
        self, obj: Mapping[str, Any], key: str, ctx: ActiveContext, type_terms: list[str]
    ) -> ActiveContext:
        """Collect the rdf:type objects of ``obj[key]``; return the context after its
        type-scoped contexts (memoised per context for type values without blank nodes)."""
        value = obj[key]
        cls = value.__class__
        raw: object = None
        runs = ctx._type_runs
        if cls is str or cls is list:
            raw = value if cls is str else tuple(value)
            try:
                hit = runs.get(raw)
            except TypeError:  # an unhashable item: not a string
                hit = raw = None
            if hit is not None:  # only tuples of strings are ever stored
                type_terms.extend(hit[0])
                return hit[1]
            if cls is list and not all(item.__class__ is str for item in value):
                raw = None
        start = len(type_terms)
        types = self.types(obj, key, ctx, type_terms)
        result = ctx.with_types(types)
        terms = tuple(type_terms[start:])
        if raw is not None and len(runs) < _TYPE_RUNS_LIMIT and all(t[0] == "<" for t in terms):
            runs[raw] = (terms, result)
        return result

    def types(
        self, obj: Mapping[str, Any], key: str, ctx: ActiveContext, type_terms: list[str]
    ) -> tuple[str, ...]:
        """Collect the rdf:type objects of ``obj[key]``; return the type values."""
        value = obj[key]
        if value.__class__ is str:
            values: tuple[str, ...] = (value,)
        elif value.__class__ is list:
            values = tuple(value)
            for item in values:
                if item.__class__ is not str:
                    raise Unsupported("@type value that is not a string")
        else:
            raise Unsupported("@type value that is not a string")
        for item in values:
            term = ctx.type_iri(item)
            if term is None:
                raise _Undefined(item, obj, key)
            if not term:
                raise _BadValue(f"{item!r} has characters not allowed in an IRI", obj, key)
            type_terms.append(self._blank_id(term[1:-1]) if term.startswith("<_:") else term)
        return values

    def object(
        self,
        td: TermDef,
        value: Any,
        ctx: ActiveContext,
        graph: str,
        depth: int,
        holder: Any,
        key: str,
    ) -> str | None:
        """The object term for one value of property ``td`` (emitting nested nodes)."""
        if isinstance(value, str):
            kind = td.type_kind
            if kind == T_ID:
                return self.iri_ref(ctx, value, holder, key)
            if kind == T_VOCAB:
                return self.vocab_ref(ctx, td, value, holder, key)
            if kind == T_DATATYPE:
                return f'"{_escape(value)}"{td.dt_suffix}'
            language = td.language if td.has_language else ctx.language
            if language is not None:
                return f'"{_escape(value)}"@{language}'
            return f'"{_escape(value)}"'
        if isinstance(value, dict):
            if "@value" in value:
                return self.value_object(value, ctx if not td.has_context else _scoped(ctx, td))
            child = ctx.previous or ctx
            if td.has_context:
                child = _scoped(child, td)
            return self.node(value, child, graph, depth + 1)
        if value is None:
            return None
        if td.type_kind == T_DATATYPE:
            return _number_or_bool(value, td.datatype, td.dt_suffix, holder, key)
        return _number_or_bool(value, None, None, holder, key)

    def iri_ref(self, ctx: ActiveContext, value: str, holder: Any, key: str) -> str:
        """A document-relative IRI (``@id``, ``@type: @id``); relative references refused."""
        colon = value.find(":", 1)
        if colon > 0:
            ptd = ctx.terms.get(value[:colon])
            if (
                ptd is not None
                and ptd.prefix
                and ptd.iri is not None
                and value[colon + 1 : colon + 3] != "//"
            ):
                value = ptd.iri + value[colon + 1 :]
            term = _IRI_TERMS.get(value)
            if term is not None:
                return term
            if value.startswith("_:"):
                return self._blank_id(value)
            if is_absolute_iri(value):
                if _IRI_BAD.search(value) is not None:
                    raise _BadValue(f"{value!r} has characters not allowed in an IRI", holder, key)
                term = f"<{value}>"
                if len(value) <= _IRI_CACHE_MAX_CHARS:
                    if len(_IRI_TERMS) >= _IRI_CACHE_SIZE:
                        _IRI_TERMS.clear()
                    _IRI_TERMS[value] = term
                return term
        raise _BadValue(
            f"{value!r} is a relative IRI reference (there is no base IRI)", holder, key
        )

    def vocab_ref(self, ctx: ActiveContext, td: TermDef, value: str, holder: Any, key: str) -> str:
        """An ``@type: @vocab`` value: a term (of the property-scoped context) or an IRI."""
        scoped = _scoped(ctx, td) if td.has_context else ctx
        expanded = expand_iri(scoped, value, vocab=True)
        if expanded is None or expanded.startswith("@"):
            raise Unsupported("keyword as an @vocab value")
        if expanded.startswith("_:"):
            return self._blank_id(expanded)
        if not is_absolute_iri(expanded):
            raise _Undefined(value, holder, key)
        _check_iri(expanded, holder, key)
        return f"<{expanded}>"

    def _blank_id(self, label: str) -> str:
        self.blank_refs += 1
        mapped = self.blank_ids.get(label)
        if mapped is None:
            mapped = self.blank_ids[label] = self.blank()
        else:
            self.dups = True  # a blank node described twice may repeat a quad
        return mapped

    def value_object(self, value: Mapping[str, Any], ctx: ActiveContext) -> str | None:
        if not value.keys() <= _VALUE_KEYS:
            raise Unsupported("value object with other keywords")
        raw = value["@value"]
        datatype = value.get("@type")
        language = value.get("@language")
        if "@direction" in value:
            return self.directed_value(value, raw, datatype, language)
        if datatype is not None:
            if language is not None or not isinstance(datatype, str):
                raise Unsupported("invalid typed value")
            datatype = expand_iri(ctx, datatype, vocab=True)
            if datatype == "@json":
                return self.json_literal(raw, value, "@value")
            if datatype is None or not is_absolute_iri(datatype):
                raise Unsupported("invalid typed value")
            _check_iri(datatype, value, "@type")
        if raw is None:
            return None
        if isinstance(raw, (dict, list)):
            raise Unsupported("invalid value object value")
        if language is not None:
            if not isinstance(language, str) or not isinstance(raw, str):
                raise Unsupported("invalid language-tagged value")
            _check_language(language, value, "@language")
            return f'"{_escape(raw)}"@{language.lower()}'
        suffix: str | None = None
        if datatype is not None:
            suffix = "" if datatype == _XSD_STRING else f"^^<{datatype}>"
        if isinstance(raw, str):
            return f'"{_escape(raw)}"{suffix or ""}'
        return _number_or_bool(raw, datatype, suffix, value, "@value")

    def directed_value(
        self, value: Mapping[str, Any], raw: Any, datatype: Any, language: Any
    ) -> str | None:
        """A value object with ``@direction``, as the ``i18n-datatype`` rdfDirection writes it
        (the eddsa cryptosuites and jsonld.js do): the literal's datatype is
        ``https://www.w3.org/ns/i18n#`` + lowercase language + ``_`` + direction."""
        direction = value["@direction"]
        if datatype is not None or direction is None:
            raise Unsupported("invalid directed value")
        if direction.__class__ is not str or direction not in _DIRECTIONS:
            message = f"@direction must be 'ltr' or 'rtl', not {direction!r}"
            raise _BadValue(message, value, "@direction")
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise Unsupported("invalid directed value")
        tag = ""
        if language is not None:
            if not isinstance(language, str):
                raise Unsupported("invalid language-tagged value")
            _check_language(language, value, "@language")
            tag = language.lower()
        return f'"{_escape(raw)}"^^<{_I18N}{tag}_{direction}>'

    def json_literal(self, value: Any, holder: Any, key: str) -> str:
        try:
            text = canonicalize_json(value).decode("utf-8")
        except InvalidInput as exc:
            raise _BadValue(f"not a JSON literal: {exc}", holder, key) from None
        return f'"{_escape(text)}"{_JSON_SUFFIX}'

    def graphs(
        self, subject: str, td: TermDef, value: Any, ctx: ActiveContext, graph: str, depth: int
    ) -> None:
        """``@container: @graph``: each value is a node in its own blank-node named graph."""
        child = ctx.previous or ctx
        if td.has_context:
            child = _scoped(child, td)
        for item in _flatten(value) if isinstance(value, list) else (value,):
            if item is None:
                continue
            if not isinstance(item, dict) or "@value" in item or "@graph" in item:
                raise Unsupported("graph container value that is not a node object")
            name = self.blank()
            self.out.append((subject, td.pred, name, graph))
            self.node(item, child, name, depth + 1)

    def list_(
        self,
        subject: str,
        td: TermDef,
        value: Any,
        ctx: ActiveContext,
        graph: str,
        depth: int,
        holder: Any,
        key: str,
    ) -> None:
        """``@container: @list``: an rdf:first / rdf:rest chain."""
        items = value if isinstance(value, list) else [value]
        self.budget -= len(items)
        if self.budget < 0:
            raise _TooDeep("more JSON values than allowed", holder)
        if isinstance(value, dict) and "@list" in value:
            raise Unsupported("explicit @list object")
        terms: list[str] = []
        for item in items:
            if isinstance(item, list) or (isinstance(item, dict) and "@list" in item):
                raise Unsupported("list of lists")
            if td.type_kind == T_JSON:
                terms.append(self.json_literal(item, holder, key))
                continue
            term = self.object(td, item, ctx, graph, depth + 1, holder, key)
            if term is not None:
                terms.append(term)
        if not terms:
            self.out.append((subject, td.pred, _RDF_NIL, graph))
            return
        head = self.blank()
        self.out.append((subject, td.pred, head, graph))
        for index, term in enumerate(terms):
            self.out.append((head, _RDF_FIRST, term, graph))
            rest = self.blank() if index + 1 < len(terms) else _RDF_NIL
            self.out.append((head, _RDF_REST, rest, graph))
            head = rest

    def language_map(
        self, subject: str, td: TermDef, value: Mapping[str, Any], graph: str, holder: Any, key: str
    ) -> None:
        self.budget -= len(value)
        for language, texts in value.items():
            if language == "@none":
                tag = ""
            else:
                if language.startswith("@"):
                    raise Unsupported("keyword in a language map")
                _check_language(language, holder, key)
                tag = "@" + language.lower()
            if isinstance(texts, list) and len(texts) > 1:
                self.dups = True
                self.budget -= len(texts)
            if self.budget < 0:
                raise _TooDeep("more JSON values than allowed", holder)
            for text in texts if isinstance(texts, list) else (texts,):
                if text is None:
                    continue
                if not isinstance(text, str):
                    raise Unsupported("language map value that is not a string")
                self.out.append((subject, td.pred, f'"{_escape(text)}"{tag}', graph))


class _Retry(Exception):
    """The line walker cannot write this document (named graphs, ``_:`` labels of the
    document, a quad that may repeat): use the quad walker and the general canonicalizer."""


class _Subtree:
    """A cached subtree of :meth:`_LineWalker.cached`: its finished lines, and for each blank
    node inside it (walk labels ``blanks``, in the order they were made) its line ends
    (``tails``) and the quads whose object is one of them (``edges``)."""

    __slots__ = ("blanks", "budget", "ctx", "edges", "lines", "subject", "subjects", "tails")

    def __init__(
        self,
        ctx: ActiveContext,
        lines: tuple[str, ...],
        budget: int,
        subjects: frozenset[str],
        subject: str,
        blanks: tuple[str, ...] = (),
        tails: tuple[tuple[str, ...], ...] = (),
        edges: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        self.ctx = ctx  # keeps id(ctx) in the key from being reused
        self.lines, self.budget, self.subjects, self.subject = lines, budget, subjects, subject
        self.blanks, self.tails, self.edges = blanks, tails, edges


_SUBTREE_LIMIT = 1024
# (id(ctx), depth, marshal of the node) → its lines; cleared when full. Shared by threads:
# each dict operation is atomic, and a lost entry only costs a walk.
_SUBTREES: dict[tuple[int, int, bytes], _Subtree] = {}
# ids of nested nodes met so far → misses minus hits (cleared when full); an id whose content
# keeps changing (from _SUBTREE_MAX_MISSES on) is walked without building a key until its
# score reaches _SUBTREE_RETRY, then looked up again.
_SUBTREE_IDS: dict[str, int] = {}
_SUBTREE_MAX_MISSES = 2
_SUBTREE_RETRY = 16


class _LineWalker(_Walker):
    """The walk of :func:`canonicalize_tree`: the same quads as :class:`_Walker` (default
    graph only), written straight as N-Quads text for :func:`rdfc.canonicalize_lines` —
    finished lines for quads without blank nodes, the line ends of each blank node's quads
    (its canonical label goes in front once it is known), and the quads whose object is a
    blank node. No quad tuples, no second pass to format them."""

    __slots__ = ("edges", "lines", "tails")

    def __init__(self, root: Mapping[str, Any], max_depth: int, max_values: int) -> None:
        super().__init__(root, max_depth, max_values)
        self.lines: list[str] = []
        self.tails: dict[str, list[str]] = {}
        self.edges: list[tuple[str, str, str]] = []

    def blank(self) -> str:
        label = f"_:b{self.counter}"
        self.counter += 1
        self.tails[label] = []
        return label

    def emit(self, subject: str, pred: str, term: str) -> None:
        """One quad of the default graph (the rarer paths; walk_node writes inline)."""
        if term[0] == "_":
            self.edges.append((subject, pred, term))
        elif subject[0] == "_":
            self.tails[subject].append(f" {pred} {term} .\n")
        else:
            self.lines.append(f"{subject} {pred} {term} .\n")

    def _blank_id(self, label: str) -> str:
        raise _Retry

    def node(self, obj: Mapping[str, Any], ctx: ActiveContext, graph: str, depth: int) -> str:
        """:meth:`walk_node`, through the subtree cache for a nested node with an ``id``."""
        if obj is not self.root:
            ident = obj.get("id") or obj.get("@id")
            if ident.__class__ is str:
                return self.cached(obj, ctx, depth, cast(str, ident))
        return self.walk_node(obj, ctx, graph, depth)

    def cached(self, obj: Mapping[str, Any], ctx: ActiveContext, depth: int, ident: str) -> str:
        """:meth:`walk_node` of a named nested node through :data:`_SUBTREES`: documents
        repeat subtrees (the issuer profile, the achievement); a subtree's walk is a function
        of its exact content (``marshal``), the active context and the depth, up to the walk
        labels of its blank nodes (its root is named, so nothing outside it refers to them):
        a replay copies its finished lines and gives its blank nodes fresh labels."""
        score = _SUBTREE_IDS.get(ident)
        if score is None:  # first sight of this id: no key to build yet
            if len(_SUBTREE_IDS) >= _SUBTREE_LIMIT:
                _SUBTREE_IDS.clear()
            _SUBTREE_IDS[ident] = 0
            return self.walk_node(obj, ctx, "", depth)
        if score >= _SUBTREE_MAX_MISSES:  # content keeps changing: not worth a key...
            if score < _SUBTREE_RETRY:
                _SUBTREE_IDS[ident] = score + 1
                return self.walk_node(obj, ctx, "", depth)
            score = _SUBTREE_MAX_MISSES - 1  # ...for a while, then look again
        try:
            key = (id(ctx), depth, marshal.dumps(cast(Any, obj), 4))
        except ValueError:  # not plain JSON data
            return self.walk_node(obj, ctx, "", depth)
        entry = _SUBTREES.get(key)
        subjects = self.subjects
        if entry is not None and entry.ctx is ctx and self.budget >= entry.budget:
            if not subjects.isdisjoint(entry.subjects):
                raise _Retry
            if score:
                _SUBTREE_IDS[ident] = score - 1
            self.budget -= entry.budget
            self.lines += entry.lines
            subjects |= entry.subjects
            if entry.blanks:
                self.replay_blanks(entry)
            return entry.subject
        _SUBTREE_IDS[ident] = score + 1
        mark, edge_mark = len(self.lines), len(self.edges)
        counter, budget = self.counter, self.budget
        self.subjects = set()
        subject = self.walk_node(obj, ctx, "", depth)
        inner, self.subjects = self.subjects, subjects
        if not subjects.isdisjoint(inner):
            raise _Retry
        subjects |= inner
        if len(_SUBTREES) >= _SUBTREE_LIMIT:
            _SUBTREES.clear()
        blanks = tuple(f"_:b{number}" for number in range(counter, self.counter))
        tails = self.tails
        _SUBTREES[key] = _Subtree(
            ctx,
            tuple(self.lines[mark:]),
            budget - self.budget,
            frozenset(inner),
            subject,
            blanks,
            tuple(tuple(tails[label]) for label in blanks),
            tuple(self.edges[edge_mark:]),
        )
        return subject

    def replay_blanks(self, entry: _Subtree) -> None:
        """The blank nodes of a cached subtree, under labels new to this walk."""
        counter = self.counter
        renamed = {old: f"_:b{counter + index}" for index, old in enumerate(entry.blanks)}
        self.counter = counter + len(renamed)
        tails = self.tails
        for new, own in zip(renamed.values(), entry.tails, strict=True):
            tails[new] = list(own)
        get = renamed.get
        self.edges += [(get(s, s), p, get(o, o)) for s, p, o in entry.edges]

    def graphs(
        self, subject: str, td: TermDef, value: Any, ctx: ActiveContext, graph: str, depth: int
    ) -> None:
        raise _Retry

    def subject_repeated(self) -> None:
        raise _Retry  # a node described twice may repeat a quad: the general walk dedupes

    def walk_node(self, obj: Mapping[str, Any], ctx: ActiveContext, graph: str, depth: int) -> str:
        """:meth:`_Walker.walk_node` writing text (kept in step with it; the differential
        tests compare the two walks)."""
        ctx, type_terms, subject = self.node_head(obj, ctx, depth)
        if subject:
            prefix = subject
            append = self.lines.append
        else:
            subject = self.blank()
            prefix = ""  # lines of a blank node are written without their subject
            append = self.tails[subject].append
        edges = self.edges

        if type_terms:
            count = len(type_terms)
            if count > 1 and (
                type_terms[0] == type_terms[1] if count == 2 else len(set(type_terms)) < count
            ):
                raise _Retry
            for type_term in type_terms:
                append(f"{prefix} {_RDF_TYPE} {type_term} .\n")

        terms = ctx.terms
        term: str | None
        for key, value in obj.items():
            td = terms.get(key)
            if td is None:
                if key == "@context" or key == "@id" or key == "@type":
                    continue
                td = ctx.prop_def(key)
                if td is None:
                    raise _Undefined(key, obj, key)
            pred = td.pred
            if not pred:
                if td.keyword == "@id" or td.keyword == "@type":
                    continue
                if td.keyword is not None:
                    raise Unsupported(f"keyword {td.keyword} in a node object")
                if td.iri is None:
                    raise _Undefined(key, obj, key)
                raise Unsupported("blank node predicate")
            if td.aliased and _shares_predicate(obj, key, pred, ctx):
                raise _Retry
            if value.__class__ is str:
                mode = td.str_mode
                if mode == S_LITERAL:
                    if value.isprintable() and '"' not in value and "\\" not in value:
                        append(f'{prefix} {pred} "{value}"{td.lit_suffix} .\n')
                    else:
                        append(f'{prefix} {pred} "{escape_literal(value)}"{td.lit_suffix} .\n')
                    continue
                if mode == S_DEFAULT_LANGUAGE:
                    if not (value.isprintable() and '"' not in value and "\\" not in value):
                        value = escape_literal(value)
                    language = ctx.language
                    if language is None:
                        append(f'{prefix} {pred} "{value}" .\n')
                    else:
                        append(f'{prefix} {pred} "{value}"@{language} .\n')
                    continue
                if mode == S_IRI:
                    append(f"{prefix} {pred} {self.iri_ref(ctx, value, obj, key)} .\n")
                    continue
            elif value is None:
                continue
            container = td.container
            if container:
                if container & C_GRAPH:
                    raise _Retry
                if container & C_LIST:
                    self.list_(subject, td, value, ctx, graph, depth, obj, key)
                    continue
                if container & C_LANGUAGE and value.__class__ is dict:
                    self.language_map(subject, td, value, graph, obj, key)
                    continue
            if td.type_kind == T_JSON:
                append(f"{prefix} {pred} {self.json_literal(value, obj, key)} .\n")
            elif value.__class__ is list:
                self.budget -= len(value)
                if self.budget < 0:
                    raise _TooDeep("more JSON values than allowed", obj)
                if len(value) > 1 and _may_repeat(value):
                    raise _Retry
                for item in value:
                    if item.__class__ is dict and "@value" not in item:
                        child = ctx.previous or ctx
                        if td.has_context:
                            child = _scoped(child, td)
                        term = self.node(item, child, graph, depth + 2)
                    elif item.__class__ is list:
                        for inner in _flatten(item):
                            term = self.object(td, inner, ctx, graph, depth + 1, obj, key)
                            if term is not None:
                                self.emit(subject, pred, term)
                        continue
                    else:
                        term = self.object(td, item, ctx, graph, depth + 1, obj, key)
                        if term is None:
                            continue
                    if term[0] == "_":
                        edges.append((subject, pred, term))
                    else:
                        append(f"{prefix} {pred} {term} .\n")
            else:
                if value.__class__ is dict and "@value" not in value:
                    child = ctx.previous or ctx
                    if td.has_context:
                        child = _scoped(child, td)
                    term = self.node(value, child, graph, depth + 1)
                else:
                    term = self.object(td, value, ctx, graph, depth, obj, key)
                    if term is None:
                        continue
                if term[0] == "_":
                    edges.append((subject, pred, term))
                else:
                    append(f"{prefix} {pred} {term} .\n")
        return subject

    def list_(
        self,
        subject: str,
        td: TermDef,
        value: Any,
        ctx: ActiveContext,
        graph: str,
        depth: int,
        holder: Any,
        key: str,
    ) -> None:
        """:meth:`_Walker.list_` writing text."""
        mark = len(self.out)
        super().list_(subject, td, value, ctx, graph, depth, holder, key)
        chain = self.out[mark:]
        del self.out[mark:]
        for s, p, o, _ in chain:
            if s[0] == "_" and s not in self.tails:
                self.tails[s] = []
            if o[0] == "_" and o not in self.tails:
                self.tails[o] = []
            self.emit(s, p, o)

    def language_map(
        self, subject: str, td: TermDef, value: Mapping[str, Any], graph: str, holder: Any, key: str
    ) -> None:
        """:meth:`_Walker.language_map` writing text."""
        mark = len(self.out)
        super().language_map(subject, td, value, graph, holder, key)
        if self.dups:
            raise _Retry
        for s, p, o, _ in self.out[mark:]:
            self.emit(s, p, o)
        del self.out[mark:]


def canonicalize_tree(
    document: Mapping[str, Any],
    *,
    registry: ContextRegistry | None = None,
    hash_algorithm: str = "sha256",
) -> str | None:
    """Private to microcred: ``canonicalize(to_rdf(document))`` in one walk that writes
    N-Quads text, for the documents it fits (default graph, no quad written twice, distinct
    first-degree hashes: credentials). None for any other document, and for any document
    the walk refuses: the general path then gives the answer or raises the error."""
    hasher = _HASHERS.get(hash_algorithm)
    if hasher is None or not isinstance(document, Mapping):
        return None
    reg = registry if registry is not None else default_registry()
    try:
        active = compile_contexts(_context_urls(document.get("@context")), reg)
        walker = _LineWalker(document, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES)
        walker.node(document, active, "", 1)
    except (_Retry, Unsupported, _Undefined, _BadValue, _TooDeep, RecursionError):
        return None
    if walker.dups:
        return None
    text = canonicalize_lines(walker.lines, walker.tails, walker.edges, hasher)
    if text is not None:
        stats["fast"] += 1
    return text


def _escape(text: str) -> str:
    """``nquads.escape_literal`` with a fast exit for the common string that needs nothing."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return escape_literal(text)


def _context_urls(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(u, str) for u in value):
        return tuple(value)
    if value is None:
        return ()
    raise Unsupported("inline @context")


def _scoped(ctx: ActiveContext, td: TermDef) -> ActiveContext:
    return ctx.apply(td.context, override_protected=True, key=id(td))


def _shares_predicate(obj: Mapping[str, Any], key: str, pred: str, ctx: ActiveContext) -> bool:
    """Does another key of ``obj`` map to ``pred``? (Only then can a key whose predicate other
    terms share repeat a quad: quads of one node object have one subject.)"""
    terms = ctx.terms
    try:
        for other in obj:
            if other != key:
                td = terms.get(other) or ctx.prop_def(other)
                if td is not None and td.pred == pred:
                    return True
    except Exception:
        return True
    return False


def _may_repeat(values: list[Any]) -> bool:
    """Could this array yield the same RDF term twice? (Distinct node objects cannot,
    except through a repeated @id, which the walker tracks separately.)"""
    strings = [v for v in values if v.__class__ is str]
    if len(strings) == len(values):
        return len(set(strings)) < len(strings)
    return bool(strings) or any(v.__class__ is not dict or "@value" in v for v in values)


def _flatten(items: list[Any]) -> list[Any]:
    if not any(isinstance(i, list) for i in items):
        return items
    flat: list[Any] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else (item,))
    return flat


def _key_of(obj: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((k for k in keys if k in obj), None)


def _check_iri(value: str, holder: Any, key: str | None) -> None:
    if _IRI_BAD.search(value) is not None:
        raise _BadValue(f"{value!r} has characters not allowed in an IRI", holder, key)


def _check_language(tag: str, holder: Any, key: str | None) -> None:
    if _LANGTAG.match(tag) is None:
        raise _BadValue(f"{tag!r} is not a language tag", holder, key)


def _number_or_bool(
    value: Any, datatype: str | None, suffix: str | None, holder: Any, key: str | None
) -> str:
    """JSON-LD 1.1 *Object to RDF Conversion* for booleans and numbers (pyld's rules).

    ``suffix`` is the datatype part of the term for ``datatype`` (``""`` for xsd:string),
    or None when the value has no datatype of its own.
    """
    if value is True or value is False:
        text = "true" if value else "false"
        return f'"{text}"{_BOOL_SUFFIX if suffix is None else suffix}'
    if isinstance(value, int):
        if datatype == _XSD_DOUBLE or abs(value) >= 10**21:
            try:
                text = canonical_double(float(value))
            except OverflowError:
                raise _BadValue("number too large", holder, key) from None
            return f'"{text}"{_DOUBLE_SUFFIX if suffix is None else suffix}'
        return f'"{value}"{_INT_SUFFIX if suffix is None else suffix}'
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _BadValue("not a finite number", holder, key)
        if value.is_integer() and abs(value) < 1e21 and datatype != _XSD_DOUBLE:
            return f'"{int(value)}"{_INT_SUFFIX if suffix is None else suffix}'
        return f'"{canonical_double(value)}"{_DOUBLE_SUFFIX if suffix is None else suffix}'
    raise _BadValue(f"not a JSON value: {type(value).__name__}", holder, key)
