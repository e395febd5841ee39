"""Our JSON-LD → RDF equals pyld's (the oracle) as an RDF dataset: same canonical N-Quads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonld_oracle import pyld_canonical

from microcred.canon import canonicalize_document, to_rdf
from microcred.canon.jsonld import stats
from microcred.canon.rdfc import canonicalize
from microcred.errors import InvalidInput, UndefinedTerm

VECTORS = Path(__file__).parents[2] / "vectors" / "ob30-jsonld"
FILES = sorted(p.name for p in VECTORS.glob("*.json"))

# Fixtures that strict (safe-mode) JSON-LD refuses: the error and the term or path it names.
STRICT_FAILURES: dict[str, tuple[type[Exception], str]] = {
    "complete_v1.json": (UndefinedTerm, "1EdTechJsonSchemaValidator2019"),
    "simple-err-context.json": (UndefinedTerm, "VerifiableCredential"),
    "simple-err-credential-subject-achievement-result-description-type.json": (
        UndefinedTerm,
        "$.credentialSubject.achievement.resultDescription[2].type",
    ),
    "simple-err-credential-subject-identifier-type.json": (
        UndefinedTerm,
        "$.credentialSubject.identifier[0].type",
    ),
    "simple-err-credential-subject-profile-type.json": (
        UndefinedTerm,
        "$.credentialSubject.source.type",
    ),
    "simple-err-credential-subject-result-type.json": (
        UndefinedTerm,
        "$.credentialSubject.result[1].type",
    ),
    "simple-err-credential-subject-type.json": (UndefinedTerm, "$.credentialSubject.type"),
    "simple-err-evidence-type.json": (UndefinedTerm, "$.evidence[1].type"),
    "simple-err-issuer-otheridentifier-type.json": (
        UndefinedTerm,
        "$.issuer.otherIdentifier[1].type",
    ),
    "simple-err-issuer-parentorg-type.json": (UndefinedTerm, "$.issuer.parentOrg.type"),
    "simple-err-issuer-type.json": (UndefinedTerm, "$.issuer.type"),
    "simple-err-type.json": (UndefinedTerm, "$.type"),
    "simple-multiple-proofs.json": (UndefinedTerm, "SomeProofType"),
    "simple-err-proof-method-no-scheme.json": (InvalidInput, "$.proof[0].verificationMethod"),
}


def _load(name: str) -> dict[str, Any]:
    data = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_vectors_are_present() -> None:
    assert len(FILES) >= 30
    assert set(STRICT_FAILURES) <= set(FILES)


@pytest.mark.parametrize("name", [f for f in FILES if f not in STRICT_FAILURES])
def test_fixture_matches_pyld_on_the_fast_path(name: str) -> None:
    document = _load(name)
    quads = to_rdf(document, fast_path_only=True)
    assert quads
    assert canonicalize(quads) == pyld_canonical(document)
    assert canonicalize_document(document) == pyld_canonical(document)


@pytest.mark.parametrize("name", sorted(STRICT_FAILURES))
def test_fixture_refused_by_strict_json_ld(name: str) -> None:
    error, where = STRICT_FAILURES[name]
    with pytest.raises(error) as info:
        to_rdf(_load(name))
    assert where in str(info.value)
    if isinstance(info.value, UndefinedTerm):
        assert info.value.path.startswith("$")


def test_realistic_credential_uses_the_fast_path() -> None:
    document = _load("realistic-credential.json")
    before = dict(stats)
    quads = to_rdf(document)
    assert stats["fast"] == before["fast"] + 1
    assert stats["fallback"] == before["fallback"]
    assert len(quads) == len(set(quads)) > 60
    assert canonicalize(quads) == pyld_canonical(document)


def test_eu_context_terms_become_the_right_quads() -> None:
    quads = to_rdf(_load("realistic-credential.json"), fast_path_only=True)
    vocab = "https://w3id.org/microcred/vocab#"
    objects = {(p, o) for _, p, o, _ in quads}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert (f"<{vocab}eqfLevel>", f'"3"^^<{xsd}integer>') in objects
    assert (f"<{vocab}creditECTS>", f'"2.5"^^<{xsd}decimal>') in objects
    assert (f"<{vocab}learningOutcome>", '"Vor der Benutzung prüfen"@de') in objects
    assert (f"<{vocab}learningOutcome>", '"Handle loads safely"@en') in objects


def test_fallback_matches_pyld_for_an_inline_context() -> None:
    document = _load("simple.json")
    document["@context"] = [*document["@context"], {"ex": "https://example.com/ns#"}]
    document["credentialSubject"]["ex:note"] = "inline contexts take the pyld path"
    before = stats["fallback"]
    quads = to_rdf(document)
    assert stats["fallback"] == before + 1
    assert canonicalize(quads) == pyld_canonical(document)


# --- generated OB 3.0 credentials -----------------------------------------------------------

TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n\t\r"\\'),
    min_size=0,
    max_size=30,
)
WORD = st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)
IRI = st.one_of(
    st.builds("urn:uuid:{}".format, st.uuids()),
    st.builds("https://{}.example.com/{}".format, WORD, WORD),
    st.builds("did:key:z6Mk{}".format, WORD),
)
DATE = st.dates().map(lambda d: d.isoformat())
DATETIME = st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat() + "Z")
NUMBER = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
)
LANG = st.sampled_from(["en", "de", "fr-CA", "EN-GB", "nl"])


def _optional(draw: st.DrawFn, target: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


@st.composite
def images(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        return draw(IRI)
    image: dict[str, Any] = {"id": draw(IRI), "type": "Image"}
    _optional(draw, image, "caption", TEXT)
    return image


@st.composite
def profiles(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 3)) == 0:
        return draw(IRI)
    profile: dict[str, Any] = {
        "id": draw(IRI),
        "type": draw(st.sampled_from(["Profile", ["Profile"]])),
    }
    _optional(draw, profile, "name", TEXT)
    _optional(draw, profile, "url", IRI)
    _optional(draw, profile, "email", TEXT)
    _optional(draw, profile, "description", TEXT)
    _optional(draw, profile, "image", images())
    return profile


@st.composite
def alignments(draw: st.DrawFn) -> dict[str, Any]:
    alignment: dict[str, Any] = {"type": ["Alignment"], "targetName": draw(TEXT)}
    _optional(draw, alignment, "targetUrl", IRI)
    _optional(draw, alignment, "targetFramework", TEXT)
    _optional(draw, alignment, "targetCode", TEXT)
    return alignment


@st.composite
def achievements(draw: st.DrawFn, eu: bool) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": draw(IRI),
        "type": ["Achievement", "EUMicroCredentialAchievement"] if eu else ["Achievement"],
        "name": draw(TEXT),
        "criteria": draw(
            st.one_of(
                st.builds(lambda n: {"narrative": n}, TEXT),
                st.builds(lambda i: {"id": i}, IRI),
            )
        ),
    }
    _optional(draw, achievement, "description", TEXT)
    _optional(draw, achievement, "image", images())
    _optional(draw, achievement, "alignment", st.lists(alignments(), max_size=3))
    _optional(draw, achievement, "tag", st.lists(TEXT, max_size=4))
    _optional(draw, achievement, "creditsAvailable", NUMBER)
    _optional(draw, achievement, "achievementType", st.sampled_from(["Badge", "Certificate"]))
    _optional(draw, achievement, "inLanguage", LANG)
    _optional(draw, achievement, "creator", profiles())
    if eu:
        _optional(
            draw,
            achievement,
            "learningOutcome",
            st.one_of(
                st.dictionaries(LANG.map(str.lower), st.one_of(TEXT, st.lists(TEXT, max_size=3))),
                st.lists(TEXT, max_size=3),
            ),
        )
        _optional(draw, achievement, "eqfLevel", st.integers(1, 8))
        _optional(draw, achievement, "creditECTS", st.one_of(NUMBER, st.just("2.5")))
        _optional(draw, achievement, "prerequisite", st.lists(TEXT, max_size=2))
        _optional(draw, achievement, "participationMode", TEXT)
    return achievement


@st.composite
def proofs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": draw(DATETIME),
        "verificationMethod": draw(IRI),
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + draw(WORD),
    }


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    eu = draw(st.booleans())
    contexts = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    if eu:
        contexts.append("https://w3id.org/microcred/contexts/eu-microcredential/v1")
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": draw(achievements(eu)),
    }
    _optional(draw, subject, "id", IRI)
    _optional(draw, subject, "creditsEarned", NUMBER)
    _optional(draw, subject, "activityEndDate", DATE)
    if draw(st.booleans()):
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$" + draw(WORD),
                "identityType": "emailAddress",
                "hashed": draw(st.booleans()),
                "salt": draw(TEXT),
            }
        ]
    if draw(st.booleans()):
        subject["result"] = [
            {"type": ["Result"], "value": draw(st.one_of(TEXT, NUMBER)), "status": "Completed"}
        ]
    credential: dict[str, Any] = {
        "@context": contexts,
        "type": draw(
            st.sampled_from(
                [
                    ["VerifiableCredential", "OpenBadgeCredential"],
                    ["VerifiableCredential", "AchievementCredential"],
                    ["VerifiableCredential", "OpenBadgeCredential", "AchievementCredential"],
                ]
            )
        ),
        "issuer": draw(profiles()),
        "validFrom": draw(DATETIME),
        "credentialSubject": subject,
    }
    _optional(draw, credential, "id", IRI)
    _optional(draw, credential, "name", TEXT)
    _optional(draw, credential, "description", TEXT)
    _optional(draw, credential, "validUntil", DATETIME)
    if draw(st.booleans()):
        credential["evidence"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"type": st.just(["Evidence"])},
                    optional={"id": IRI, "name": TEXT, "narrative": TEXT, "genre": TEXT},
                ),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        credential["proof"] = draw(st.one_of(proofs(), st.lists(proofs(), min_size=1, max_size=2)))
    return credential


@settings(max_examples=120)
@given(credentials())
def test_generated_credentials_match_pyld(credential: dict[str, Any]) -> None:
    quads = to_rdf(credential, fast_path_only=True)
    assert canonicalize(quads) == pyld_canonical(credential)
