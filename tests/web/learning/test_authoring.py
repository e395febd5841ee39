from __future__ import annotations

import pytest

from microcred_web.common.errors import ApplicationError
from microcred_web.learning import progress, services
from microcred_web.learning.models import Block, CourseVersion, ImmutableError

from .conftest import build_course


def test_publish_freezes_a_version_and_refuses_empty_courses(setup) -> None:
    version = setup.course.current_version
    assert version.number == 1
    assert [m["title"] for m in version.snapshot["modules"]] == ["Before you lift", "Lifting"]
    with pytest.raises(ImmutableError):
        version.save()
    empty = services.course_create(
        organisation=setup.org,
        actor=setup.admin,
        values={"title": "Empty", "language": "en", "duration_minutes": 5, "credits": 0},
    )
    with pytest.raises(ApplicationError) as error:
        services.course_publish(course=empty, actor=setup.admin)
    assert error.value.code == "no_modules"


def test_course_values_are_validated_with_field_names(setup) -> None:
    with pytest.raises(ApplicationError) as error:
        services.course_create(
            organisation=setup.org,
            actor=setup.admin,
            values={"title": "X", "language": "english!", "duration_minutes": 5},
        )
    assert error.value.field == "language"
    with pytest.raises(ApplicationError) as error:
        services.block_create(
            module=setup.modules[0],
            actor=setup.admin,
            kind="video",
            values={"url": "http://insecure.example/v.mp4"},
        )
    assert error.value.field == "url"


def test_authoring_pages_through_the_client(client, setup) -> None:
    client.force_login(setup.admin)
    response = client.post(
        "/o/acme/learning/courses/new/",
        {"title": "Forklift basics", "language": "en", "duration_minutes": 12, "credits": "1"},
    )
    assert response.status_code == 302
    course_url = response["Location"]
    detail = client.get(course_url)
    assert "Forklift basics" in detail.content.decode()
    response = client.post(course_url + "modules/new/", {"title": "Checks"})
    module_url = response["Location"]
    response = client.post(module_url + "blocks/new/text/", {"body": "Check the **forks**."})
    assert response.status_code == 302
    page = client.get(module_url).content.decode()
    assert "<strong>forks</strong>" in page
    assert client.post(course_url + "publish/").status_code == 302
    assert "Published" in client.get(course_url).content.decode()
    # a missing field comes back with the field named
    response = client.post(module_url + "blocks/new/callout/", {"body": "", "style": "tip"})
    assert response.status_code == 400
    assert 'id="id_body_error"' in response.content.decode()


XSS = (
    "Hello <script>alert('x')</script> world\n\n"
    "<img src=x onerror=\"alert('y')\">\n\n"
    "[click me](javascript:alert('z'))\n\n"
    '<a href="javascript:alert(1)" onclick="alert(2)">link</a>'
)


def test_markdown_blocks_are_sanitised_in_preview_and_player(client, setup, enrol) -> None:
    module = setup.modules[0]
    services.block_create(module=module, actor=setup.admin, kind="text", values={"body": XSS})
    services.block_create(
        module=module, actor=setup.admin, kind="callout", values={"style": "info", "body": XSS}
    )
    services.course_publish(course=setup.course, actor=setup.admin)
    client.force_login(setup.admin)
    pages = [client.get(f"/o/acme/learning/courses/{setup.course.pk}/preview/").content.decode()]
    pages.append(
        client.get(
            f"/o/acme/learning/courses/{setup.course.pk}/modules/{module.pk}/"
        ).content.decode()
    )
    enrolment = enrol()
    client.force_login(setup.learner)
    pages.append(client.get(f"/o/acme/learning/my/{enrolment.pk}/?module=1").content.decode())
    for html in pages:
        assert "Hello" in html and "world" in html
        assert "alert(" not in html
        assert "onerror" not in html and "onclick" not in html
        assert "javascript:" not in html


def test_blocks_reorder_by_list_and_by_move(client, setup) -> None:
    module = setup.modules[0]
    first, second = list(module.blocks.all())
    client.force_login(setup.admin)
    base = f"/o/acme/learning/courses/{setup.course.pk}/modules/{module.pk}/blocks/"
    response = client.post(
        base + "order/", {"order": f"{second.pk},{first.pk}"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"ok": True}
    assert [b.pk for b in module.blocks.all()] == [second.pk, first.pk]
    client.post(base + f"{first.pk}/move/", {"direction": "up"})
    assert [b.pk for b in module.blocks.all()] == [first.pk, second.pk]
    bad = client.post(base + "order/", {"order": f"{first.pk}"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert [b.pk for b in module.blocks.all()] == [first.pk, second.pk]


def test_enrolment_pins_the_version_it_started(setup, enrol, make_member) -> None:
    enrolment = progress.enrolment_start(enrolment=enrol())
    assert enrolment.version.number == 1
    block = Block.objects.get(module=setup.modules[0], position=1)
    services.block_update(block=block, actor=setup.admin, values={"body": "Brand new text."})
    services.course_publish(course=setup.course, actor=setup.admin)
    assert CourseVersion.objects.filter(course=setup.course).count() == 2
    enrolment.refresh_from_db()
    snapshot = progress.enrolment_snapshot(enrolment)
    assert snapshot["modules"][0]["blocks"][0]["body"] == "Plan the **route** first."
    newcomer = make_member(setup.org, "learner", email="new@acme.example")
    fresh = progress.enrolment_start(enrolment=enrol(newcomer))
    assert fresh.version.number == 2
    assert progress.enrolment_snapshot(fresh)["modules"][0]["blocks"][0]["body"] == (
        "Brand new text."
    )


def test_preview_matches_what_the_learner_sees(client, setup, enrol) -> None:
    client.force_login(setup.admin)
    preview = client.get(f"/o/acme/learning/courses/{setup.course.pk}/preview/?module=1")
    enrolment = enrol()
    client.force_login(setup.learner)
    player = client.get(f"/o/acme/learning/my/{enrolment.pk}/?module=1")
    for text in ("Plan the <strong>route</strong> first.", "Never more than 25 kg.", "Warning"):
        assert text in preview.content.decode()
        assert text in player.content.decode()


def test_draft_courses_are_not_assignable(setup) -> None:
    draft, _quiz = build_course(setup.org, setup.admin, publish=False)
    with pytest.raises(ApplicationError) as error:
        progress.enrolment_assign(
            organisation=setup.org, actor=setup.admin, course=draft, memberships=[], due_date=None
        )
    assert error.value.code == "not_published"
