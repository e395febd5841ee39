"""Author pages: skills of a course, a quiz question and a rubric criterion (issue 17 item 2)."""

from __future__ import annotations

from django.urls import reverse
from skills_assessed_helpers import quiz_course, rubric_requirement

from microcred_web.assessments.models import Criterion
from microcred_web.skills.models import CourseAlignment, CriterionAlignment, QuestionAlignment


def test_course_page_links_to_its_skills_and_the_author_aligns(skills, client):
    world = skills.world
    course, _quiz = quiz_course(world)
    client.force_login(world.people["issuer"])
    slug = world.org.slug
    detail = client.get(reverse("learning:course_detail", args=[slug, course.pk]))
    url = reverse("skills:course_skills", args=[slug, course.pk])
    assert url in detail.content.decode()

    found = client.get(url, {"q": "stock"})
    assert found.status_code == 200 and "Stock control" in found.content.decode()
    saved = client.post(url, {"skill": [str(skills.stock.pk)], f"level-{skills.stock.pk}": "3"})
    assert saved.status_code == 302
    [row] = CourseAlignment.objects.filter(course=course)
    assert (row.skill, row.level, row.organisation) == (skills.stock, 3, world.org)

    page = client.get(url).content.decode()
    assert 'id="alignment-table"' in page and "Stock control" in page
    client.post(url, {"skill": [str(skills.stock.pk)], f"remove-{skills.stock.pk}": "on"})
    assert not CourseAlignment.objects.filter(course=course).exists()


def test_question_editor_links_to_its_skills_and_bad_level_is_refused(skills, client):
    world = skills.world
    course, quiz = quiz_course(world)
    question = quiz.questions.first()
    client.force_login(world.people["admin"])
    slug = world.org.slug
    editor = client.get(
        reverse("learning:question_edit", args=[slug, course.pk, quiz.pk, question.pk])
    )
    url = reverse("skills:question_skills", args=[slug, question.pk])
    assert url in editor.content.decode()
    refused = client.post(url, {"skill": [str(skills.stock.pk)], f"level-{skills.stock.pk}": "9"})
    assert refused.status_code == 400 and "Choose a level from 1 to 5" in refused.content.decode()
    assert not QuestionAlignment.objects.exists()
    client.post(url, {"skill": [str(skills.forklift.pk)], f"level-{skills.forklift.pk}": "2"})
    assert QuestionAlignment.objects.get(question=question).skill == skills.forklift


def test_rubric_page_links_each_criterion_and_other_organisations_get_404(skills, client):
    world = skills.world
    requirement = rubric_requirement(world, skills.achievement)
    criterion = Criterion.objects.filter(requirement=requirement).first()
    slug = world.org.slug
    client.force_login(world.people["admin"])
    rubric = client.get(reverse("assessments:requirement", args=[slug, requirement.pk]))
    url = reverse("skills:criterion_skills", args=[slug, criterion.pk])
    assert url in rubric.content.decode()
    client.post(url, {"skill": [str(skills.stock.pk)], f"level-{skills.stock.pk}": "4"})
    assert CriterionAlignment.objects.get(criterion=criterion).level == 4

    # the other organisation's administrator, with their own slug, cannot reach our criterion
    client.force_login(world.others["admin"])
    theirs = reverse("skills:criterion_skills", args=[world.other.slug, criterion.pk])
    assert client.get(theirs).status_code == 404
    assert client.post(theirs, {"skill": [str(skills.stock.pk)]}).status_code == 404
    # and our issuer (an author, not an administrator) may not edit rubric skills
    client.force_login(world.people["issuer"])
    assert client.get(url).status_code == 403
    assert CriterionAlignment.objects.get(criterion=criterion).level == 4
