"""The public verifier's core: one verdict for whatever a visitor gave, explained in plain words.

It reuses the site's verification (:func:`microcred_web.issuing.verification.credential_verify`
— the engine with our database as resolver and our key cut-offs), with a resolver that also
reaches foreign issuers through the guarded fetcher.

Speed: the expensive checks that do not depend on time or status (parse, schema, contexts,
terms, signature, issuer, …) are remembered per input, keyed by the SHA-256 of the input and
the issuer's key cut-offs. Dates, status-list bits and our suspension flag are evaluated again
on every request; the status-list result is reused while the list's version in the database is
unchanged (our lists) or for a few seconds (foreign lists). Our credential's status row
(revocation, suspension, list version) is itself remembered for ``MICROCRED_VERIFY_STATUS_TTL``
seconds (default 2), so a revocation shows on this verifier within that time.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from microcred.contexts import default_registry
from microcred.tlog.verdict import transparency_check
from microcred.trust.check import trust_check
from microcred.trust.registry import Registry
from microcred.verification.common import VerifyContext
from microcred.verification.dates import check_valid_from, check_valid_until
from microcred.verification.pipeline import run_checks
from microcred.verification.report import CHECK_ORDER, Check, VerificationReport
from microcred.verification.status import check_status
from microcred_web.common.db import (
    column_converters,
    concrete_field,
    hot_cursor,
    instance_from_row,
)
from microcred_web.common.safe_fetch import GuardedResolver
from microcred_web.common.text_input import shown
from microcred_web.issuing.check_words import (
    CHECK_TEXT,
    NOT_AS_SIGNED_EXPLANATION,
    plain_label,
    plain_message,
    shown_differs_from_signed,
)
from microcred_web.issuing.eu_words import eu_rows
from microcred_web.issuing.identity import host_did
from microcred_web.issuing.models import Credential, StatusList
from microcred_web.issuing.signing import retired_keys_for
from microcred_web.issuing.verification import LocalResolver, credential_verify
from microcred_web.orgs.models import Organisation
from microcred_web.transparency.services import credential_inclusion
from microcred_web.verifier import inputs
from microcred_web.verifier.inputs import Submission

DYNAMIC_CHECKS: Final = frozenset({"valid-from", "valid-until", "status"})
CACHE_SIZE: Final = 4096
#: default of ``MICROCRED_VERIFY_CACHE_BYTES``, the bytes all verifier caches hold together
DEFAULT_CACHE_BYTES: Final = 32 * 1024 * 1024
#: an entry heavier than its cache's budget divided by this is not cached
MAX_ENTRY_SHARE: Final = 16
#: the approximate bytes of an entry beyond the sizes counted (keys, objects, references)
ENTRY_OVERHEAD: Final = 512
#: parsed JSON takes several times the bytes of its text in Python objects
PARSED_FACTOR: Final = 4
RETIRED_TTL: Final = 5.0  # seconds our key cut-offs are reused
FOREIGN_STATUS_TTL: Final = 30.0  # seconds a foreign status-list result is reused

#: the verdict words shown to people (the engine's "malformed" is "not a credential")
VERDICTS: Final[dict[str, Promise]] = {
    "valid": gettext_lazy("Valid"),
    "revoked": gettext_lazy("Revoked"),
    "suspended": gettext_lazy("Suspended"),
    "expired": gettext_lazy("Expired"),
    "not-yet-valid": gettext_lazy("Not yet valid"),
    "tampered": gettext_lazy("Tampered"),
    "unknown-issuer": gettext_lazy("Unknown issuer"),
    "status-unknown": gettext_lazy("Status unknown"),
    "not-a-credential": gettext_lazy("Not a credential"),
    "invalid": gettext_lazy("Not valid"),
}
EXPLANATIONS: Final[dict[str, Promise]] = {
    "valid": gettext_lazy("Every check passed: the issuer signed this credential and it holds."),
    "revoked": gettext_lazy("The issuer has withdrawn this credential."),
    "suspended": gettext_lazy("The issuer has put this credential on hold."),
    "expired": gettext_lazy("This credential was genuine but its validity has ended."),
    "not-yet-valid": gettext_lazy("This credential only takes effect at a later date."),
    "tampered": gettext_lazy(
        "This credential was changed after it was signed: do not trust what it says."
    ),
    "unknown-issuer": gettext_lazy(
        "The key that signed this credential is not published by the issuer named on it: "
        "do not trust what it says."
    ),
    "status-unknown": gettext_lazy(
        "The issuer signed this credential and its dates hold, but the issuer's status list "
        "could not be retrieved: whether it has been revoked or suspended is unknown."
    ),
    "not-a-credential": gettext_lazy("This is not a credential we can read."),
    "invalid": gettext_lazy("This credential did not pass every check."),
}


@dataclass(frozen=True, slots=True)
class CheckLine:
    id: str
    status: str  # pass / fail / warn / skip
    label: str
    message: str  # plain words
    detail: str  # the engine's own wording

    @property
    def ok(self) -> bool | None:
        return True if self.status == "pass" else False if self.status == "fail" else None


@dataclass(slots=True)
class Outcome:
    verdict: str
    checks: list[CheckLine]
    summary: dict[str, Any] = field(default_factory=dict)
    credential: Credential | None = None
    reason: str = ""  # revocation / suspension reason from our records
    failed: list[str] = field(default_factory=list)  # labels of the failed checks
    cached: bool = False
    #: what this outcome was built from (see verify_submission); equal keys, equal outcomes
    memo_key: Any = None
    explained: str = ""  # replaces the verdict's usual explanation

    @property
    def word(self) -> str:
        return str(VERDICTS.get(self.verdict, self.verdict))

    @property
    def explanation(self) -> str:
        return self.explained or str(EXPLANATIONS.get(self.verdict, ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "headline": self.word,
            "explanation": self.explanation,
            "reason": self.reason or None,
            "checks": [
                {
                    "id": c.id,
                    "ok": c.ok,
                    "status": c.status,
                    "label": c.label,
                    "message": c.message,
                    "detail": c.detail,
                }
                for c in self.checks
            ],
            "credential": self.summary or None,
        }


# --------------------------------------------------------------------------- caches


@dataclass(frozen=True, slots=True)
class _Static:
    """The time- and status-independent part of one verification."""

    checks: tuple[Check, ...]
    document: Mapping[str, Any] | None
    container: str
    issuer_slug: str
    retired_fingerprint: str
    public_id: str  # ours, or ""
    status_key: str  # the credentialStatus as canonical JSON (part of the status cache's key)


class Lru:
    """A thread-safe least-recently-used map bounded by entries and by approximate bytes.

    ``put`` takes the entry's approximate size (``weight``, in bytes); an entry heavier than
    ``max_bytes // MAX_ENTRY_SHARE`` is not stored at all (one huge anonymous request must not
    push out everything else), and the oldest entries go while the total is over budget.
    ``get`` answers None when absent.
    """

    def __init__(self, size: int, max_bytes: int = 1 << 62) -> None:
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._size = size
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def weight(self) -> int:
        """The approximate bytes held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def limit(self, max_bytes: int) -> None:
        """Set the byte budget (and forget everything)."""
        with self._lock:
            self._max_bytes = max_bytes
            self._items.clear()
            self._bytes = 0

    def get(self, key: Any) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Any, value: Any, weight: int = ENTRY_OVERHEAD) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if weight > self._max_bytes // MAX_ENTRY_SHARE:
                return
            self._items[key] = (value, weight)
            self._bytes += weight
            while len(self._items) > self._size or self._bytes > self._max_bytes:
                self._bytes -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


#: share of ``MICROCRED_VERIFY_CACHE_BYTES`` each cache may hold
CACHE_SHARES: Final = {
    "static": 0.40,
    "outcome": 0.20,
    "json": 0.15,
    "status": 0.10,
    "ours": 0.10,
    "retired": 0.01,
    "bodies": 0.04,
}
_static_cache = Lru(CACHE_SIZE)
_status_cache = Lru(CACHE_SIZE)
_retired_cache = Lru(256)
_ours_cache = Lru(CACHE_SIZE)
_outcome_cache = Lru(CACHE_SIZE)
_json_cache = Lru(CACHE_SIZE)
#: credential public id → its passed transparency check (a log only grows: it stays true)
_logged_cache = Lru(CACHE_SIZE, max_bytes=4 << 20)
#: SHA-256 of JSON bodies that were read before and were the credential itself (views.py)
whole_bodies = Lru(CACHE_SIZE)
_CACHES: Final = {
    "static": _static_cache,
    "outcome": _outcome_cache,
    "json": _json_cache,
    "status": _status_cache,
    "ours": _ours_cache,
    "retired": _retired_cache,
    "bodies": whole_bodies,
}


def cache_budget() -> int:
    """``MICROCRED_VERIFY_CACHE_BYTES``: the approximate bytes all verifier caches may hold."""
    return int(getattr(settings, "MICROCRED_VERIFY_CACHE_BYTES", DEFAULT_CACHE_BYTES))


def caches_weight() -> int:
    """The approximate bytes the verifier caches hold now (tests, monitoring)."""
    return sum(cache.weight for cache in _CACHES.values())


def caches_clear() -> None:
    """Forget every remembered result (tests; the benchmark's uncached baseline) and take
    the byte budget from the settings again."""
    budget = cache_budget()
    _logged_cache.clear()
    for name, cache in _CACHES.items():
        cache.limit(int(budget * CACHE_SHARES[name]))


caches_clear()


def _retired_entry(slug: str) -> tuple[dict[str, datetime], str]:
    """The key cut-offs of our organisation ``slug`` and their fingerprint (short TTL)."""
    if not slug:
        return {}, ""
    now = time.monotonic()
    hit = _retired_cache.get(slug)
    if hit is not None and hit[0] > now:
        return dict(hit[1]), hit[2]
    organisation = Organisation.objects.filter(slug=slug).first()
    retired = retired_keys_for(organisation=organisation) if organisation else {}
    fingerprint = _fingerprint(retired)
    _retired_cache.put(
        slug,
        (now + RETIRED_TTL, retired, fingerprint),
        ENTRY_OVERHEAD + len(slug) + len(fingerprint) * 2,
    )
    return dict(retired), fingerprint


def _retired_for(slug: str) -> dict[str, datetime]:
    return _retired_entry(slug)[0]


def _fingerprint(retired: Mapping[str, datetime]) -> str:
    return ",".join(f"{k}={v.isoformat()}" for k, v in sorted(retired.items()))


_ISSUER_PREFIX = re.compile(r":o:([-\w]+)(?:#.*)?$")


def _issuer_slug(document: Mapping[str, Any] | None) -> str:
    """The slug of our organisation that issued ``document``, or ""."""
    if not isinstance(document, Mapping):
        return ""
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    prefix = host_did() + ":o:"
    if not isinstance(issuer_id, str) or not issuer_id.startswith(prefix):
        return ""
    match = _ISSUER_PREFIX.search(issuer_id)
    return match[1] if match else ""


def _status_key(document: Mapping[str, Any] | None) -> str:
    status = document.get("credentialStatus") if isinstance(document, Mapping) else None
    return json.dumps(status, sort_keys=True, default=str)


def _input_key(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


# --------------------------------------------------------------------------- verification


def resolver_for_visitor() -> GuardedResolver:
    """Our documents from the database; anyone else's only through the guarded fetcher."""
    base = str(settings.BASE_URL).rstrip("/")
    return GuardedResolver(
        local=LocalResolver(),
        local_prefixes=(host_did(), base + "/"),
        fetch=lambda url: inputs.fetcher(url, max_bytes=500_000, timeout=3.0),
    )


_OURS_FIELDS: Final = (
    "id",
    "public_id",
    "organisation_id",
    "recipient_name",
    "revoked_at",
    "revocation_reason",
    "suspended_at",
    "suspension_reason",
    "revocation_list_id",
    "revocation_list__version",
    "signed_json",
    "is_public",
    "recipient_user_id",
)


def _ours(public_id: str) -> Credential | None:
    """Our credential with just what a verdict needs (one small indexed query), remembered
    for ``MICROCRED_VERIFY_STATUS_TTL`` seconds (a revocation shows within that time)."""
    if not public_id:
        return None
    ttl = float(getattr(settings, "MICROCRED_VERIFY_STATUS_TTL", 2.0))
    now = time.monotonic()
    hit = _ours_cache.get(public_id)
    if hit is not None and hit[0] > now and ttl > 0:
        return hit[1]  # type: ignore[no-any-return]
    if hit is not None:  # seen before: re-read only what can change
        credential = _reread(hit[1])
    else:
        found = list(
            Credential.objects.select_related("revocation_list")
            .only(*_OURS_FIELDS)
            .filter(public_id=public_id)
            .order_by()[:1]  # public_id is unique: no ORDER BY to compile or run
        )
        credential = found[0] if found else None
    if credential is not None:
        _ours_cache.put(
            public_id, (now + ttl, credential), 4 * ENTRY_OVERHEAD + len(credential.signed_json)
        )
    return credential


#: what :func:`_reread` reads again (``id``, ``public_id`` and ``signed_json`` never change)
_REREAD_FIELDS: Final = (
    "organisation_id",
    "recipient_name",
    "revoked_at",
    "revocation_reason",
    "suspended_at",
    "suspension_reason",
    "revocation_list_id",
    "is_public",
    "recipient_user_id",
)


@functools.lru_cache(maxsize=4)
def _reread_statement(alias: str) -> tuple[str, Callable[[Any, Sequence[Any]], list[Any]]]:
    """The SQL of :func:`_reread` and its row converter, built once from the models."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    credentials, lists = Credential._meta, StatusList._meta
    fields = [concrete_field(Credential, name) for name in _REREAD_FIELDS]
    version = concrete_field(StatusList, "version")
    columns = ", ".join(f"c.{quote(field.column)}" for field in fields)
    list_id = quote(concrete_field(Credential, "revocation_list").column)
    # identifiers from the models' metadata, quoted; the value is a parameter
    sql = (
        f"SELECT {columns}, l.{quote(version.column)} "  # noqa: S608
        f"FROM {quote(credentials.db_table)} c JOIN {quote(lists.db_table)} l "
        f"ON l.{quote(lists.pk.column)} = c.{list_id} "
        f"WHERE c.{quote(credentials.pk.column)} = %s"
    )
    return sql, column_converters(connection, [*fields, version], "c")


def _reread(previous: Credential) -> Credential | None:
    """``previous`` with its revocation, suspension, visibility and status-list version read
    again: one small prepared query by primary key, without the signed document."""
    alias = Credential.objects.db
    connection = connections[alias]
    sql, convert = _reread_statement(alias)
    cursor = hot_cursor(connection)
    cursor.execute(sql, [previous.pk])
    row = cursor.fetchone()
    if row is None:
        return None
    *values, version = convert(connection, row)
    fresh = dict(zip(_REREAD_FIELDS, values, strict=True))
    fresh.update(id=previous.pk, public_id=previous.public_id, signed_json=previous.signed_json)
    credential = instance_from_row(Credential, alias, fresh)
    credential.revocation_list = instance_from_row(
        StatusList, alias, {"id": fresh["revocation_list_id"], "version": version}
    )
    return credential


def _public_id_of(document: Mapping[str, Any] | None) -> str:
    if not isinstance(document, Mapping) or not isinstance(document.get("id"), str):
        return ""
    return inputs.our_public_id(document["id"]) or ""


def _static_part(data: str | bytes, now: datetime) -> tuple[_Static, list[Check]]:
    """Run the whole engine once; split its report into the cacheable and the dynamic part."""
    resolver = resolver_for_visitor()
    # the issuer's key cut-offs come from our short-TTL cache (looked up by the issuer slug)
    probe = run_checks_document(data)
    slug = _issuer_slug(probe)
    retired = _retired_for(slug)
    result = credential_verify(data, now=now, resolver=resolver, retired_keys=retired)
    report = result.report
    static = tuple(c for c in report.checks if c.name not in DYNAMIC_CHECKS)
    dynamic = [c for c in report.checks if c.name in DYNAMIC_CHECKS]
    entry = _Static(
        checks=static,
        document=report.document,
        container=report.container,
        issuer_slug=slug,
        retired_fingerprint=_fingerprint(retired),
        public_id=_public_id_of(report.document),
        status_key=_status_key(report.document),
    )
    return entry, dynamic


def run_checks_document(data: str | bytes) -> Mapping[str, Any] | None:
    """The credential JSON inside ``data`` (or None if it cannot be read)."""
    from microcred.errors import Error
    from microcred.verification.input import decode_input

    try:
        return decode_input(data).document
    except (Error, ValueError, RecursionError, TypeError):
        return None


def _status_checks(
    entry: _Static,
    credential: Credential | None,
    moment: datetime,
    retired: Mapping[str, datetime],
) -> list[Check]:
    document = entry.document
    if document is None:
        return []
    if credential is not None:
        version: Any = (credential.revocation_list.version, credential.revocation_list_id)
        expires = float("inf")
    else:
        version = "foreign"
        expires = time.monotonic() + FOREIGN_STATUS_TTL
    key = (entry.status_key, version)
    hit = _status_cache.get(key)
    # (an empty answer was our records' suspension alone, filtered out below: read again)
    if hit is not None and hit[0] > time.monotonic() and hit[1]:
        checks = list(hit[1])
    else:
        ctx = VerifyContext(moment, resolver_for_visitor(), default_registry(), retired, run_checks)
        checks = check_status(document, ctx)
        _status_cache.put(key, (expires, tuple(checks)), _checks_weight(entry.status_key, checks))
    if (
        credential is not None
        and credential.suspended_at is not None
        and not any(c.status == "fail" for c in checks)
    ):
        # a credential whose entry carries revocation only (issued before decision 0019):
        # its suspension, from our records, replaces the passing line (never both)
        reason = f"suspended by its issuer: {credential.suspension_reason}"
        checks = [c for c in checks if c.name != "status" or c.scope]
        checks.append(Check("status", "fail", reason, code="suspended"))
    return checks


def verify_submission(
    submission: Submission,
    *,
    now: datetime | None = None,
    registries: Sequence[Registry] = (),
) -> Outcome:
    """The verdict for one submission (never raises for bad input). ``registries``: the
    trusted issuer registries to look the issuer up in (the ``trust`` check)."""
    moment = now or timezone.now()
    data: str | bytes = submission.data
    credential: Credential | None = None
    if submission.public_id:
        credential = _ours(submission.public_id)
        if credential is None:
            return _not_found()
        data = credential.signed_json
    key = _input_key(data)
    entry: _Static | None = _static_cache.get(key)
    cached = False
    if entry is not None:
        retired, fingerprint = _retired_entry(entry.issuer_slug)
    if entry is not None and fingerprint == entry.retired_fingerprint:
        cached = True
        if credential is None and entry.public_id:
            credential = _ours(entry.public_id)
        document = entry.document or {}
        # the date checks only read the moment; the status check builds its own context
        dates = VerifyContext(moment, None, default_registry(), retired, run_checks)
        dynamic = [
            *check_valid_from(document, dates),
            *check_valid_until(document, dates),
            *_status_checks(entry, credential, moment, retired),
        ]
    else:
        entry, dynamic = _static_part(data, moment)
        _static_cache.put(key, entry, ENTRY_OVERHEAD + len(data) * PARSED_FACTOR)
        if credential is None and entry.public_id:
            credential = _ours(entry.public_id)
        if credential is not None:
            # the engine's status checks are remembered for this list version
            version = (credential.revocation_list.version, credential.revocation_list_id)
            status_checks = tuple(
                c for c in dynamic if c.name == "status" and c.code != "suspended"
            )
            _status_cache.put(
                (entry.status_key, version),
                (float("inf"), status_checks),
                _checks_weight(entry.status_key, status_checks),
            )
    logged = _transparency_checks(entry, credential) if entry.document is not None else []
    trusted = _trust_checks(entry, registries) if entry.document is not None else []
    dynamic = [*dynamic, *logged, *trusted] if entry.document is not None else []
    # Everything the outcome is built from: the input, the issuer's key cut-offs, the checks
    # run now, what our records say of the credential and the language. The same key always
    # builds the same outcome, so it is built once (per process) and copied.
    memo_key = (
        key,
        entry.retired_fingerprint,
        tuple(dynamic),
        _credential_state(credential),
        get_language() or "",
    )
    memo: Outcome | None = _outcome_cache.get(memo_key)
    if memo is None:
        checks = sorted([*entry.checks, *dynamic], key=_check_rank)
        report = VerificationReport(
            checks=checks, document=entry.document, container=entry.container
        )
        memo = _outcome(report, credential)
        memo.memo_key = memo_key
        _outcome_cache.put(memo_key, memo, _outcome_weight(memo, dynamic))
    return dataclasses.replace(
        memo,
        checks=list(memo.checks),
        summary=dict(memo.summary),
        failed=list(memo.failed),
        credential=credential,
        cached=cached,
    )


def _transparency_checks(entry: _Static, credential: Credential | None) -> list[Check]:
    """Is the credential in its issuer's log? Known for credentials of this instance; for
    others only a policy requiring the log (``MICROCRED_VERIFIER_REQUIRE_LOG``) adds the check
    (and fails it: their logs are not fetched yet)."""
    required = bool(getattr(settings, "MICROCRED_VERIFIER_REQUIRE_LOG", False))
    if credential is None and not required:
        return []
    if credential is not None:
        known: Check | None = _logged_cache.get(credential.public_id)
        if known is not None:
            return [known]
    bundle = (
        credential_inclusion(
            organisation_id=credential.organisation_id, public_id=credential.public_id
        )
        if credential is not None
        else None
    )
    report = VerificationReport(checks=list(entry.checks), document=entry.document)
    check = transparency_check(report, bundle, required=required)
    if credential is not None and check.status == "pass":
        _logged_cache.put(credential.public_id, check, ENTRY_OVERHEAD + len(check.reason))
    return [check]


def _trust_checks(entry: _Static, registries: Sequence[Registry]) -> list[Check]:
    """Is the issuer in a configured registry? Only asked when registries are configured or
    the policy (``MICROCRED_VERIFIER_REQUIRE_TRUSTED_ISSUER``) requires a recognised issuer."""
    required = bool(getattr(settings, "MICROCRED_VERIFIER_REQUIRE_TRUSTED_ISSUER", False))
    if not registries and not required:
        return []
    report = VerificationReport(checks=list(entry.checks), document=entry.document)
    return [trust_check(report, registries, required=required)]


def _checks_weight(key: str, checks: Sequence[Check]) -> int:
    """Approximate bytes of a status-cache entry."""
    return ENTRY_OVERHEAD + len(key) + sum(ENTRY_OVERHEAD + len(c.reason) for c in checks)


def _outcome_weight(outcome: Outcome, dynamic: Sequence[Check]) -> int:
    """Approximate bytes of a remembered outcome and its key (which holds the dynamic checks)."""
    texts = sum(len(value) for value in outcome.summary.values() if isinstance(value, str))
    texts += sum(
        ENTRY_OVERHEAD // 4 + sum(len(value) for value in row["values"])
        for row in outcome.summary.get("eu_elements") or ()
    )
    lines = sum(
        ENTRY_OVERHEAD // 2 + len(line.label) + len(line.message) + len(line.detail)
        for line in outcome.checks
    )
    return ENTRY_OVERHEAD + texts + lines + _checks_weight("", dynamic)


def _credential_state(credential: Credential | None) -> tuple[Any, ...] | None:
    """What :func:`_outcome` reads from our record of the credential."""
    if credential is None:
        return None
    return (
        credential.pk,
        credential.recipient_name,
        credential.revocation_reason,
        credential.suspension_reason,
    )


_RANK: Final = {name: index for index, name in enumerate(CHECK_ORDER)}


def _check_rank(check: Check) -> int:
    return _RANK.get(check.name, len(CHECK_ORDER))


def outcome_json(outcome: Outcome) -> bytes:
    """The API's JSON body for ``outcome`` (UTF-8), encoded once per distinct outcome."""
    key = (outcome.memo_key, outcome.summary.get("recipient"))
    body: bytes | None = _json_cache.get(key) if outcome.memo_key is not None else None
    if body is None:
        body = json.dumps(outcome.to_json(), cls=DjangoJSONEncoder, ensure_ascii=False).encode(
            "utf-8"
        )
        if outcome.memo_key is not None:
            _json_cache.put(key, body, ENTRY_OVERHEAD + len(body))
    return body


@functools.lru_cache(maxsize=32)
def _check_texts(language: str) -> dict[str, tuple[str, str]]:
    """CHECK_TEXT translated once per active language (26 lookups saved per verification)."""
    return {name: (str(label), str(plain)) for name, (label, plain) in CHECK_TEXT.items()}


def _not_found() -> Outcome:
    line = CheckLine(
        "parse",
        "fail",
        str(CHECK_TEXT["parse"][0]),
        _("This site has no credential at that address."),
        "no such credential",
    )
    return Outcome("not-a-credential", [line], failed=[line.label])


def _outcome(report: VerificationReport, credential: Credential | None) -> Outcome:
    verdict = str(report.verdict)
    if verdict == "malformed":
        verdict = "not-a-credential"
    lines: list[CheckLine] = []
    texts = _check_texts(get_language() or "")
    for check in report.checks:
        if check.scope:
            continue
        label, plain = texts.get(check.name, (check.name, check.name))
        message = plain_message(check, report.document, passed=plain)
        label = plain_label(check, label)
        # the engine's wording may quote the input: only valid Unicode goes out
        detail = shown(check.reason)
        lines.append(CheckLine(check.name, check.status, str(label), shown(message), detail))
    reason = ""
    if credential is not None:
        if verdict == "revoked":
            reason = credential.revocation_reason
        elif verdict == "suspended":
            reason = credential.suspension_reason
    return Outcome(
        verdict=verdict,
        checks=lines,
        summary=summarise(report.document, credential),
        credential=credential,
        reason=reason,
        failed=[line.label for line in lines if line.status == "fail"],
        explained=str(NOT_AS_SIGNED_EXPLANATION)
        if any(shown_differs_from_signed(c) for c in report.checks[:1])
        else "",
    )


# --------------------------------------------------------------------------- for people


def _text(value: Any, limit: int = 500) -> str:
    if isinstance(value, str):
        return shown(value[:limit])
    if isinstance(value, Mapping):  # a language map or {"id", "name"}
        for key in ("name", "en", "@value"):
            if isinstance(value.get(key), str):
                return shown(str(value[key])[:limit])
    if isinstance(value, list):  # VC 2.0: several language value objects
        return next((text for text in (_text(v, limit) for v in value[:20]) if text), "")
    return ""


def _country(address: Any) -> str:
    """The issuer's country (an OB 3.0 Address's code or name), for the EU elements."""
    if not isinstance(address, Mapping):
        return ""
    return _text(address.get("addressCountryCode"), 2) or _text(address.get("addressCountry"), 100)


def _image(value: Any, credential: Credential | None) -> str:
    """An image address safe to show: our own, or an inline PNG/JPEG/GIF data URL."""
    url = value.get("id") if isinstance(value, Mapping) else value
    if not isinstance(url, str) or len(url) > 400_000:
        return ""
    base = str(settings.BASE_URL).rstrip("/")
    if credential is not None and url.startswith(base + "/"):
        return url
    if url.startswith(("data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;")):
        return shown(url)
    return ""


def summarise(document: Mapping[str, Any] | None, credential: Credential | None) -> dict[str, Any]:
    """What a person wants to read about the credential (plain strings, never markup)."""
    if not isinstance(document, Mapping):
        return {}
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = document.get("issuer")
    issuer_map = issuer if isinstance(issuer, Mapping) else {}
    criteria = achievement.get("criteria")
    recipient = _text(subject.get("name"))
    if credential is not None and credential.recipient_name:
        recipient = credential.recipient_name
    return {
        "id": shown(document["id"]) if isinstance(document.get("id"), str) else None,
        "name": _text(achievement.get("name")) or _text(document.get("name")),
        "description": _text(achievement.get("description"), 2000),
        "image": _image(achievement.get("image") or document.get("image"), credential),
        "criteria": _text(criteria.get("narrative"), 5000) if isinstance(criteria, Mapping) else "",
        "recipient": recipient,
        "issuer": _text(issuer_map.get("name")) or (issuer if isinstance(issuer, str) else ""),
        "issuer_id": _text(issuer_map.get("id")) or (issuer if isinstance(issuer, str) else ""),
        "issuer_url": _text(issuer_map.get("url")),
        "issuer_country": _country(issuer_map.get("address")),
        "valid_from": _text(document.get("validFrom") or document.get("issuanceDate")),
        "valid_until": _text(document.get("validUntil") or document.get("expirationDate")),
        "eu_elements": eu_rows(achievement),
    }


def as_moment(value: str) -> datetime | None:
    """An ISO 8601 date-time from a credential, or None."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo is not None else None


__all__ = ["Outcome", "caches_clear", "summarise", "verify_submission"]
