"""The compiled schema check answers exactly as ``jsonschema`` does (differential tests)."""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import schema
from microcred.verification import schema_fast

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"
SCHEMA = "ob_v3p0_achievementcredential_schema.json"


def _fixtures() -> list[dict[str, Any]]:
    found = []
    for path in sorted(OB30.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and schema.schema_for(data)[0] == SCHEMA:
            found.append(data)
    return found


FIXTURES = _fixtures()


def _jsonschema_valid(document: dict[str, Any]) -> bool:
    return not schema.validate_document(document, SCHEMA).problems


def _compiled_valid(document: dict[str, Any]) -> bool:
    check = schema_fast.compiled_check(SCHEMA)
    assert check is not None, "the pinned OB 3.0 schema must compile"
    instance = dict(document)
    if isinstance(instance.get("proof"), dict):
        instance["proof"] = [instance["proof"]]
    return check(instance)


def test_fixtures_are_there_and_some_are_invalid() -> None:
    verdicts = {_jsonschema_valid(doc) for doc in FIXTURES}
    assert len(FIXTURES) > 20 and verdicts == {True, False}


@pytest.mark.parametrize("index", range(len(FIXTURES)))
def test_fixture_verdicts_agree(index: int) -> None:
    document = FIXTURES[index]
    assert _compiled_valid(document) == _jsonschema_valid(document)
    assert schema_fast.validate_document(document) == schema.validate_document(document)


REPLACEMENTS = st.sampled_from(
    [None, True, 0, 1.5, 2.0, "", "x", "urn:uuid:1", "2024-01-01T00:00:00Z", [], {}, ["x"], [{}]]
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*here, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*here, index)))
    return found


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_mutated_documents_agree(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(FIXTURES)))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "wrap", "add"]))
        last = path[-1]
        if action == "delete":
            del parent[last]
        elif action == "wrap":
            parent[last] = [parent[last]]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "type", "id", "name"]))] = data.draw(
                REPLACEMENTS
            )
        else:
            parent[last] = data.draw(REPLACEMENTS)
    assert _compiled_valid(document) == _jsonschema_valid(document)
    assert schema_fast.validate_document(document) == schema.validate_document(document)


def test_values_that_are_not_plain_json_go_to_jsonschema() -> None:
    valid = next(doc for doc in FIXTURES if _jsonschema_valid(doc))
    odd = OrderedDict(copy.deepcopy(valid))
    odd["credentialSubject"] = OrderedDict(odd["credentialSubject"])
    assert schema_fast.validate_document(odd) == schema.validate_document(odd)
    assert not schema_fast._plain_json(dict(odd))


def test_other_schemas_fall_back() -> None:
    assert schema_fast.compiled_check("ob_v3p0_achievementcredential_schema_draft4.json") is None
