"""What each verification check means, in plain words for people.

One wording for the public verifier, the credential's public page and the learner's wallet:
a label per check, what a pass means, what a failure means (by the engine's failure code, else
by check) and what it means that a check did not apply. The engine's own wording (bit numbers,
URLs, JSON paths) stays available as the technical detail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from microcred.trust.check import recognition_in
from microcred.verification.profile import is_plain_vc
from microcred.verification.report import Check

#: (label, what a pass means) for each engine check
CHECK_TEXT: Final[dict[str, tuple[Promise, Promise]]] = {
    "transparency": (
        gettext_lazy("Public log"),
        gettext_lazy("The issuer recorded this credential in its public transparency log."),
    ),
    "trust": (
        gettext_lazy("Recognised issuer"),
        gettext_lazy("The issuer is in a registry this verifier trusts."),
    ),
    "parse": (gettext_lazy("Readable"), gettext_lazy("The input holds a credential.")),
    "structure": (
        gettext_lazy("Well-formed"),
        gettext_lazy("It has every part a credential needs."),
    ),
    "schema": (
        gettext_lazy("Open Badges format"),
        gettext_lazy("It follows the Open Badges 3.0 rules."),
    ),
    "contexts": (
        gettext_lazy("Vocabularies"),
        gettext_lazy("It uses only known, pinned vocabularies."),
    ),
    "types": (gettext_lazy("Credential type"), gettext_lazy("It is an Open Badge credential.")),
    "terms": (gettext_lazy("Terms"), gettext_lazy("Every term in it is defined.")),
    "proof": (
        gettext_lazy("Signature"),
        gettext_lazy("Signed by the issuer and not changed since."),
    ),
    "issuer": (
        gettext_lazy("Issuer"),
        gettext_lazy("The signing key belongs to the issuer named on it."),
    ),
    "valid-from": (gettext_lazy("Issue date"), gettext_lazy("Already in force.")),
    "valid-until": (gettext_lazy("Expiry"), gettext_lazy("Not past its validity date.")),
    "status": (
        gettext_lazy("Revocation and suspension"),
        gettext_lazy("Neither revoked nor suspended by the issuer."),
    ),
    "refresh": (gettext_lazy("Refresh"), gettext_lazy("Its refresh service is in order.")),
    "endorsements": (gettext_lazy("Endorsements"), gettext_lazy("Its endorsements hold.")),
    "profile": (
        gettext_lazy("Open Badges profile"),
        gettext_lazy("It follows the Open Badges 3.0 profile."),
    ),
}

#: what a passed types check means for a credential that is not an Open Badge
PLAIN_VC_TYPE_TEXT: Final[Promise] = gettext_lazy("It is a W3C verifiable credential.")

#: what a failed check means, by the engine's failure code (its own wording stays the detail)
FAILURE_TEXT: Final[dict[str, Promise]] = {
    "tampered": gettext_lazy(
        "The signature does not match the content: it was changed after signing."
    ),
    "revoked": gettext_lazy("The issuer has revoked it."),
    "suspended": gettext_lazy("The issuer has suspended it for now."),
    "expired": gettext_lazy("Its validity date has passed."),
    "not-yet-valid": gettext_lazy("It only takes effect at a later date."),
    "unknown-issuer": gettext_lazy(
        "The key that signed it is not published by the issuer named on it: anyone could "
        "have signed it."
    ),
    "bad-proof": gettext_lazy("It is signed with a method that is not accepted."),
    "no-proof": gettext_lazy("It is not signed."),
    "proof-expired": gettext_lazy(
        "Its signature has expired: the signer limited how long it holds."
    ),
    "malformed": gettext_lazy("It could not be read as a credential."),
    "not-in-registry": gettext_lazy(
        "Its issuer is not in any registry this verifier trusts, and this verifier only "
        "accepts recognised issuers."
    ),
    "status-unknown": gettext_lazy(
        "Its issuer's status list could not be retrieved, so whether it has been revoked or "
        "suspended is unknown."
    ),
}
#: what a failed check means when the engine gives no code, by check
FAILED_CHECK_TEXT: Final[dict[str, Promise]] = {
    "structure": gettext_lazy("A part every credential needs is missing or wrong."),
    "schema": gettext_lazy("It does not follow the Open Badges 3.0 rules."),
    "contexts": gettext_lazy("It uses a vocabulary that is not known and pinned here."),
    "types": gettext_lazy("It is not an Open Badge credential."),
    "terms": gettext_lazy("It uses terms that are not defined."),
    "issuer": gettext_lazy("It does not name its issuer properly."),
    "status": gettext_lazy("Its revocation status could not be checked."),
    "refresh": gettext_lazy("Its refresh service is not in order."),
    "endorsements": gettext_lazy("One of its endorsements does not hold."),
    "profile": gettext_lazy("It does not follow the Open Badges 3.0 profile."),
}
#: what it means that a check did not apply, by check
SKIPPED_TEXT: Final[dict[str, Promise]] = {
    "valid-from": gettext_lazy("It gives no start date."),
    "valid-until": gettext_lazy("It does not expire."),
    "status": gettext_lazy("Its issuer publishes no revocation list for it."),
    "refresh": gettext_lazy("It names no refresh service."),
    "endorsements": gettext_lazy("It carries no endorsements."),
    "issuer": gettext_lazy("Not checked: no signature could be checked first."),
    "profile": gettext_lazy(
        "Not an Open Badge: checked as a W3C verifiable credential, without the Open Badges rules."
    ),
}


#: the label and the verdict's explanation for a document refused because what it shows is not
#: what is signed, or because a key is given twice (decision 0018)
NOT_AS_SIGNED_LABEL: Final = gettext_lazy("Shown as signed")
NOT_AS_SIGNED_EXPLANATION: Final = gettext_lazy(
    "What this file shows is not all covered by its signature: someone may have added to it "
    "after signing. Do not trust what it says."
)


def shown_differs_from_signed(check: Check) -> bool:
    """True for a parse failure that :func:`malformed_words` explains (the file is a
    credential, but what it shows is not what is signed)."""
    return check.name == "parse" and check.status == "fail" and bool(malformed_words(check.reason))


def plain_label(check: Check, label: str) -> str:
    """The label to show for ``check`` (``label``: its usual one)."""
    return str(NOT_AS_SIGNED_LABEL) if shown_differs_from_signed(check) else label


def plain_message(
    check: Check, document: Mapping[str, Any] | None, *, passed: str | None = None
) -> str:
    """The plain words for ``check`` of the credential ``document`` (``passed``: what a pass
    means, when the caller already has it translated)."""
    if check.name == "trust" and check.status != "fail":
        return trust_words(check)
    if check.status == "pass":
        if check.name == "valid-until" and "validUntil" not in (document or {}):
            return str(SKIPPED_TEXT["valid-until"])  # passes because it never expires
        if check.name == "types" and document is not None and is_plain_vc(document):
            return str(PLAIN_VC_TYPE_TEXT)  # not an Open Badge: a W3C credential's type
        if passed is not None:
            return passed
        texts = CHECK_TEXT.get(check.name)
        return str(texts[1]) if texts is not None else check.reason
    if check.status == "fail":
        if check.code == "malformed":
            return malformed_words(check.reason) or str(FAILURE_TEXT["malformed"])
        if check.code == "unknown-issuer" and _issuer_words(document):
            return gettext(
                "The key that signed it is not published by %(issuer)s, the issuer named on "
                "it: anyone could have signed it."
            ) % {"issuer": _issuer_words(document)}
        text = FAILURE_TEXT.get(check.code or "") or FAILED_CHECK_TEXT.get(check.name)
        return str(text) if text is not None else check.reason
    if check.status == "skip":
        return str(SKIPPED_TEXT.get(check.name, gettext_lazy("Not checked.")))
    return check.reason  # a warning says what is wrong in its own words


def trust_words(check: Check) -> str:
    """Plain words for the trust check: the registry and the issuer's name there."""
    found = recognition_in(check)
    if found is not None:
        return gettext(
            "Issuer recognised: listed in the registry “%(registry)s” as “%(name)s”."
        ) % {"registry": found.registry, "name": found.name}
    if check.status == "skip":
        return gettext("Not checked: the credential is not validly signed.")
    return gettext(
        "The issuer is not in any registry this verifier trusts. This says nothing about the "
        "signature, which is checked separately."
    )


# The engine's reasons for a document it refuses to read (verification/pipeline.py): a
# prefix, then "<JSON path>: <what is wrong>" for the first place (others follow after "; ").
_REFUSED: Final = re.compile(
    r"^(?P<kind>not signed as shown|unreadable input): "
    r"(?P<path>\$(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\['(?:[^'\\]|\\.)*'\])*): (?P<what>.*)$",
    re.DOTALL,
)
_STEP: Final = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def malformed_words(reason: str) -> str | None:
    """Plain words, with the place, for a document refused because what it shows is not what
    is signed (decision 0018) or because a key is given twice; ``None`` for other reasons."""
    found = _REFUSED.match(reason)
    if found is None:
        return None
    what = found["what"].split("; $", 1)[0]
    return place_words(found["path"], what, signed=found["kind"] == "not signed as shown")


def place_words(path: str, what: str, *, signed: bool) -> str | None:
    """Plain words for one refused place: ``path`` and the engine's ``what`` (a
    :class:`~microcred.errors.Problem`); ``signed``: found by the signed-content pass, else by
    the strict JSON reader (only a key given twice has words of its own)."""
    where = plain_path(path)
    if not signed:
        if "appears twice" not in what:
            return None
        return gettext(
            "The field “%(where)s” is given twice, with two values: different programs would "
            "show different ones."
        ) % {"where": where}
    if what.startswith("repeats ") or what.endswith(" is listed twice"):
        return gettext(
            "“%(where)s” repeats an entry listed before it: the signature covers it only "
            "once, so the copy may have been added after signing."
        ) % {"where": where}
    if "@context" in path:
        return gettext(
            "“%(where)s” changes how the credential's vocabulary is read, in a way its "
            "signature does not cover: what it shows may not be what the issuer signed."
        ) % {"where": where}
    return gettext(
        "“%(where)s” holds content that the signature does not cover: it may have been added "
        "after signing."
    ) % {"where": where}


def plain_path(path: str) -> str:
    """``$.credentialSubject.achievement.prerequisite[2]`` → ``credentialSubject › achievement
    › prerequisite › entry 3``; ``$`` → the whole document."""
    steps = []
    for name, index, quoted in _STEP.findall(path[1:]):
        if index:
            steps.append(gettext("entry %(number)d") % {"number": int(index) + 1})
        else:
            steps.append(name or quoted.replace("\\'", "'"))
    return " › ".join(steps) if steps else gettext("the whole document")


def _issuer_words(document: Mapping[str, Any] | None) -> str:
    """The issuer as a person reads it: its name and identifier, or the identifier alone."""
    issuer = (document or {}).get("issuer")
    identifier = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    name = issuer.get("name") if isinstance(issuer, Mapping) else None
    if not isinstance(identifier, str) or not identifier:
        return ""
    if isinstance(name, str) and name.strip():
        return gettext("“%(name)s” (%(id)s)") % {"name": name.strip()[:200], "id": identifier[:300]}
    return identifier[:300]


def plain_lines(
    checks: list[Mapping[str, Any]], document: Mapping[str, Any] | None
) -> list[dict[str, str]]:
    """Stored checks (``Check.to_json()``) as lines to show: label, plain words, and the
    engine's own wording as the technical detail."""
    lines = []
    for raw in checks:
        check = Check(
            str(raw.get("name", "")),
            raw.get("status", "warn"),
            str(raw.get("reason", "")),
            scope=str(raw.get("scope", "")),
            code=str(raw.get("code", "")),
        )
        texts = CHECK_TEXT.get(check.name)
        lines.append(
            {
                "name": check.name,
                "status": check.status,
                "scope": check.scope,
                "label": plain_label(check, str(texts[0]) if texts else check.name),
                "message": plain_message(check, document),
                "detail": check.reason,
            }
        )
    return lines
