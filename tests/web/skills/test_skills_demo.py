"""The demo organisation's skills: profiles from its credentials, two roles, gaps, matrix."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from microcred_web.accounts.models import User
from microcred_web.common.models import AuditEvent
from microcred_web.orgs.models import Organisation
from microcred_web.skills import selectors
from microcred_web.skills.models import (
    ProficiencyScale,
    PublicSkillsPage,
    ScaleMapping,
    SkillEvidence,
    SkillVisibility,
)

pytestmark = pytest.mark.django_db


def test_demo_learner_sees_profile_and_gap_and_loading_again_changes_nothing(client):
    call_command("load_demo", stdout=StringIO())
    northwind = Organisation.objects.get(slug="northwind")
    zoe = User.objects.get(email="learner@northwind.example")
    lines = {
        line.skill.code: line.state
        for line in selectors.profile_lines(organisation=northwind, user=zoe)
    }
    assert lines["WH-FL-01"].verified and lines["WH-FL-01"].level == 3
    assert lines["TL-01"].verified
    gaps = {v.role.name: v.gap for v in selectors.gaps_of(organisation=northwind, user=zoe)}
    assert gaps["Warehouse operative"].match_percent == 100.0
    lead = gaps["Warehouse team lead"]
    assert 0 < lead.match_percent < 100
    assert [s for s in lead.missing] and all(i.skill for i in lead.missing)
    # the revoked demo credential (Søren's forklift) backs nothing
    soren = User.objects.get(email="soren.kristensen@northwind.example")
    assert selectors.profile_lines(organisation=northwind, user=soren) == []

    # a second scale mapped onto the default, and a skill's own descriptors
    eight = ProficiencyScale.objects.get(organisation=northwind, name__startswith="Partner")
    assert len(eight.levels) == 8
    mapping = ScaleMapping.objects.get(source=eight, target__is_default=True)
    assert mapping.as_table()[6] == 4
    stacking = next(
        line
        for line in selectors.profile_lines(organisation=northwind, user=zoe)
        if line.skill.code == "WH-FL-02"
    )
    assert stacking.descriptor.startswith("Moves and stacks loads alone in a busy aisle")

    shared = SkillVisibility.objects.filter(user=zoe, visibility="manager").count()
    assert shared >= 2  # the demo team shows its skills to its managers
    counts = (
        SkillEvidence.objects.count(),
        AuditEvent.objects.count(),
        ProficiencyScale.objects.count(),
        ScaleMapping.objects.count(),
    )
    call_command("load_demo", stdout=StringIO())
    assert (
        SkillEvidence.objects.count(),
        AuditEvent.objects.count(),
        ProficiencyScale.objects.count(),
        ScaleMapping.objects.count(),
    ) == counts
    assert SkillVisibility.objects.filter(user=zoe, visibility="manager").count() == shared

    # Björn shows his verified skills on a public page linked from his public profile
    profile = client.get(reverse("wallet:public_profile", kwargs={"handle": "bjorn-andersson"}))
    page = PublicSkillsPage.objects.get(user__email="bjorn.andersson@northwind.example")
    public_url = reverse("skills:public_person", kwargs={"public_id": page.public_id})
    assert f'href="{public_url}"' in profile.content.decode()
    public = client.get(public_url).content.decode()
    assert "Verified" in public and "bjorn.andersson@" not in public
    assert PublicSkillsPage.objects.count() == 1

    client.force_login(User.objects.get(email="manager@northwind.example"))
    matrix = client.get(reverse("skills:team", kwargs={"slug": "northwind"})).content.decode()
    assert "Carry out forklift pre-use inspections" in matrix and "Zoë Dubois" in matrix
    assert "3 <span" in matrix  # a verified level the team shares
