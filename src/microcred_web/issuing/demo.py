"""Demo content for Northwind Logistics: published achievements and a few issued credentials.

Called by ``load_demo`` (see :mod:`microcred_web.orgs.demo`) after the people exist. Everything
goes through the ordinary services — the issuer profile, the first signing key (created on first
issue), achievements, publishing, issuing, revoking — and running it again changes nothing:
achievements are found by name, credentials by their ``source_key`` (``demo:<n>``).
"""

from __future__ import annotations

import functools
import math
import struct
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement, AchievementStatus
from microcred_web.issuing import services
from microcred_web.issuing.models import Credential, IssuerProfile
from microcred_web.orgs.models import Organisation

ORG_SLUG = "northwind"
ISSUER_EMAIL = "issuer@northwind.example"
ISCO = "ISCO-08"
ISCO_URL = "http://data.europa.eu/esco/isco/C{code}"
SKILLS = "Northwind Skills Framework"
SKILLS_URL = "https://northwind.example/skills/{code}"

PROFILE = {
    "name": "Northwind Logistics",
    "url": "https://northwind.example",
    "email": "training@northwind.example",
    "description": "Training and certification for the people who keep Northwind's warehouses "
    "and customers moving.",
}


def _isco(code: str, name: str) -> dict[str, str]:
    return {"framework": ISCO, "code": code, "name": name, "url": ISCO_URL.format(code=code)}


def _skill(code: str, name: str) -> dict[str, str]:
    return {"framework": SKILLS, "code": code, "name": name, "url": SKILLS_URL.format(code=code)}


@dataclass(frozen=True)
class DemoAchievement:
    key: str
    colour: tuple[int, int, int]
    values: dict[str, Any] = field(default_factory=dict)


ACHIEVEMENTS = (
    DemoAchievement(
        "forklift",
        (20, 80, 110),
        {
            "name": "Forklift Safety Level 1",
            "description": "Operates a counterbalance forklift safely in a working warehouse: "
            "pre-use checks, load handling, stacking and pedestrian awareness.",
            "criteria": (
                "To earn this certificate the holder:\n\n"
                "1. completed the **16-hour** Forklift Safety Level 1 course;\n"
                "2. passed the written theory test (at least **80%**);\n"
                "3. passed a **practical assessment** observed by a certified assessor: "
                "pre-use inspection, lifting, stacking at height and driving in a marked aisle "
                "with pedestrians.\n\n"
                "Refresher training and a new practical assessment are due every three years."
            ),
            "achievement_type": "Certificate",
            "level": "1",
            "tags": ["safety", "forklift", "warehouse"],
            "workload_hours": 16,
            "expiry_policy": "months",
            "expiry_months": 36,
            "alignments": [
                _isco("8344", "Lifting truck operators"),
                _skill("WH-FL-01", "Carry out forklift pre-use inspections"),
                _skill("WH-FL-02", "Move and stack palletised loads safely"),
            ],
            "learning_outcomes": "Carries out and records a pre-use inspection\n"
            "Lifts, moves and stacks loads within the rated capacity\n"
            "Drives safely among pedestrians and other vehicles",
            "eqf_level": 3,
            "assessment_type": "Written theory test and a practical test observed by an assessor",
            "participation_mode": "on-site",
            "quality_assurance": "Northwind Training quality procedure, audited yearly",
            "prerequisites": "Aged 18 or over\nSite safety induction",
            "identity_verification": "Photo identity document checked by the assessor",
            "grading_scheme": "Pass / fail",
            "stackability": "Counts towards Warehouse Team Lead",
            "translations": {
                "fr": {
                    "name": "Sécurité chariot élévateur — niveau 1",
                    "description": "Conduit un chariot élévateur en sécurité dans un entrepôt.",
                    "criteria": "Formation de 16 heures, test théorique et évaluation pratique.",
                    "learning_outcomes": "Effectue la vérification avant utilisation",
                }
            },
        },
    ),
    DemoAchievement(
        "care",
        (30, 107, 58),
        {
            "name": "Customer Care Essentials",
            "description": "Handles customer enquiries and complaints by phone, e-mail and "
            "chat with empathy, accuracy and a clear follow-up.",
            "criteria": (
                "The holder completed the **Customer Care Essentials** programme and:\n\n"
                "- handled ten recorded customer contacts reviewed against the Northwind "
                "service standard;\n"
                "- resolved a complaint role-play to the assessor's satisfaction;\n"
                "- scored at least **75%** in the knowledge check."
            ),
            "achievement_type": "Badge",
            "tags": ["customer service", "communication"],
            "workload_hours": 8,
            "expiry_policy": "none",
            "alignments": [
                _isco("4222", "Contact centre information clerks"),
                _skill("CC-01", "Handle customer complaints"),
                _skill("CC-02", "Write clear customer e-mails"),
            ],
            "learning_outcomes": "Listens actively and confirms the customer's need\n"
            "Resolves or escalates complaints following the service standard",
            "participation_mode": "blended",
            "assessment_type": "Review of recorded contacts and a role-play",
            "grading_scheme": "Pass / fail",
        },
    ),
    DemoAchievement(
        "dangerous-goods",
        (179, 38, 30),
        {
            "name": "Dangerous Goods Awareness",
            "description": "Recognises dangerous goods in the warehouse, reads their labels and "
            "documents, and knows what to do when a package is damaged or leaking.",
            "criteria": (
                "The holder completed the ADR **awareness** module (function-specific training, "
                "chapter 1.3) and passed the multiple-choice test with at least **80%**. "
                "Awareness training must be renewed every two years."
            ),
            "achievement_type": "Certificate",
            "level": "Awareness",
            "tags": ["safety", "ADR", "compliance"],
            "workload_hours": 4,
            "expiry_policy": "months",
            "expiry_months": 24,
            "alignments": [
                _isco("4321", "Stock clerks"),
                _skill("DG-01", "Identify dangerous goods labels and placards"),
            ],
            "learning_outcomes": "Identifies the nine classes of dangerous goods\n"
            "Responds correctly to a damaged or leaking package",
            "participation_mode": "online",
            "assessment_type": "Online multiple-choice test",
            "grading_scheme": "Percentage, pass mark 80%",
        },
    ),
    DemoAchievement(
        "team-lead",
        (122, 31, 61),
        {
            "name": "Warehouse Team Lead",
            "description": "Leads a warehouse shift team: plans the work, keeps people safe, "
            "coaches new starters and reports on performance.",
            "criteria": (
                "A micro-credential for shift leaders. The holder:\n\n"
                "- already holds **Forklift Safety Level 1** and **Dangerous Goods Awareness**;\n"
                "- completed the five leadership workshops (40 hours) and 80 hours of "
                "supervised practice;\n"
                "- presented a workplace improvement project to a panel, graded **pass** or "
                "higher."
            ),
            "achievement_type": "MicroCredential",
            "level": "Supervisor",
            "tags": ["leadership", "warehouse"],
            "credits": "5",
            "workload_hours": 120,
            "expiry_policy": "none",
            "alignments": [
                _isco("4321", "Stock clerks"),
                _skill("TL-01", "Plan and allocate shift work"),
                _skill("TL-02", "Coach new team members"),
            ],
            "learning_outcomes": "Plans a shift against volume forecasts\n"
            "Runs a toolbox talk and a safety walk\n"
            "Gives structured feedback to team members",
            "credit_ects": "5",
            "eqf_level": 4,
            "assessment_type": "Workplace project presented to a panel",
            "participation_mode": "blended",
            "quality_assurance": "Programme reviewed by the Northwind Training board",
            "prerequisites": "Forklift Safety Level 1\nDangerous Goods Awareness",
            "identity_verification": "Employee identity checked at the panel",
            "grading_scheme": "Fail / pass / merit / distinction",
            "stackability": "Stand-alone; recognised towards the Logistics Operations diploma",
        },
    ),
)


@dataclass(frozen=True)
class DemoCredential:
    number: int
    achievement: str
    email: str
    result: str = ""
    evidence: str = ""
    days_ago: int = 0
    revoke: str = ""


CREDENTIALS = (
    DemoCredential(1, "forklift", "learner@northwind.example", "94%", "", 40),
    DemoCredential(2, "forklift", "bjorn.andersson@northwind.example", "88%", "", 40),
    DemoCredential(3, "forklift", "lukasz.kowalski@northwind.example", "91%", "", 12),
    DemoCredential(4, "dangerous-goods", "learner@northwind.example", "86%", "", 30),
    DemoCredential(5, "dangerous-goods", "mehmet.yilmaz@northwind.example", "82%", "", 800),
    DemoCredential(6, "care", "ines.benali@northwind.example", "", "", 20),
    DemoCredential(7, "care", "chloe.martin@northwind.example", "", "", 20),
    DemoCredential(
        8,
        "forklift",
        "soren.kristensen@northwind.example",
        "",
        "",
        10,
        "Issued in error: the practical assessment was not completed.",
    ),
    DemoCredential(
        9,
        "team-lead",
        "learner@northwind.example",
        "Merit",
        "Redesigned the returns bay layout, cutting picking walks by 18%.",
        5,
    ),
)


@functools.cache
def _badge_shape(size: int) -> tuple[bytes, ...]:
    """Per pixel: 0 transparent, 1 colour, 2 white (a disc with a ring and a star)."""
    centre = (size - 1) / 2
    star = [
        (
            centre + (size * (0.26 if i % 2 == 0 else 0.11)) * math.sin(math.pi * i / 5),
            centre - (size * (0.26 if i % 2 == 0 else 0.11)) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]

    def inside_star(x: float, y: float) -> bool:
        hit = False
        for i in range(10):
            (x1, y1), (x2, y2) = star[i], star[i - 1]
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                hit = not hit
        return hit

    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            distance = math.hypot(x - centre, y - centre) / (size / 2)
            if distance > 0.98:
                row.append(0)
            elif 0.78 < distance < 0.82 or (distance < 0.3 and inside_star(x, y)):
                row.append(2)
            else:
                row.append(1)
        rows.append(bytes(row))
    return tuple(rows)


def _png(colour: tuple[int, int, int], size: int = 192) -> bytes:
    """A round badge in ``colour`` as a small RGBA PNG."""
    pixels = (b"\x00\x00\x00\x00", bytes((*colour, 255)), b"\xff\xff\xff\xff")
    raw = b"".join(b"\x00" + b"".join(pixels[cell] for cell in row) for row in _badge_shape(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _achievement(organisation: Organisation, spec: DemoAchievement, actor: User) -> Achievement:
    achievement = Achievement.objects.filter(
        organisation=organisation, name=spec.values["name"]
    ).first()
    if achievement is None:
        image = SimpleUploadedFile(f"{spec.key}.png", _png(spec.colour), "image/png")
        achievement = achievement_services.achievement_create(
            organisation=organisation, actor=actor, values=spec.values, image=image
        )
    if achievement.status == AchievementStatus.DRAFT:
        achievement_services.achievement_publish(achievement=achievement, actor=actor)
        achievement.refresh_from_db()
    return achievement


def demo_content_load() -> dict[str, int]:
    """Publish the demo achievements and issue the demo credentials (idempotent)."""
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    actor = User.objects.filter(email=ISSUER_EMAIL).first()
    if organisation is None or actor is None:
        return {"achievements": 0, "credentials": 0}
    if not IssuerProfile.objects.filter(organisation=organisation).exists():
        services.issuer_profile_update(organisation=organisation, actor=actor, **PROFILE)
    achievements = {spec.key: _achievement(organisation, spec, actor) for spec in ACHIEVEMENTS}
    names = dict(User.objects.values_list("email", "display_name"))
    now = timezone.now()
    for item in CREDENTIALS:
        version = achievements[item.achievement].current_version
        if version is None:  # pragma: no cover - published above
            continue
        evidence = [{"narrative": item.evidence}] if item.evidence else []
        services.credentials_issue(
            organisation=organisation,
            achievement_version=version,
            recipients=[
                services.RecipientInput(
                    email=item.email,
                    name=names.get(item.email) or None,
                    result=[{"value": item.result}] if item.result else [],
                    evidence=evidence,
                    source_key=f"demo:{item.number}",
                )
            ],
            actor=actor,
            source="demo",
            now=now - timedelta(days=item.days_ago),
            deliver=False,
        )
        if item.revoke:
            credential = Credential.objects.get(
                organisation=organisation, source_key=f"demo:{item.number}"
            )
            if credential.revoked_at is None:
                services.credentials_revoke(
                    credentials=[credential], actor=actor, reason=item.revoke
                )
    _demo_wallets(organisation)
    return {
        "achievements": len(achievements),
        "credentials": Credential.objects.filter(
            organisation=organisation, source_key__startswith="demo:"
        ).count(),
    }


#: the demo learner whose credentials stay private (the wallet journey makes one public)
PRIVATE_DEMO_LEARNER = "learner@northwind.example"


def _demo_wallets(organisation: Organisation) -> None:
    """Demo credentials land in their recipients' wallets (as if claimed) and are public,
    except the demo learner's own, which stay private like any new credential."""
    demo = Credential.objects.filter(organisation=organisation, source_key__startswith="demo:")
    users = {
        u.email.lower(): u for u in User.objects.filter(email__in=demo.values("recipient_email"))
    }
    for credential in demo.filter(recipient_user__isnull=True):
        user = users.get((credential.recipient_email or "").lower())
        if user is not None:
            credential.recipient_user, credential.claimed_at = user, credential.issued_at
            credential.save(update_fields=["recipient_user", "claimed_at"])
    demo.exclude(recipient_email__iexact=PRIVATE_DEMO_LEARNER).update(is_public=True)
