"""Checking xAPI statements as an LRS receives them (xAPI 1.0.3 / IEEE 9274.1.1 "2.0", the
subset content tools and LMSs send): the structure is refused with the field named; what the
statement means for our learning record is decided in :mod:`~microcred_web.xapi.services`."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
VERB_SCORED = "http://adlnet.gov/expapi/verbs/scored"
#: what the LRS sets itself; left out when comparing two copies of a statement
LRS_PROPERTIES = ("id", "stored", "authority", "version")
SUPPORTED_VERSIONS = ("1.0.", "2.0.")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@dataclass
class Problem:
    field: str
    message: str


@dataclass
class StatementRefused(Exception):
    """One or more statements of a request are malformed (nothing was stored)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.message}" for p in self.problems)


@dataclass(frozen=True)
class Statement:
    """A checked statement: what the services need, plus the body to store."""

    statement_id: uuid.UUID | None
    actor: dict[str, Any]
    verb: str
    object_type: str
    object_id: str
    result: dict[str, Any]
    timestamp: datetime | None
    body: dict[str, Any]
    digest: str


def version_supported(header: str | None) -> bool:
    """``X-Experience-API-Version``: 1.0.x or 2.0.x."""
    value = (header or "").strip()
    if value in ("1.0", "2.0"):
        return True
    return any(value.startswith(prefix) and value[4:].isdigit() for prefix in SUPPORTED_VERSIONS)


def statement_digest(body: dict[str, Any]) -> str:
    """Equal for two copies of a statement that differ only in what the LRS sets."""
    kept = {key: value for key, value in body.items() if key not in LRS_PROPERTIES}
    canonical = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _iri(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 400 and bool(_IRI.match(value))


def parse_uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _actor(actor: Any, where: str, problems: list[Problem]) -> dict[str, Any]:
    if not isinstance(actor, dict):
        problems.append(Problem(where, _("an Agent object is required")))
        return {}
    if actor.get("objectType", "Agent") != "Agent":
        problems.append(Problem(f"{where}.objectType", _("only an Agent is accepted")))
    identifiers = [key for key in ("mbox", "mbox_sha1sum", "openid", "account") if key in actor]
    if len(identifiers) != 1:
        problems.append(
            Problem(where, _("exactly one of mbox, mbox_sha1sum, openid or account is required"))
        )
        return actor
    if "mbox" in actor and not (
        isinstance(actor["mbox"], str) and actor["mbox"].startswith("mailto:")
    ):
        problems.append(Problem(f"{where}.mbox", _("must be a mailto: address")))
    account = actor.get("account")
    if "account" in actor and not (
        isinstance(account, dict)
        and _iri(account.get("homePage"))
        and isinstance(account.get("name"), str)
        and account["name"]
    ):
        problems.append(Problem(f"{where}.account", _("homePage (an IRI) and name are required")))
    return actor


def _result(result: Any, where: str, problems: list[Problem]) -> dict[str, Any]:
    if result is None:
        return {}
    if not isinstance(result, dict):
        problems.append(Problem(where, _("must be an object")))
        return {}
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            problems.append(Problem(f"{where}.{flag}", _("must be true or false")))
    score = result.get("score")
    if score is None:
        return result
    if not isinstance(score, dict):
        problems.append(Problem(f"{where}.score", _("must be an object")))
        return result
    for name in ("scaled", "raw", "min", "max"):
        value = score.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(Problem(f"{where}.score.{name}", _("must be a number")))
            return result
    scaled = score.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        problems.append(Problem(f"{where}.score.scaled", _("must be between -1 and 1")))
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and low >= high:
        problems.append(Problem(f"{where}.score.max", _("must be greater than min")))
    elif raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        problems.append(Problem(f"{where}.score.raw", _("must be between min and max")))
    return result


def statement_check(raw: Any, where: str, problems: list[Problem]) -> Statement | None:
    """Check one statement; append problems (field paths start with ``where``)."""
    start = len(problems)
    if not isinstance(raw, dict):
        problems.append(Problem(where or "statement", _("a statement must be a JSON object")))
        return None
    prefix = f"{where}." if where else ""
    statement_id = None
    if "id" in raw:
        statement_id = parse_uuid(raw["id"])
        if statement_id is None:
            problems.append(Problem(f"{prefix}id", _("must be a UUID")))
    actor = _actor(raw.get("actor"), f"{prefix}actor", problems)
    verb = raw.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not _iri(verb_id):
        problems.append(Problem(f"{prefix}verb.id", _("an IRI is required")))
    target = raw.get("object")
    object_type = target.get("objectType", "Activity") if isinstance(target, dict) else ""
    object_id = target.get("id") if isinstance(target, dict) else None
    if object_type == "StatementRef":
        if parse_uuid(object_id) is None:
            problems.append(Problem(f"{prefix}object.id", _("must be a statement id (UUID)")))
    elif object_type == "Activity":
        if not _iri(object_id):
            problems.append(Problem(f"{prefix}object.id", _("an IRI is required")))
    else:
        problems.append(
            Problem(f"{prefix}object.objectType", _("must be Activity or StatementRef"))
        )
    if verb_id == VERB_VOIDED and object_type != "StatementRef":
        problems.append(Problem(f"{prefix}object", _("a voiding statement targets a StatementRef")))
    result = _result(raw.get("result"), f"{prefix}result", problems)
    timestamp = None
    if "timestamp" in raw:
        timestamp = _timestamp(raw["timestamp"])
        if timestamp is None:
            problems.append(
                Problem(f"{prefix}timestamp", _("an ISO 8601 date and time with a time zone"))
            )
    if len(problems) > start:
        return None
    return Statement(
        statement_id=statement_id,
        actor=actor,
        verb=str(verb_id),
        object_type=object_type,
        object_id=str(object_id),
        result=result,
        timestamp=timestamp,
        body=raw,
        digest=statement_digest(raw),
    )


def statements_check(payload: Any) -> list[Statement]:
    """One statement or a list of them; raises :class:`StatementRefused` naming every bad field."""
    batch = isinstance(payload, list)
    items = payload if batch else [payload]
    problems: list[Problem] = []
    checked = []
    if not items:
        raise StatementRefused([Problem("statements", _("no statements were sent"))])
    for index, item in enumerate(items):
        statement = statement_check(item, f"[{index}]" if batch else "", problems)
        if statement is not None:
            checked.append(statement)
    ids = [s.statement_id for s in checked if s.statement_id is not None]
    if len(ids) != len(set(ids)):
        problems.append(Problem("id", _("the same statement id appears twice in the request")))
    if problems:
        raise StatementRefused(problems)
    return checked
