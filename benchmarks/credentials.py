"""Deterministic generator of realistic, unsigned Open Badges 3.0 credentials (~2.5 KB JSON).

Each credential differs from the others (learner, e-mail, achievement, issuer, dates, status
index, evidence) and uses only terms the VC 2.0 and OB 3.0.3 contexts define, so the reference
JavaScript verifier accepts it in safe mode. ``make_credential(i, seed=...)`` is a pure function
of its arguments: the same ``(i, seed)`` always gives the same credential.

Used by ``benchmarks/engine.py`` and by the interoperability tests in ``tests/interop/``.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = [VC_V2, OB_V3]

_FIRST = [
    "Amara",
    "Björn",
    "Chen",
    "Dolores",
    "Eitan",
    "Farah",
    "Gustavo",
    "Hiroshi",
    "Ingrid",
    "Jamal",
    "Katalin",
    "Lucía",
    "Mateo",
    "Nadia",
    "Oluwaseun",
    "Priya",
    "Quentin",
    "Rosa",
    "Siddharth",
    "Tomasz",
    "Uma",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoë",
]
_LAST = [
    "Abara",
    "Bergström",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fernández",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rahman",
    "Schmidt",
    "Takahashi",
    "Urquhart",
    "Novák",
    "Wójcik",
    "Xu",
    "Yilmaz",
    "Zimmermann",
]
_SKILLS = [
    ("Forklift Operation", "Operates counterbalance and reach forklifts safely in a warehouse."),
    ("First Aid at Work", "Gives emergency first aid and manages incidents until help arrives."),
    ("Lean Six Sigma Yellow Belt", "Takes part in process-improvement projects using DMAIC."),
    ("Customer Service Excellence", "Resolves customer issues with empathy and clear follow-up."),
    ("Data Protection Essentials", "Handles personal data lawfully under GDPR principles."),
    ("Electrical Safety Awareness", "Recognises electrical hazards and applies lock-out/tag-out."),
    ("Python for Analysts", "Cleans, analyses and plots tabular data with Python and pandas."),
    ("Team Leadership Foundations", "Leads a small team: goals, feedback and one-to-ones."),
    ("Food Hygiene Level 2", "Prepares and stores food safely following HACCP principles."),
    ("Cloud Security Basics", "Applies least privilege, key rotation and logging in the cloud."),
    ("Welding Inspection", "Inspects MIG/TIG welds visually against ISO 5817 quality levels."),
    ("Agile Facilitation", "Facilitates stand-ups, retrospectives and sprint planning."),
]
_FRAMEWORKS = [
    ("ESCO", "https://esco.ec.europa.eu/en/classification/skill_main", "ESCO skill"),
    ("O*NET", "https://www.onetonline.org/find/descriptor/browse/Skills", "O*NET skill"),
    ("SFIA 9", "https://sfia-online.org/en/sfia-9", "SFIA skill"),
    (
        "EQF",
        "https://europass.europa.eu/en/europass-tools/european-qualifications-framework",
        "EQF",
    ),
]
_ORGS = [
    ("Northwind Logistics", "northwind.example"),
    ("Contoso Health & Safety Academy", "contoso-academy.example"),
    ("Fabrikam Manufacturing", "fabrikam.example"),
    ("Tailspin Training Ltd", "tailspin-training.example"),
    ("Wide World Importers Learning", "wwi-learning.example"),
    ("Adatum Digital Skills", "adatum.example"),
]
_ACHIEVEMENT_TYPES = ["Badge", "Certificate", "Competency", "MicroCredential", "License"]
_GENRES = ["Assessment", "Observation", "Portfolio", "Project", "Practical exam"]
_EPOCH = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hashed_email(email: str, salt: str) -> str:
    """OB 3.0 ``identityHash`` for an e-mail address: ``sha256$`` + hex(SHA-256(email + salt))."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def issuer_did_key_placeholder(i: int) -> str:
    """A stable placeholder issuer id; callers that sign replace it with their key's DID."""
    return f"did:web:{_ORGS[i % len(_ORGS)][1]}"


def make_credential(
    i: int, *, seed: int = 2025, issuer_id: str | None = None, status: bool = True
) -> dict[str, Any]:
    """The ``i``-th credential of the set for ``seed``: a plain JSON-compatible dict.

    ``status=False`` leaves out ``credentialStatus`` (for checks that have no status list).
    """
    rng = random.Random(f"microcred-bench:{seed}:{i}")
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    org_name, domain = _ORGS[i % len(_ORGS)]
    skill_name, skill_text = rng.choice(_SKILLS)
    level = rng.choice(["Foundation", "Intermediate", "Advanced"])
    achievement_name = f"{skill_name} — {level}"
    email = f"{first.lower()}.{last.lower()}.{i}@{rng.choice(['mail', 'corp', 'staff'])}.example"
    salt = f"{rng.getrandbits(64):016x}"
    credential_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
    achievement_slug = f"{skill_name.lower().replace(' ', '-').replace('&', 'and')}-{level.lower()}"
    valid_from = _EPOCH + timedelta(days=i % 300, seconds=rng.randrange(86_400))
    valid_until = valid_from + timedelta(days=365 * rng.choice([1, 2, 3]))
    status_index = rng.randrange(131_072)
    status_list = f"https://{domain}/status/revocation/{1 + i // 100_000}"

    alignments = []
    for framework, url, target_type in rng.sample(_FRAMEWORKS, rng.choice([2, 3])):
        code = f"{rng.randrange(1000, 9999)}.{rng.randrange(10, 99)}"
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": f"{skill_name} ({framework})",
                "targetUrl": f"{url}/{code}",
                "targetDescription": f"{target_type} aligned with {skill_name.lower()}.",
                "targetFramework": framework,
                "targetCode": code,
            }
        )

    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{achievement_name} awarded to {first} {last}",
        "issuer": {
            "id": issuer_id or issuer_did_key_placeholder(i),
            "type": ["Profile"],
            "name": org_name,
            "url": f"https://{domain}/",
            "email": f"credentials@{domain}",
            "image": {
                "id": f"https://{domain}/assets/logo-{i % 7}.png",
                "type": "Image",
                "caption": f"{org_name} logo",
            },
        },
        "validFrom": _iso(valid_from),
        "validUntil": _iso(valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hashed_email(email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": f"https://{domain}/achievements/{achievement_slug}",
                "type": ["Achievement"],
                "achievementType": rng.choice(_ACHIEVEMENT_TYPES),
                "name": achievement_name,
                "description": f"{skill_text} Level: {level}.",
                "criteria": {
                    "narrative": (
                        f"The learner completed the {skill_name.lower()} programme "
                        f"({rng.randrange(6, 40)} hours), passed a supervised practical "
                        f"assessment with a score of at least {rng.randrange(70, 95)}%, and "
                        "demonstrated the skill on the job, signed off by a qualified assessor."
                    )
                },
                "image": {
                    "id": f"https://{domain}/achievements/{achievement_slug}.png",
                    "type": "Image",
                },
                "alignment": alignments,
                "tag": [skill_name.split()[0].lower(), level.lower(), "workplace"],
            },
        },
        "credentialStatus": {
            "id": f"{status_list}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list,
        },
        "evidence": [
            {
                "id": f"https://{domain}/evidence/{credential_uuid.hex[:12]}",
                "type": ["Evidence"],
                "name": f"{rng.choice(_GENRES)} record",
                "description": f"Assessor sign-off for {first} {last}.",
                "narrative": (
                    f"Observed on {_iso(valid_from - timedelta(days=rng.randrange(1, 30)))[:10]}"
                    f" by assessor #{rng.randrange(100, 999)}."
                ),
                "genre": rng.choice(_GENRES),
                "audience": "Employers",
            }
        ],
    }
    if not status:
        del credential["credentialStatus"]
    return credential


def make_credentials(
    n: int, *, seed: int = 2025, issuer_id: str | None = None, status: bool = True
) -> list[Any]:
    """``n`` distinct credentials, ``make_credential(0..n-1)``."""
    return [make_credential(i, seed=seed, issuer_id=issuer_id, status=status) for i in range(n)]
