"""The team editor at scale: member search and paging, add by search or pasted e-mails,
remove; no page lists the whole organisation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred_web.accounts.models import User
from microcred_web.orgs.models import Membership, MembershipRole, Team


@pytest.fixture
def crowd(world) -> list[Membership]:
    """3,000 learners in Acme (made in bulk), the first 120 in the team Depot."""
    User.objects.bulk_create(
        User(
            email=f"w{i:04d}@acme.example",
            display_name=f"Worker {i:04d}",
            search_text=f"worker {i:04d} w{i:04d}@acme.example",
        )
        for i in range(3000)
    )
    users = list(User.objects.filter(email__startswith="w", email__endswith="@acme.example"))
    Membership.objects.bulk_create([Membership(user=u, organisation=world.org) for u in users])
    memberships = list(Membership.objects.filter(user__in=users).order_by("user__email"))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=m, role="learner") for m in memberships]
    )
    world.team.members.add(*memberships[:120])
    return memberships


@pytest.fixture
def admin(client, world):
    client.force_login(world.people["admin"])
    return client


def url(world, suffix: str = "") -> str:
    return f"/o/acme/teams/{world.team.pk}/{suffix}"


def test_members_are_paged_and_searchable_in_few_queries(admin, world, crowd) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = admin.get(url(world))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 121  # 120 + the demo learner
    assert len(page.context["page"].object_list) == 50
    assert len(queries) < 30, len(queries)
    html = page.content.decode()
    assert html.count('name="membership"') == 50 + 1  # a page of members + the manager
    assert "Worker 2999" not in html
    second = admin.get(url(world, "?page=3"))
    assert len(second.context["page"].object_list) == 21
    found = admin.get(url(world, "?q=worker 0042"))
    assert [m.user.email for m in found.context["page"]] == ["w0042@acme.example"]


def test_find_offers_only_people_outside_the_team_and_adds_them(admin, world, crowd) -> None:
    found = admin.get(url(world, "?find=worker 025"))
    emails = [m.user.email for m in found.context["candidates"]]
    assert emails[0] == "w0250@acme.example" and len(emails) <= 20
    partial = admin.get(url(world, "?find=worker 0001"), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="team-candidates">')
    assert "w0001" not in partial.content.decode()  # already a member
    ids = [m.pk for m in found.context["candidates"][:2]]
    admin.post(url(world, "members/add/"), {"membership": ids, "as": "member"})
    assert world.team.members.filter(pk__in=ids).count() == 2


def test_paste_adds_members_and_reports_unknown_addresses(admin, world, crowd) -> None:
    text = (
        "w2000@acme.example\nWorker <w2001@acme.example>, nobody@acme.example; w0000@acme.example"
    )
    response = admin.post(url(world, "members/paste/"), {"emails": text}, follow=True)
    pasted = ["w2000@acme.example", "w2001@acme.example"]
    assert world.team.members.filter(user__email__in=pasted).count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert "2 added." in messages
    assert any("nobody@acme.example" in m for m in messages)


def test_remove_and_other_organisations_people_are_refused(admin, world, crowd) -> None:
    admin.post(url(world, "members/remove/"), {"membership": [crowd[0].pk]})
    assert not world.team.members.filter(pk=crowd[0].pk).exists()
    stranger = Membership.objects.get(user=world.others["learner"])
    admin.post(url(world, "members/add/"), {"membership": [stranger.pk]})
    assert not world.team.members.filter(pk=stranger.pk).exists()


def test_teams_list_counts_without_loading_members(admin, world, crowd) -> None:
    Team.objects.create(organisation=world.org, name="Empty")
    page = admin.get("/o/acme/teams/")
    counts = {t.name: t.member_count for t in page.context["teams"]}
    assert counts == {"Depot": 121, "Empty": 0}
