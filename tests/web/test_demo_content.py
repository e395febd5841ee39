"""The demo's achievements and credentials, the navigation, and the pages that show them."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.achievements.models import Achievement, AchievementStatus
from microcred_web.common.models import AuditEvent
from microcred_web.issuing.models import Credential, IssuerKey, IssuerProfile
from microcred_web.issuing.verification import credential_verify

pytestmark = pytest.mark.django_db

ACHIEVEMENTS = {
    "Forklift Safety Level 1",
    "Customer Care Essentials",
    "Dangerous Goods Awareness",
    "Warehouse Team Lead",
    "Warehouse Foundations",  # the pathway demo's milestone and goal
    "Warehouse Team Lead Certificate",
    "Stock Control Practitioner",  # the skills demo's recommendation for team leads
}


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", stdout=StringIO())


def _counts() -> tuple[int, ...]:
    return (
        Achievement.objects.count(),
        Credential.objects.count(),
        IssuerKey.objects.count(),
        IssuerProfile.objects.count(),
        AuditEvent.objects.count(),
        Credential.objects.filter(revoked_at__isnull=False).count(),
    )


def test_demo_content_is_published_issued_and_idempotent(demo) -> None:
    achievements = Achievement.objects.filter(organisation__slug="northwind")
    assert set(achievements.values_list("name", flat=True)) == ACHIEVEMENTS
    assert all(a.status == AchievementStatus.PUBLISHED and a.image for a in achievements)
    forklift = achievements.get(name="Forklift Safety Level 1")
    assert forklift.alignments and forklift.eqf_level and forklift.learning_outcomes
    assert achievements.get(name="Dangerous Goods Awareness").expiry_months == 24
    assert achievements.get(name="Warehouse Team Lead").achievement_type == "MicroCredential"

    credentials = Credential.objects.filter(source_key__startswith="demo:")
    assert credentials.count() >= 5
    revoked = credentials.filter(revoked_at__isnull=False)
    assert revoked.count() == 1 and revoked.get().revocation_reason
    assert IssuerKey.objects.filter(organisation__slug="northwind").count() == 1
    assert IssuerProfile.objects.get(organisation__slug="northwind").email

    sample = credentials.filter(revoked_at__isnull=True, valid_until__isnull=True).first()
    assert sample is not None
    assert credential_verify(sample.signed_json, now=timezone.now()).verdict == "valid"

    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert _counts() == before


def _nav(client, email: str) -> set[str]:
    client.force_login(User.objects.get(email=email))
    html = client.get("/o/northwind/").content.decode()
    nav = html.split('aria-label="Sections"', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r">([^<>]+)</a>", nav))


def test_admins_and_issuers_both_see_the_issuing_sections(client, demo) -> None:
    issuing = {"Achievements", "Credentials", "Bulk issue"}
    assert issuing <= _nav(client, "admin@northwind.example")
    assert issuing <= _nav(client, "issuer@northwind.example")
    assert not issuing & _nav(client, "learner@northwind.example")
    assert not issuing & _nav(client, "manager@northwind.example")


def test_section_stays_current_on_its_inner_pages(client, demo) -> None:
    client.force_login(User.objects.get(email="admin@northwind.example"))
    forklift = Achievement.objects.get(name="Forklift Safety Level 1")
    html = client.get(f"/o/northwind/achievements/{forklift.pk}/").content.decode()
    assert re.search(r'aria-current="page">Achievements<', html)


def test_lists_show_status_badges_counts_and_thumbnails(client, demo) -> None:
    client.force_login(User.objects.get(email="issuer@northwind.example"))
    html = client.get("/o/northwind/achievements/").content.decode()
    assert html.count('class="status status-published"') == 7
    assert html.count('class="thumb"') == 7
    html = client.get("/o/northwind/credentials/").content.decode()
    assert 'class="status status-revoked"' in html and 'class="status status-active"' in html
    assert 'class="bulk-bar"' in html
    empty = client.get("/o/northwind/credentials/?q=nobody-by-this-name").content.decode()
    assert 'class="bulk-bar"' not in empty and "No credential matches" in empty


def test_achievement_form_is_sectioned_and_labelled(client, demo) -> None:
    client.force_login(User.objects.get(email="issuer@northwind.example"))
    forklift = Achievement.objects.get(name="Forklift Safety Level 1")
    html = client.get(f"/o/northwind/achievements/{forklift.pk}/edit/").content.decode()
    for legend in ("Basics", "Criteria", "Recognition", "Validity", "Skills alignments"):
        assert f"<legend>{legend}</legend>" in html
    assert '<details class="section" id="section-eu" open>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'data-expiry-for="months"' in html  # hidden by script only: works without it
    for match in re.finditer(r'<label for="([^"]+)"', html):
        assert f'id="{match[1]}"' in html, match[1]
    bad = client.post(
        "/o/northwind/achievements/new/",
        {"name": "", "description": "d", "criteria": "c", "achievement_type": "Badge",
         "expiry_policy": "months", "language": "en"},
    )  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400 and 'id="form-errors"' in text
    assert 'aria-describedby="id_expiry_months_helptext id_expiry_months_error"' in text


def test_public_page_shows_status_downloads_and_verification(client, demo) -> None:
    active = Credential.objects.filter(
        revoked_at__isnull=True, valid_until__isnull=True, is_public=True
    ).first()
    revoked = Credential.objects.get(revoked_at__isnull=False)
    assert active is not None
    html = client.get(f"/credentials/{active.public_id}").content.decode()
    assert 'id="status-banner"' in html and "Active" in html
    for suffix in ("certificate.pdf", "badge.png", "badge.svg", ".json", ".jwt"):
        assert f"{active.public_id}{'/' if '.' in suffix[1:] else ''}{suffix}" in html
    assert 'id="verification"' in html and "Signed by the issuer" in html
    html = client.get(f"/credentials/{revoked.public_id}").content.decode()
    assert "Revoked" in html and revoked.revocation_reason in html
    assert 'id="downloads"' not in html
