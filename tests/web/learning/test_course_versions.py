"""Course versions compared block by block, and rollback = a new draft from an old version
(issue 16, item 6)."""

from __future__ import annotations

from django.urls import reverse

from microcred_web.common.models import AuditEvent
from microcred_web.learning import services
from microcred_web.learning.models import Block
from microcred_web.learning.snapshot import course_snapshot
from microcred_web.learning.versioning import course_diff


def _second_version(setup):
    """v1 as built; v2: a text block changed, one block removed, one added, a module renamed."""
    admin = setup.admin
    first_module = setup.modules[0]
    text, callout = list(first_module.blocks.all())[:2]
    services.block_update(block=text, actor=admin, values={"body": "Plan the **path** first."})
    services.block_delete(block=callout, actor=admin)
    services.block_create(
        module=first_module, actor=admin, kind="text", values={"body": "Wear gloves."}
    )
    services.module_update(module=first_module, actor=admin, title="Before lifting")
    services.course_publish(course=setup.course, actor=admin)
    return text, callout


def test_the_diff_names_each_changed_block(setup) -> None:
    text, callout = _second_version(setup)
    v1, v2 = (setup.course.versions.get(number=n).snapshot for n in (1, 2))
    diff = course_diff(v1, v2)
    module = diff.modules[0]
    assert module.status == "changed"
    assert [(c.before, c.after) for c in module.changes] == [("Before you lift", "Before lifting")]
    by_key = {b.key: b for b in module.blocks}
    assert by_key[text.key].status == "changed"
    [change] = by_key[text.key].changes
    assert change.before == "Plan the **route** first."
    assert change.after == "Plan the **path** first."
    assert by_key[callout.key].status == "removed"
    assert [b.summary for b in module.blocks if b.status == "added"] == ["Wear gloves."]
    assert course_diff(v2, v2).identical


def test_versions_page_shows_the_diff_and_rollback_makes_a_new_draft(client, setup) -> None:
    text, callout = _second_version(setup)
    client.force_login(setup.admin)
    url = reverse("learning:course_versions", kwargs={"slug": "acme", "course_id": setup.course.pk})
    html = client.get(url).content.decode()  # defaults: v1 → v2
    assert f'data-block="{callout.key}" data-status="removed"' in html
    assert f'data-block="{text.key}" data-status="changed"' in html
    assert "<del" in html and "Plan the **route** first." in html

    rollback = reverse(
        "learning:course_version_rollback",
        kwargs={"slug": "acme", "course_id": setup.course.pk, "number": 1},
    )
    response = client.post(rollback)
    assert response.status_code == 302 and "from=1&to=draft" in response["Location"]
    setup.course.refresh_from_db()
    draft = course_snapshot(setup.course)
    v1 = setup.course.versions.get(number=1).snapshot
    assert course_diff(v1, draft).identical  # the draft is v1's content again, keys included
    assert Block.objects.filter(key=callout.key).exists()
    assert setup.course.versions.count() == 2  # nothing published by the rollback
    assert setup.course.current_version.number == 2
    event = AuditEvent.objects.get(action="learning.course_rollback")
    assert event.data["version"] == 1 and event.actor == setup.admin
    shown = client.get(response["Location"]).content.decode()
    assert "No differences." in shown

    services.course_publish(course=setup.course, actor=setup.admin)
    assert setup.course.versions.get(number=3).snapshot["modules"] == v1["modules"]


def test_versions_are_for_this_organisation_s_authors(client, setup, make_org, make_member) -> None:
    url = reverse("learning:course_versions", kwargs={"slug": "acme", "course_id": setup.course.pk})
    client.force_login(setup.learner)
    assert client.get(url).status_code == 403
    other = make_org("globex")
    outsider = make_member(other, "admin")
    client.force_login(outsider)
    assert client.get(url.replace("/acme/", "/globex/")).status_code == 404
