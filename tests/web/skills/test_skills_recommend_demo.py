"""The demo shows recommendations (with reasons) and the operative → team lead career path;
loading it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from microcred_web.accounts.models import User
from microcred_web.common.models import AuditEvent
from microcred_web.learning.models import Course
from microcred_web.orgs.models import Organisation
from microcred_web.skills import recommending
from microcred_web.skills.models import Alignment, RoleLink

pytestmark = pytest.mark.django_db


def test_demo_learners_see_recommendations_and_the_path_to_team_lead(client):
    call_command("load_demo", stdout=StringIO())
    northwind = Organisation.objects.get(slug="northwind")
    zoe = User.objects.get(email="learner@northwind.example")
    titles = [
        v.rec.offer.title
        for v in recommending.recommendations_for(organisation=northwind, user=zoe)
    ]
    assert "Stock control essentials" in titles and "Stock Control Practitioner" in titles
    bjorn = User.objects.get(email="bjorn.andersson@northwind.example")
    assert recommending.recommendations_for(organisation=northwind, user=bjorn)
    assert RoleLink.objects.filter(
        organisation=northwind,
        source__name="Warehouse operative",
        target__name="Warehouse team lead",
    ).exists()

    counts = (
        RoleLink.objects.count(),
        Course.objects.count(),
        Alignment.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("load_demo", stdout=StringIO())
    assert (
        RoleLink.objects.count(),
        Course.objects.count(),
        Alignment.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    client.force_login(zoe)
    page = reverse("skills:recommended", kwargs={"slug": "northwind"})
    html = client.get(page).content.decode()
    assert "Warehouse team lead needs Perform stock control at level 3" in html
    path = client.get(reverse("skills:explore", kwargs={"slug": "northwind"})).content.decode()
    assert "Warehouse team lead" in path and 'id="path-steps"' in path
    assert "Stock control essentials" in path or "Stock Control Practitioner" in path
    client.force_login(User.objects.get(email="manager@northwind.example"))
    needs = reverse("skills:training_needs", kwargs={"slug": "northwind"})
    assert "Stock control essentials" in client.get(needs).content.decode()
