"""RDFC-1.0: RDF Dataset Canonicalization (W3C Recommendation, https://www.w3.org/TR/rdf-canon/).

``canonicalize(quads)`` returns the canonical N-Quads document: every blank node relabelled
``_:c14nN``, lines sorted in code point order, duplicates removed.

The algorithm follows the Recommendation step by step (§4.4 Canonicalization, §4.6 Hash First
Degree Quads, §4.7 Hash Related Blank Node, §4.8 Hash N-Degree Quads). Two things are added:

* **A fast path.** Credentials are tree-shaped: their few blank nodes almost always have
  distinct first-degree hashes, and then step 5 (Hash N-Degree Quads) has nothing to do.
  Quads are grouped by blank node once, first-degree hashes are built with plain string
  formatting, and labels are issued in hash order.
* **A work bound.** Hash N-Degree Quads is exponential on crafted graphs ("poison graphs",
  e.g. a clique of blank nodes). Its work is counted in units roughly proportional to the
  time spent: each call costs 1 + the number of its node's quads (related-node hashes), each
  permutation examined costs its length + the size of the issuer it copies. Past
  ``max_work`` units :class:`~microcred.errors.PoisonGraph` is raised. The default lets every
  positive test of the W3C suite through with a wide margin (its "evil" poison graphs need
  about 23,000 units) and refuses its 10-node clique within about 100,000 units (tens of
  milliseconds) instead of running for hours.

Terms must already be in canonical N-Quads form (see :mod:`microcred.canon.nquads`); blank
nodes are recognised in subject, object and graph position by their leading ``_``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from itertools import permutations

from microcred.canon.nquads import Quad, Term
from microcred.errors import CanonicalizationError, InvalidInput, PoisonGraph, Problem

__all__ = ["DEFAULT_MAX_WORK", "canonical_labels", "canonicalize", "relabel"]

#: Units of N-degree work allowed per canonicalization (see the module docstring). The W3C
#: suite's hardest positive tests (#test044c-#test046c) need 23,148; tree-shaped credentials
#: need none. About 1.3 million units run per second on a 2-core CI machine.
DEFAULT_MAX_WORK = 100_000

#: Deepest recursion of Hash N-Degree Quads allowed (a chain of indistinguishable nodes).
MAX_DEPTH = 100

_Hasher = Callable[[bytes], "hashlib._Hash"]
_HASHERS: dict[str, _Hasher] = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


def _hasher(name: str) -> _Hasher:
    hasher = _HASHERS.get(name.lower().replace("-", ""))
    if hasher is None:
        raise InvalidInput(
            "unsupported hash algorithm",
            [Problem("hash_algorithm", f"{name!r}: RDFC-1.0 here supports sha256 and sha384")],
        )
    return hasher


def _group(
    quads: Iterable[Quad],
) -> tuple[list[str], list[Quad], dict[Term, list[Quad]]]:
    """One pass over the deduplicated quads (first occurrences kept).

    Returns the finished N-Quads lines of the quads without blank nodes, the quads with blank
    nodes, and each blank node's quads, nodes in order of first appearance (subject, object,
    then graph of each quad).
    """
    plain_lines: list[str] = []
    blank_quads: list[Quad] = []
    by_node: dict[Term, list[Quad]] = {}
    for quad in dict.fromkeys(quads):
        s, p, o, g = quad
        s_blank = s[0] == "_"
        o_blank = o[0] == "_"
        g_blank = g[:1] == "_"
        if not (s_blank or o_blank or g_blank):
            plain_lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
            continue
        blank_quads.append(quad)
        if s_blank:
            entry = by_node.get(s)
            if entry is None:
                by_node[s] = [quad]
            else:
                entry.append(quad)
        if o_blank and o != s:
            entry = by_node.get(o)
            if entry is None:
                by_node[o] = [quad]
            else:
                entry.append(quad)
        if g_blank and g != s and g != o:
            entry = by_node.get(g)
            if entry is None:
                by_node[g] = [quad]
            else:
                entry.append(quad)
    return plain_lines, blank_quads, by_node


def _group_checked(
    quads: Iterable[Quad],
) -> tuple[list[str], list[Quad], dict[Term, list[Quad]]]:
    try:
        return _group(quads)
    except (IndexError, TypeError, ValueError) as exc:  # empty terms, not 4-tuples, not str
        raise CanonicalizationError(
            f"malformed quad ({exc}): expected (subject, predicate, object, graph) terms "
            "in canonical N-Quads form"
        ) from exc


def _first_degree_hash(node: Term, quads: list[Quad], hasher: _Hasher) -> str:
    """§4.6 Hash First Degree Quads: the node's quads with itself as ``_:a``, others ``_:z``."""
    lines = []
    for s, p, o, g in quads:
        if s[0] == "_":
            s = "_:a" if s == node else "_:z"
        if o[0] == "_":
            o = "_:a" if o == node else "_:z"
        if g:
            if g[0] == "_":
                g = "_:a" if g == node else "_:z"
            lines.append(f"{s} {p} {o} {g} .\n")
        else:
            lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    return hasher("".join(lines).encode()).hexdigest()


class _NDegree:
    """State of §4.4 step 5: the canonical issuer, first-degree hashes and the work budget."""

    __slots__ = ("by_node", "canon", "first", "hasher", "work_left")

    def __init__(
        self,
        by_node: dict[Term, list[Quad]],
        first: dict[Term, str],
        canon: dict[Term, Term],
        hasher: _Hasher,
        max_work: int,
    ) -> None:
        self.by_node = by_node
        self.first = first
        self.canon = canon
        self.hasher = hasher
        self.work_left = max_work

    def _spend(self, units: int) -> None:
        self.work_left -= units
        if self.work_left < 0:
            raise PoisonGraph(
                "RDFC-1.0 refused a poison graph: blank nodes too alike to tell apart within "
                "the work limit (Hash N-Degree Quads calls + permutations); raise max_work "
                "only for trusted input"
            )

    def _related_hash(
        self, related: Term, predicate: Term, issuer: dict[Term, Term], pos: str
    ) -> str:
        """§4.7 Hash Related Blank Node."""
        ident = self.canon.get(related) or issuer.get(related) or self.first[related]
        if pos == "g":
            return self.hasher(f"g{ident}".encode()).hexdigest()
        return self.hasher(f"{pos}{predicate}{ident}".encode()).hexdigest()

    def hash_n_degree(
        self, node: Term, issuer: dict[Term, Term], depth: int = 0
    ) -> tuple[str, dict[Term, Term]]:
        """§4.8 Hash N-Degree Quads. ``issuer`` maps node → temporary label, in issue order;
        it is never modified: the returned issuer is a new one (or the same when unchanged)."""
        node_quads = self.by_node[node]
        self._spend(1 + len(node_quads))
        if depth > MAX_DEPTH:
            raise PoisonGraph(
                f"RDFC-1.0 refused a poison graph: Hash N-Degree Quads recursed past {MAX_DEPTH}"
            )
        related_by_hash: dict[str, list[Term]] = {}
        for s, p, o, g in node_quads:
            for component, pos in ((s, "s"), (o, "o"), (g, "g")):
                if component and component[0] == "_" and component != node:
                    h = self._related_hash(component, p, issuer, pos)
                    related_by_hash.setdefault(h, []).append(component)

        canon = self.canon
        data: list[str] = []
        for related_hash in sorted(related_by_hash):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: dict[Term, Term] | None = None
            for permutation in permutations(related_by_hash[related_hash]):
                self._spend(len(permutation) + len(issuer))
                issuer_copy = dict(issuer)
                path = ""
                recursion: list[Term] = []
                for related in permutation:
                    label = canon.get(related)
                    if label is None:
                        label = issuer_copy.get(related)
                        if label is None:
                            recursion.append(related)
                            label = f"_:b{len(issuer_copy)}"
                            issuer_copy[related] = label
                    path += label
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        break
                else:
                    for related in recursion:
                        result_hash, result_issuer = self.hash_n_degree(
                            related, issuer_copy, depth + 1
                        )
                        path += f"{issuer_copy[related]}<{result_hash}>"
                        issuer_copy = result_issuer
                        if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                            break
                    else:
                        if not chosen_path or path < chosen_path:
                            chosen_path = path
                            chosen_issuer = issuer_copy
            data.append(chosen_path)
            assert chosen_issuer is not None  # the first permutation is never skipped
            issuer = chosen_issuer
        return self.hasher("".join(data).encode()).hexdigest(), issuer


def _issue_labels(
    by_node: dict[Term, list[Quad]], hasher: _Hasher, max_work: int
) -> dict[Term, Term]:
    """§4.4 steps 3–5: map every blank node term to its canonical term ``_:c14nN``."""
    first: dict[Term, str] = {}
    nodes_by_hash: dict[str, list[Term]] = {}
    for node, node_quads in by_node.items():
        h = _first_degree_hash(node, node_quads, hasher)
        first[node] = h
        nodes_by_hash.setdefault(h, []).append(node)

    canon: dict[Term, Term] = {}
    shared: list[list[Term]] = []
    for h in sorted(nodes_by_hash):
        nodes = nodes_by_hash[h]
        if len(nodes) == 1:
            canon[nodes[0]] = f"_:c14n{len(canon)}"
        else:
            shared.append(nodes)
    if not shared:
        return canon

    state = _NDegree(by_node, first, canon, hasher, max_work)
    for nodes in shared:
        results: list[tuple[str, dict[Term, Term]]] = []
        for node in nodes:
            if node in canon:
                continue
            results.append(state.hash_n_degree(node, {node: "_:b0"}))
        results.sort(key=lambda result: result[0])
        for _, issuer in results:
            for node in issuer:
                if node not in canon:
                    canon[node] = f"_:c14n{len(canon)}"
    return canon


def _relabelled_lines(quads: list[Quad], labels: Mapping[Term, Term]) -> list[str]:
    lines = []
    for s, p, o, g in quads:
        if s[0] == "_":
            s = labels[s]
        if o[0] == "_":
            o = labels[o]
        if g:
            if g[0] == "_":
                g = labels[g]
            lines.append(f"{s} {p} {o} {g} .\n")
        else:
            lines.append(f"{s} {p} {o} .\n")
    return lines


def canonicalize(
    quads: Iterable[Quad], *, hash_algorithm: str = "sha256", max_work: int = DEFAULT_MAX_WORK
) -> str:
    """The RDFC-1.0 canonical N-Quads document of the dataset ``quads``.

    Lines are sorted in code point order, each ends in ``\\n``, duplicates are removed.
    Raises :class:`~microcred.errors.PoisonGraph` when the N-degree work would exceed
    ``max_work`` units, :class:`~microcred.errors.CanonicalizationError` for a quad that is
    not four terms, and :class:`~microcred.errors.InvalidInput` for an unknown hash.
    """
    hasher = _hasher(hash_algorithm)
    if isinstance(quads, list):
        text = _canonicalize_default_graph(quads, hasher)
        if text is not None:
            return text
    lines, blank_quads, by_node = _group_checked(quads)
    if by_node:
        lines += _relabelled_lines(blank_quads, _issue_labels(by_node, hasher, max_work))
    lines.sort()
    return "".join(lines)


class CanonicalPiece:
    """Private to microcred: what part of a dataset contributes to the one-pass fast path of
    :func:`canonicalize`, computed once for a part that recurs (a subtree shared by the
    documents of a batch): the finished lines of its quads without blank nodes, its blank
    nodes with their first-degree hashes (SHA-256), and its quads with blank nodes.

    Only valid for a part whose blank nodes occur in no quad outside it."""

    __slots__ = ("blank_quads", "digests", "lines")

    def __init__(
        self,
        lines: list[str],
        digests: list[tuple[str, Term]],
        blank_quads: list[tuple[Term, Term, Term]],
    ) -> None:
        self.lines, self.digests, self.blank_quads = lines, digests, blank_quads


def first_degree_piece(quads: list[Quad]) -> CanonicalPiece | None:
    """The :class:`CanonicalPiece` of ``quads``; None when they repeat a quad, leave the
    default graph or have two blank nodes of one first-degree hash."""
    if len(set(quads)) != len(quads):
        return None
    read = _read_default_graph(quads)
    if read is None:
        return None
    lines, first, blank_quads = read
    digests: list[tuple[str, Term]] = []
    seen: set[str] = set()
    for node, node_lines in first.items():
        node_lines.sort()
        digest = hashlib.sha256("".join(node_lines).encode()).hexdigest()
        if digest in seen:
            return None
        seen.add(digest)
        digests.append((digest, node))
    return CanonicalPiece(lines, digests, blank_quads)


def canonicalize_with_pieces(quads: list[Quad], pieces: list[CanonicalPiece]) -> str | None:
    """SHA-256 RDFC-1.0 of ``quads`` plus the parts ``pieces`` stand for, when the one-pass
    fast path applies (else None: use the full algorithm on every quad). The caller
    guarantees that no quad of a piece repeats a quad of ``quads`` or of another piece."""
    return _canonicalize_default_graph(quads, hashlib.sha256, pieces)


def _read_default_graph(
    quads: Iterable[Quad],
) -> tuple[list[str], dict[Term, list[str]], list[tuple[Term, Term, Term]]] | None:
    """One pass: the finished lines of the quads without blank nodes, each blank node's
    first-degree lines (§4.6: itself ``_:a``, others ``_:z``, unsorted) and the quads with
    blank nodes. None when a quad is not in the default graph or is malformed."""
    lines: list[str] = []
    first: dict[Term, list[str]] = {}
    blank_quads: list[tuple[Term, Term, Term]] = []
    try:
        for s, p, o, g in quads:
            if g != "":
                return None
            if s[0] == "_":
                blank_quads.append((s, p, o))
                if o[0] == "_":
                    if o == s:
                        line = f"_:a {p} _:a .\n"
                    else:
                        line = f"_:z {p} _:a .\n"
                        entry = first.get(o)
                        if entry is None:
                            first[o] = [line]
                        else:
                            entry.append(line)
                        line = f"_:a {p} _:z .\n"
                else:
                    line = f"_:a {p} {o} .\n"
                entry = first.get(s)
                if entry is None:
                    first[s] = [line]
                else:
                    entry.append(line)
            elif o[0] == "_":
                blank_quads.append((s, p, o))
                line = f"{s} {p} _:a .\n"
                entry = first.get(o)
                if entry is None:
                    first[o] = [line]
                else:
                    entry.append(line)
            else:
                lines.append(f"{s} {p} {o} .\n")
    except (IndexError, TypeError, ValueError):
        return None  # malformed: the full path reports it
    return lines, first, blank_quads


def _canonicalize_default_graph(
    quads: list[Quad], hasher: _Hasher, pieces: list[CanonicalPiece] | None = None
) -> str | None:
    """The common case in one pass: every quad in the default graph, every blank node with a
    first-degree hash of its own. Then §4.4 step 5 has nothing to do and the canonical labels
    follow the sorted hashes. Returns None for anything else (the full algorithm decides).

    Each blank node's first-degree lines (§4.6: itself ``_:a``, others ``_:z``) are written
    while the quads are read, so no quad is visited twice. ``pieces`` (SHA-256 only) add
    parts of the dataset read before (see :class:`CanonicalPiece`).
    """
    try:
        unique = dict.fromkeys(quads)
    except TypeError:
        return None  # malformed: the full path reports it
    read = _read_default_graph(unique)
    if read is None:
        return None
    lines, first, blank_quads = read
    if first or pieces:
        hashed: dict[str, object] = {}
        for node, node_lines in first.items():
            if len(node_lines) > 1:
                node_lines.sort()
            digest = hasher("".join(node_lines).encode()).hexdigest()
            if digest in hashed:
                return None  # shared first-degree hash: Hash N-Degree Quads is needed
            hashed[digest] = node
        if pieces:
            for index, piece in enumerate(pieces):
                lines += piece.lines
                for digest, piece_node in piece.digests:
                    if digest in hashed:
                        return None
                    hashed[digest] = (index, piece_node)
        labels = {hashed[digest]: f"_:c14n{i}" for i, digest in enumerate(sorted(hashed))}
        for s, p, o in blank_quads:
            lines.append(f"{labels.get(s, s)} {p} {labels.get(o, o)} .\n")
        if pieces:
            for index, piece in enumerate(pieces):
                for s, p, o in piece.blank_quads:
                    if s[0] == "_":
                        s = labels[(index, s)]
                    if o[0] == "_":
                        o = labels[(index, o)]
                    lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    return "".join(lines)


def canonicalize_lines(
    lines: list[str],
    tails: Mapping[Term, list[str]],
    edges: list[tuple[Term, Term, Term]],
    hasher: _Hasher = hashlib.sha256,
) -> str | None:
    """Private to microcred: the one-pass fast path of :func:`canonicalize` over a dataset
    given as finished N-Quads text, for a walker that writes it directly (default graph, no
    repeated quad — the caller guarantees both):

    * ``lines``: the lines without blank nodes (this list is extended and sorted in place);
    * ``tails``: each blank node → the ends ``" <p> o .\n"`` of the quads it is the subject
      of whose object is not a blank node (every blank node of the walk, maybe none);
    * ``edges``: the quads ``(s, p, o)`` whose object ``o`` is a blank node.

    Returns None when two blank nodes share a first-degree hash (then Hash N-Degree Quads
    decides: use the full algorithm).
    """
    first: dict[Term, list[str]] = {}
    for node, own in tails.items():
        if own:
            first[node] = ["_:a" + tail for tail in own]
    for s, p, o in edges:
        if s[0] == "_":
            if s == o:
                line = f"_:a {p} _:a .\n"
            else:
                line = f"_:a {p} _:z .\n"
                entry = first.get(s)
                if entry is None:
                    first[s] = [line]
                else:
                    entry.append(line)
                line = f"_:z {p} _:a .\n"
        else:
            line = f"{s} {p} _:a .\n"
        entry = first.get(o)
        if entry is None:
            first[o] = [line]
        else:
            entry.append(line)
    if first:
        hashed: dict[str, Term] = {}
        for node, node_lines in first.items():
            if len(node_lines) > 1:
                node_lines.sort()
            digest = hasher("".join(node_lines).encode()).hexdigest()
            if digest in hashed:
                return None  # shared first-degree hash: Hash N-Degree Quads is needed
            hashed[digest] = node
        labels = {hashed[digest]: f"_:c14n{i}" for i, digest in enumerate(sorted(hashed))}
        for node, own in tails.items():
            if own:
                label = labels[node]
                lines += [label + tail for tail in own]
        for s, p, o in edges:
            lines.append(f"{labels.get(s, s)} {p} {labels[o]} .\n")
    lines.sort()
    return "".join(lines)


def canonical_labels(
    quads: Iterable[Quad], *, hash_algorithm: str = "sha256", max_work: int = DEFAULT_MAX_WORK
) -> dict[str, str]:
    """The issued identifiers map of RDFC-1.0: input blank node label → canonical label,
    both without ``_:`` (e.g. ``{"e0": "c14n0"}``), in the order the labels were issued."""
    _, _, by_node = _group_checked(quads)
    issued = _issue_labels(by_node, _hasher(hash_algorithm), max_work)
    return {node[2:]: label[2:] for node, label in issued.items()}


def relabel(quads: Iterable[Quad], labels: Mapping[str, str]) -> list[Quad]:
    """The quads with each blank node ``_:x`` replaced by ``_:`` + ``labels["x"]``.

    Raises :class:`~microcred.errors.CanonicalizationError` for a blank node with no label.
    """
    out: list[Quad] = []
    for quad in quads:
        terms = []
        for term in quad:
            if term and term[0] == "_":
                label = labels.get(term[2:])
                if label is None:
                    raise CanonicalizationError(f"no label for blank node {term}")
                term = f"_:{label}"
            terms.append(term)
        s, p, o, g = terms
        out.append((s, p, o, g))
    return out
