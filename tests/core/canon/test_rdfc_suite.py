"""The W3C RDFC-1.0 suite (tests/vectors/rdf-canon/tests/manifest.jsonld), one param per test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.canon.nquads import parse_nquads
from microcred.canon.rdfc import canonical_labels, canonicalize
from microcred.errors import PoisonGraph

SUITE = Path(__file__).resolve().parents[2] / "vectors" / "rdf-canon" / "tests"
MANIFEST: list[dict[str, Any]] = json.loads((SUITE / "manifest.jsonld").read_text("utf-8"))[
    "entries"
]


def _entries(kind: str) -> list[Any]:
    return [
        pytest.param(entry, id=entry["id"].lstrip("#"))
        for entry in MANIFEST
        if entry["type"] == f"rdfc:{kind}"
    ]


def _read(relative: str) -> str:
    # newline="" keeps the bytes as they are: the comparison is exact
    with (SUITE / relative).open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _hash_algorithm(entry: dict[str, Any]) -> str:
    return {"SHA256": "sha256", "SHA384": "sha384"}[entry.get("hashAlgorithm", "SHA256")]


def test_manifest_has_every_test() -> None:
    kinds = [entry["type"] for entry in MANIFEST]
    assert len(MANIFEST) == 86
    assert kinds.count("rdfc:RDFC10EvalTest") == 64
    assert kinds.count("rdfc:RDFC10MapTest") == 21
    assert kinds.count("rdfc:RDFC10NegativeEvalTest") == 1


@pytest.mark.parametrize("entry", _entries("RDFC10EvalTest"))
def test_eval(entry: dict[str, Any]) -> None:
    quads = parse_nquads(_read(entry["action"]))
    expected = _read(entry["result"])
    assert canonicalize(quads, hash_algorithm=_hash_algorithm(entry)) == expected


@pytest.mark.parametrize("entry", _entries("RDFC10MapTest"))
def test_map(entry: dict[str, Any]) -> None:
    quads = parse_nquads(_read(entry["action"]))
    expected = json.loads(_read(entry["result"]))
    labels = canonical_labels(quads, hash_algorithm=_hash_algorithm(entry))
    assert labels == expected
    input_labels = {term[2:] for quad in quads for term in quad if term.startswith("_:")}
    assert set(labels) == input_labels


@pytest.mark.parametrize("entry", _entries("RDFC10NegativeEvalTest"))
def test_negative_poison_graph_is_refused(entry: dict[str, Any]) -> None:
    quads = parse_nquads(_read(entry["action"]))
    with pytest.raises(PoisonGraph, match="poison graph"):
        canonicalize(quads, hash_algorithm=_hash_algorithm(entry))


@pytest.mark.parametrize("entry", _entries("RDFC10NegativeEvalTest"))
def test_negative_poison_graph_refused_by_a_small_budget_too(entry: dict[str, Any]) -> None:
    with pytest.raises(PoisonGraph):
        canonicalize(parse_nquads(_read(entry["action"])), max_work=100)


def test_evil_poison_graphs_need_n_degree_work_below_the_default() -> None:
    # #test044c-#test046c are positive tests: computable, but not with a tiny budget
    quads = parse_nquads(_read("rdfc10/test044-in.nq"))
    with pytest.raises(PoisonGraph):
        canonicalize(quads, max_work=1000)
    assert canonicalize(quads) == _read("rdfc10/test044-rdfc10.nq")
