"""The schema check: the pinned OB 3.0 / CLR JSON Schemas and ``credentialSchema`` entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred import schema as schemas
from microcred.errors import Problem, ResolutionError
from microcred.verification.common import VerifyContext, join_problems
from microcred.verification.keys import fetch
from microcred.verification.profile import is_plain_vc
from microcred.verification.report import Check
from microcred.verification.schema_fast import validate_document


def check_schema(document: Mapping[str, Any], ctx: VerifyContext) -> list[Check]:
    result = validate_document(document)
    problems = list(result.problems)
    notes = [f"{result.note}" if result.schema else result.note]
    entries = document.get("credentialSchema")
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    unread: list[str] = []
    for index, entry in enumerate(entries):
        path = f"$.credentialSchema[{index}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            problems.append(Problem(path, "must be an object with an id"))
            continue
        schema_id = entry["id"]
        if schema_id in schemas.KNOWN_SCHEMA_IDS:
            pinned = schemas.KNOWN_SCHEMA_IDS[schema_id]
            if pinned is not None and pinned != result.schema:
                problems.extend(validate_document(document, pinned).problems)
            continue
        try:
            resource = fetch(ctx.resolver, schema_id)
        except ResolutionError:
            if is_plain_vc(document):  # VC DM 2.0: a schema a verifier cannot use is a warning
                unread.append(f"{path}: could not read the schema resource {schema_id}")
            else:
                problems.append(Problem(path, f"could not read the schema resource {schema_id}"))
            continue
        problems.extend(_validate_fetched_schema(document, resource, path))
        notes.append(f"credentialSchema {schema_id}")
    if problems:
        return [
            Check("schema", "fail", f"does not match its JSON Schema: {join_problems(problems)}")
        ]
    if unread:
        return [Check("schema", "warn", "; ".join(unread) + " (not checked)")]
    if result.schema is None and not entries:
        return [Check("schema", "skip", result.note)]
    return [Check("schema", "pass", "valid against " + ", ".join(notes))]


def _validate_fetched_schema(
    document: Mapping[str, Any], resource: Mapping[str, Any], path: str
) -> list[Problem]:
    import jsonschema
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    try:
        cls: Any = jsonschema.validators.validator_for(resource, default=jsonschema.Draft7Validator)
        cls.check_schema(resource)
        validator = cls(resource, registry=Registry(retrieve=refuse))  # type: ignore[call-arg]
        return [
            Problem(path, f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message[:150]}")
            for e in list(validator.iter_errors(dict(document)))[:20]
        ]
    except Exception as exc:
        return [Problem(path, f"the schema resource is unusable ({type(exc).__name__})")]
