"""The organisation home page: each role sees the cards of the apps it works in, with live
numbers (issuing, assessments, learning, wallet contribute their own cards)."""

from __future__ import annotations

import re

from django.urls import reverse

from microcred_web.issuing import services as issuing


def _home(client, world, role: str) -> str:
    client.force_login(world.people[role])
    response = client.get(reverse("orgs:dashboard", kwargs={"slug": world.org.slug}))
    assert response.status_code == 200
    return response.content.decode()


def _card(html: str, key: str) -> str | None:
    match = re.search(rf'<section class="card[^"]*" id="{key}".*?</section>', html, re.S)
    return match.group(0) if match else None


def _stat(card: str) -> int:
    match = re.search(r'<p class="stat">(\d+) ', card)
    assert match, card
    return int(match.group(1))


def test_issuers_see_live_credential_counts(client, world, issue) -> None:
    first = issue()
    issue(claim=False)
    issuing.credential_revoke(credential=first, actor=world.people["admin"], reason="mistake")

    card = _card(_home(client, world, "issuer"), "dash-credentials")
    assert card is not None
    assert _stat(card) == 2
    assert "2 issued in the last 30 days" in card
    assert "1 not claimed yet" in card
    assert "1 revoked or suspended" in card
    assert reverse("issuing:issue", kwargs={"slug": world.org.slug}) in card
    assert reverse("bulk:upload", kwargs={"slug": world.org.slug}) in card


def test_each_role_sees_only_its_cards(client, world, issue) -> None:
    issue()
    learner = _home(client, world, "learner")
    assert _card(learner, "dash-credentials") is None
    assert _card(learner, "dash-assessments") is None
    wallet = _card(learner, "dash-wallet")
    assert wallet is not None and _stat(wallet) == 1
    learning = _card(learner, "dash-learning")
    assert learning is not None and _stat(learning) == 0

    assessor = _home(client, world, "assessor")
    queue = _card(assessor, "dash-assessments")
    assert queue is not None and _stat(queue) == 0
    assert _card(assessor, "dash-credentials") is None
    assert _card(assessor, "dash-wallet") is None

    admin = _home(client, world, "admin")
    assert _card(admin, "dash-credentials") is not None
    assert _card(admin, "dash-assessments") is not None


def test_counts_never_cross_organisations(client, world, issue) -> None:
    issue()
    client.force_login(world.others["issuer"])
    html = client.get(reverse("orgs:dashboard", kwargs={"slug": world.other.slug})).content
    card = _card(html.decode(), "dash-credentials")
    assert card is not None and _stat(card) == 0


def test_the_old_issuing_section_link_leads_to_the_credentials(client, world) -> None:
    client.force_login(world.people["issuer"])
    response = client.get(reverse("orgs:issuing", kwargs={"slug": world.org.slug}))
    assert response.status_code == 302
    assert response["Location"] == reverse("issuing:list", kwargs={"slug": world.org.slug})
