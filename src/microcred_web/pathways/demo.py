"""Demo content: Northwind's "Warehouse Team Lead Certificate" pathway, with Zoë part-way.

Safety core (Forklift Safety Level 1 and Dangerous Goods Awareness), then any one of Customer
Care Essentials or Warehouse Team Lead, and 24 workload hours of training; the milestone
"Warehouse Foundations" follows the safety core. Zoë (learner@northwind.example) already holds
both safety credentials (issuing demo), so publishing issues her the milestone and her map shows
the rest. Runs after the issuing and awards demos; running it again changes nothing.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement, AchievementStatus
from microcred_web.orgs.models import Organisation, Team
from microcred_web.pathways import cohorts, services
from microcred_web.pathways.models import Enrolment, Pathway

ORG_SLUG = "northwind"
AUTHOR_EMAIL = "admin@northwind.example"
LEARNER_EMAIL = "learner@northwind.example"
NAME = "Warehouse Team Lead Certificate"
TEAM = "Warehouse Operations"
CORE = ("Forklift Safety Level 1", "Dangerous Goods Awareness")
PEOPLE = ("Customer Care Essentials", "Warehouse Team Lead")
HOURS = ("Forklift Safety Level 1", "Customer Care Essentials", "Dangerous Goods Awareness")
NEW: dict[str, dict[str, Any]] = {
    "Warehouse Foundations": {
        "description": "Works safely on the warehouse floor: the safety core of the team-lead "
        "pathway.",
        "criteria": "Hold **Forklift Safety Level 1** and **Dangerous Goods Awareness**.",
        "achievement_type": "Badge",
    },
    NAME: {
        "description": "Leads a warehouse shift safely: the safety core, people skills and 24 "
        "hours of hands-on training.",
        "criteria": "Complete every step of the Warehouse Team Lead pathway.",
        "achievement_type": "Certificate",
        "eqf_level": 4,
    },
}


def _png(colour: tuple[int, int, int], size: int = 96) -> bytes:
    """A square of ``colour`` as a small RGB PNG."""
    raw = (b"\x00" + bytes(colour) * size) * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _achievement(organisation: Organisation, name: str, author: User) -> Achievement:
    achievement = Achievement.objects.filter(organisation=organisation, name=name).first()
    if achievement is None:
        image = SimpleUploadedFile("pathway.png", _png((120, 60, 20)), "image/png")
        achievement = achievement_services.achievement_create(
            organisation=organisation,
            actor=author,
            values={"name": name, "language": "en", **NEW[name]},
            image=image,
        )
    if achievement.status == AchievementStatus.DRAFT:
        achievement_services.achievement_publish(achievement=achievement, actor=author)
        achievement.refresh_from_db()
    return achievement


def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    author = User.objects.filter(email=AUTHOR_EMAIL).first()
    if organisation is None or author is None:
        return {}
    existing = {
        a.name: a
        for a in Achievement.objects.filter(organisation=organisation, name__in={*CORE, *PEOPLE})
    }
    if not {*CORE, *PEOPLE} <= set(existing):
        return {}
    pathway = Pathway.objects.filter(organisation=organisation, name=NAME).first()
    if pathway is None:
        milestone = _achievement(organisation, "Warehouse Foundations", author)
        pathway = services.pathway_create(
            organisation=organisation,
            actor=author,
            name=NAME,
            description="From the warehouse floor to leading a shift: safety first, people "
            "skills, and hands-on hours.",
            goal=_achievement(organisation, NAME, author),
        )
        services.pathway_step_add(
            pathway=pathway,
            actor=author,
            title="Safety core",
            kind="required",
            achievements=[existing[name] for name in CORE],
        )
        services.pathway_step_add(
            pathway=pathway,
            actor=author,
            title="People skills",
            kind="elective",
            achievements=[existing[name] for name in PEOPLE],
            n=1,
        )
        services.pathway_step_add(
            pathway=pathway,
            actor=author,
            title="Hands-on training",
            kind="credit",
            achievements=[existing[name] for name in HOURS],
            system="workload hours",
            target=24,
            requires=["safety-core"],
        )
        services.pathway_milestone_add(
            pathway=pathway,
            actor=author,
            title="Warehouse Foundations",
            achievement=milestone,
            after=["safety-core"],
        )
    if pathway.published_version_id is None:
        services.pathway_publish(pathway=pathway, actor=author)
        pathway.refresh_from_db()
    learner = User.objects.filter(email=LEARNER_EMAIL).first()
    if learner is not None:
        services.pathway_enrol(pathway=pathway, user=learner)
    # the warehouse team is assigned the pathway with a due date (once: a reload keeps it)
    team = Team.objects.filter(organisation=organisation, name=TEAM).first()
    if team is not None and not Enrolment.objects.filter(pathway=pathway, team=team).exists():
        cohorts.pathway_assign_team(
            pathway=pathway,
            team=team,
            due_date=timezone.localdate() + timedelta(days=60),
            actor=author,
        )
    from microcred_web.pathways.demo_recognition import demo_recognition_load

    return {
        "pathways": Pathway.objects.filter(organisation=organisation).count(),
        "pathway_enrolments": Enrolment.objects.filter(organisation=organisation).count(),
        **demo_recognition_load(pathway),  # a credential from elsewhere counts (issue 18)
    }
