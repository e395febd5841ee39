"""Dismissals feed the ranking (issue 17 item 6): a course aligned to skills is an offer of
its own; "already know it" lowers offers on the same skills; undo restores the order."""

from __future__ import annotations

from django.urls import reverse

from microcred_web.learning import services as learning_services
from microcred_web.skills import learning_alignments, recommending, services


def _course(world, title, minutes, skill, level):
    admin = world.people["admin"]
    course = learning_services.course_create(
        organisation=world.org,
        actor=admin,
        values={"title": title, "language": "en", "duration_minutes": minutes},
    )
    module = learning_services.module_create(course=course, actor=admin, title="One")
    learning_services.block_create(module=module, actor=admin, kind="text", values={"body": "x"})
    learning_services.course_publish(course=course, actor=admin)
    target = learning_alignments.target_get(
        organisation=world.org, kind="course", object_id=course.pk
    )
    learning_alignments.learning_alignment_set(
        organisation=world.org, actor=admin, target=target, rows=[(skill.pk, level)]
    )
    return course


def _keys(world, user):
    return [v.key for v in recommending.recommendations_for(organisation=world.org, user=user)]


def test_already_know_it_lowers_the_other_stock_course_and_undo_restores(client, skills):
    world, learner = skills.world, skills.world.people["learner"]
    role = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Stock lead",
        requirements=[(skills.forklift.pk, 3, 2), (skills.stock.pk, 2, 3)],
    )
    services.person_role_set(
        organisation=world.org, actor=world.people["admin"], user=learner, current=role, targets=[]
    )
    basics = _course(world, "Stock basics", 60, skills.stock, 2)
    audit = _course(world, "Stock audits", 120, skills.stock, 2)
    credential = f"credential:{skills.achievement.pk}"
    # stock closes 3 (weight 3), forklift 2: the two stock courses first, the shorter first
    assert _keys(world, learner) == [f"course:{basics.pk}", f"course:{audit.pk}", credential]

    client.force_login(learner)
    dismiss = reverse("skills:recommendation_dismiss", kwargs={"slug": world.org.slug})
    client.post(dismiss, {"item": f"course:{basics.pk}", "reason": "have_it"})
    assert _keys(world, learner) == [credential, f"course:{audit.pk}"]  # 3 × 0.5 < 2
    page = client.get(reverse("skills:recommended", kwargs={"slug": world.org.slug}))
    html = page.content.decode()
    assert html.index("Forklift safety") < html.index("Stock audits")
    assert "it mostly covers skills you said you already know" in html

    client.post(dismiss, {"item": f"course:{basics.pk}", "restore": "1"})
    assert _keys(world, learner) == [f"course:{basics.pk}", f"course:{audit.pk}", credential]


def test_other_reason_hides_only_that_item(skills):
    world, learner = skills.world, skills.world.people["learner"]
    role = services.job_role_save(
        organisation=world.org,
        actor=world.people["admin"],
        name="Stock lead",
        requirements=[(skills.stock.pk, 2, 3)],
    )
    services.person_role_set(
        organisation=world.org, actor=world.people["admin"], user=learner, current=role, targets=[]
    )
    basics = _course(world, "Stock basics", 60, skills.stock, 2)
    audit = _course(world, "Stock audits", 120, skills.stock, 2)
    from microcred_web.skills import recommend_services

    recommend_services.recommendation_dismiss(
        organisation=world.org, user=learner, item=f"course:{basics.pk}", reason="other", note="x"
    )
    [view] = recommending.recommendations_for(organisation=world.org, user=learner)
    assert view.key == f"course:{audit.pk}" and view.rec.lowered_by == ()
    assert view.rec.rank_score == view.rec.closes == 3.0
