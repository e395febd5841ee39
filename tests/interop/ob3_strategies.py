"""Hypothesis strategies for Open Badges 3.0 credentials that stress canonicalization.

Every property and type used is defined by the VC 2.0 or OB 3.0.3 context (so the JS reference
accepts them in safe mode). The values are what makes canonicalization hard: any Unicode text
(controls, quotes, backslashes, astral characters, combining marks), typed literals (xsd:float
from native numbers, xsd:boolean, xsd:date, xsd:dateTime), and several blank nodes that may be
identical to each other (alignments, identifiers, results), which exercises RDFC-1.0's
tie-breaking.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Text: all of Unicode except surrogates (not valid in JSON sent to Node) and U+E000-U+FFFF.
# Those BMP characters are where the reference implementations disagree on line order: RDFC-1.0
# sorts N-Quads in code point order (pyld does), jsonld.js/rdf-canonize in UTF-16 code unit
# order, so a line with U+FF5C sorts after one with U+1F600 in the spec and before it in JS.
# test_interop_canon.py covers that case, and the other known divergences, explicitly.
ANY_TEXT = ("Cs",)
# For pyld as well: no control characters (U+0000-U+001F, U+007F-U+009F). pyld 3.3.0 writes
# them raw in N-Quads, where RDFC-1.0 and jsonld.js escape them (\u0001).
NO_CONTROLS = ("Cs", "Cc")


def _texts(exclude: tuple[str, ...]) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    chars = st.characters(exclude_categories=exclude).filter(  # type: ignore[arg-type]
        lambda c: not 0xE000 <= ord(c) <= 0xFFFF
    )
    return st.text(chars, max_size=24), st.text(chars, min_size=1, max_size=12)


_label = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10).filter(
    lambda s: not s.startswith("-") and not s.endswith("-")
)
domain = st.builds(lambda a, b: f"{a}.{b}.example", _label, _label)
path = st.lists(_label, min_size=0, max_size=3).map("/".join)


@st.composite
def https_url(draw: st.DrawFn) -> str:
    return f"https://{draw(domain)}/{draw(path)}"


urn_uuid = st.uuids().map(lambda u: f"urn:uuid:{u}")

_moment = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)


@st.composite
def date_time(draw: st.DrawFn) -> str:
    """An XML Schema dateTime in one of the forms seen in credentials."""
    moment = draw(_moment)
    form = draw(st.sampled_from(["Z", "ms", "offset"]))
    if form == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "ms":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    hours = draw(st.integers(-12, 14))
    local = moment + timedelta(hours=hours)
    sign = "+" if hours >= 0 else "-"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(hours):02d}:00"


date = _moment.map(lambda m: m.strftime("%Y-%m-%d"))
# Native JSON numbers for xsd:float terms: integers, halves, and arbitrary finite doubles.
# Not in (0, 1e-6): jsonld.js writes e.g. 1e-07 as "0" (its number test looks for a "." in
# String(value)), where the JSON-LD spec and pyld give "1.0E-7"; covered explicitly instead.
credits = st.one_of(
    st.integers(0, 500),
    st.integers(0, 1000).map(lambda n: n / 2),
    st.floats(min_value=1e-6, max_value=1e25, allow_nan=False, allow_infinity=False),
)


def _maybe_duplicate(draw: st.DrawFn, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sometimes repeat an item: identical blank nodes are RDFC-1.0's hard case."""
    if items and draw(st.booleans()):
        items = [*items, dict(items[draw(st.integers(0, len(items) - 1))])]
    return items


def ob3_credential(*, controls: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Unsigned OpenBadgeCredentials using only context-defined terms.

    ``controls=False`` keeps control characters out of every text value.
    """
    text, short_text = _texts(ANY_TEXT if controls else NO_CONTROLS)

    @st.composite
    def alignment(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {"type": ["Alignment"], "targetName": draw(short_text)}
        out["targetUrl"] = draw(https_url())
        for key in ("targetDescription", "targetFramework", "targetCode"):
            if draw(st.booleans()):
                out[key] = draw(text)
        if draw(st.booleans()):
            out["targetType"] = draw(st.sampled_from(["ceasn:Competency", "CFItem", "ext:Skill"]))
        return out

    @st.composite
    def identity(draw: st.DrawFn) -> dict[str, Any]:
        hashed = draw(st.booleans())
        out: dict[str, Any] = {
            "type": "IdentityObject",
            "identityHash": "sha256$" + draw(st.binary(min_size=32, max_size=32)).hex()
            if hashed
            else draw(short_text),
            "identityType": draw(st.sampled_from(["emailAddress", "sourcedId", "studentId"])),
            "hashed": hashed,
        }
        if hashed:
            out["salt"] = draw(text)
        return out

    @st.composite
    def result(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {"type": ["Result"]}
        if draw(st.booleans()):
            out["value"] = draw(text)
        if draw(st.booleans()):
            out["status"] = draw(st.sampled_from(["Completed", "Enrolled", "Failed", "Withdrew"]))
        return out

    @st.composite
    def achievement(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": draw(st.one_of(https_url(), urn_uuid)),
            "type": ["Achievement"],
            "name": draw(short_text),
            "description": draw(text),
            "criteria": {"narrative": draw(text)},
        }
        if draw(st.booleans()):
            out["criteria"]["id"] = draw(https_url())
        if draw(st.booleans()):
            out["achievementType"] = draw(
                st.sampled_from(["Badge", "Certificate", "Competency", "MicroCredential"])
            )
        if draw(st.booleans()):
            out["image"] = {"id": draw(https_url()), "type": "Image", "caption": draw(text)}
        alignments = draw(st.lists(alignment(), max_size=3))
        if alignments:
            out["alignment"] = _maybe_duplicate(draw, alignments)
        if draw(st.booleans()):
            out["creditsAvailable"] = draw(credits)
        if draw(st.booleans()):
            out["tag"] = draw(st.lists(short_text, max_size=4))
        for key in ("humanCode", "fieldOfStudy", "specialization", "version"):
            if draw(st.booleans()):
                out[key] = draw(text)
        if draw(st.booleans()):
            out["inLanguage"] = draw(st.sampled_from(["en", "de-CH", "pt-BR", "zh-Hant"]))
        return out

    @st.composite
    def profile(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": draw(st.one_of(https_url(), st.just("did:web:issuer.example.org"))),
            "type": ["Profile"],
            "name": draw(short_text),
        }
        if draw(st.booleans()):
            out["url"] = draw(https_url())
        if draw(st.booleans()):
            out["email"] = f"{draw(_label)}@{draw(domain)}"
        if draw(st.booleans()):
            out["image"] = {"id": draw(https_url()), "type": "Image"}
        return out

    @st.composite
    def credential(draw: st.DrawFn) -> dict[str, Any]:
        subject: dict[str, Any] = {
            "type": ["AchievementSubject"],
            "achievement": draw(achievement()),
        }
        if draw(st.booleans()):
            subject["id"] = draw(st.one_of(st.just("did:example:learner"), urn_uuid))
        identifiers = draw(st.lists(identity(), max_size=2))
        if identifiers:
            subject["identifier"] = _maybe_duplicate(draw, identifiers)
        if draw(st.booleans()):
            subject["creditsEarned"] = draw(credits)
        if draw(st.booleans()):
            subject["activityStartDate"] = draw(date)
        results = draw(st.lists(result(), max_size=2))
        if results:
            subject["result"] = _maybe_duplicate(draw, results)
        credential: dict[str, Any] = {
            "@context": [VC_V2, OB_V3],
            "id": draw(urn_uuid),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": draw(profile()),
            "validFrom": draw(date_time()),
            "credentialSubject": subject,
        }
        if draw(st.booleans()):
            credential["name"] = draw(short_text)
        if draw(st.booleans()):
            credential["validUntil"] = draw(date_time())
        if draw(st.booleans()):
            index = draw(st.integers(0, 131_071))
            status_list = draw(https_url())
            credential["credentialStatus"] = {
                "id": f"{status_list}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": draw(st.sampled_from(["revocation", "suspension"])),
                "statusListIndex": str(index),
                "statusListCredential": status_list,
            }
        if draw(st.booleans()):
            credential["evidence"] = [
                {"type": ["Evidence"], "narrative": draw(text), "genre": draw(short_text)}
            ]
        return credential

    return credential()
