"""Reusable Chromium steps for learning journeys (authoring, assigning, taking a course).

Stable for other journeys (the awards journey builds on them):

- ``author_course(page, slug, title, modules=[...], quiz=QuizSpec(...)) -> str`` creates a draft
  course through the UI and returns its path (``/o/<slug>/learning/courses/<id>/``).
- ``publish_course(page, course_path)`` publishes it.
- ``assign_course(page, slug, title, team="Warehouse", due_date=date)`` assigns it.
- ``complete_course(page, slug, title, answers={prompt: answer})`` takes it as the signed-in
  learner: marks each module complete and passes the quiz with ``answers``.

A module is ``(title, [markdown text, ...])``; the quiz goes at the end of the module numbered
``QuizSpec.in_module`` (1-based, default: the last).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Page, expect


@dataclass(frozen=True)
class QuestionSpec:
    kind: str  # single, multiple, true_false, short, ordering
    prompt: str
    choices: tuple[str, ...] = ()
    #: right choice texts (single/multiple), "True"/"False", accepted answers, or the order
    right: tuple[str, ...] = ()

    @property
    def answer(self) -> tuple[str, ...]:
        return self.right or self.choices


@dataclass(frozen=True)
class QuizSpec:
    title: str
    questions: tuple[QuestionSpec, ...]
    pass_mark: int = 80
    draw: int = 0  # 0: every question
    attempts: int = 3
    in_module: int = 0  # 0: the last module


@dataclass(frozen=True)
class ModuleSpec:
    title: str
    texts: tuple[str, ...] = field(default_factory=tuple)


KIND_LINKS = {
    "single": "Single choice",
    "multiple": "Multiple choice",
    "true_false": "True or false",
    "short": "Short answer",
    "ordering": "Ordering",
}


def _add_question(page: Page, question: QuestionSpec) -> None:
    page.get_by_role("link", name=KIND_LINKS[question.kind], exact=True).click()
    page.locator("#id_prompt").fill(question.prompt)
    if question.kind == "true_false":
        page.get_by_label(question.right[0], exact=True).check()
    elif question.kind == "short":
        page.locator("#id_accepted_answers").fill("\n".join(question.right))
    else:
        for index, text in enumerate(question.choices):
            page.locator(f"#choice-{index}").fill(text)
            if question.kind != "ordering" and text in question.right:
                page.locator(f"input[name='choice-correct'][value='{index}']").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#bank-h")).to_be_visible()


def author_course(
    page: Page,
    slug: str,
    title: str,
    *,
    modules: list[tuple[str, list[str]]] | list[ModuleSpec],
    quiz: QuizSpec | None = None,
    duration_minutes: int = 24,
    credits: str = "2",
    language: str = "en",
) -> str:
    """Create a draft course through the authoring pages; return the course's path."""
    page.goto(f"/o/{slug}/learning/courses/new/")
    page.locator("#id_title").fill(title)
    page.locator("#id_language").fill(language)
    page.locator("#id_duration_minutes").fill(str(duration_minutes))
    page.locator("#id_credits").fill(credits)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text(title)
    course_path = re.sub(r"^https?://[^/]+", "", page.url)
    module_paths: list[str] = []
    for spec in modules:
        module_title, texts = (
            (spec.title, list(spec.texts)) if isinstance(spec, ModuleSpec) else spec
        )
        page.goto(course_path)
        page.get_by_label("New module title").fill(module_title)
        page.get_by_role("button", name="Add module").click()
        expect(page.locator("h1")).to_have_text(module_title)
        module_paths.append(re.sub(r"^https?://[^/]+", "", page.url))
        for text in texts:
            page.get_by_role("link", name="Text", exact=True).click()
            page.locator("#id_body").fill(text)
            page.get_by_role("button", name="Add block").click()
            expect(page.locator("h1")).to_have_text(module_title)
    if quiz is not None:
        page.goto(course_path)
        page.get_by_role("link", name="New quiz").click()
        page.locator("#id_title").fill(quiz.title)
        page.locator("#id_pass_mark").fill(str(quiz.pass_mark))
        page.locator("#id_questions_per_attempt").fill(str(quiz.draw or len(quiz.questions)))
        page.locator("#id_max_attempts").fill(str(quiz.attempts))
        page.get_by_role("button", name="Save quiz").click()
        for question in quiz.questions:
            _add_question(page, question)
        page.goto(module_paths[(quiz.in_module or len(module_paths)) - 1])
        page.get_by_role("link", name="Quiz", exact=True).click()
        page.locator("#id_quiz").select_option(label=quiz.title)
        page.get_by_role("button", name="Add block").click()
    page.goto(course_path)
    return course_path


def publish_course(page: Page, course_path: str) -> None:
    page.goto(course_path)
    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator("#course-status")).to_have_text("Published")


def assign_course(
    page: Page,
    slug: str,
    title: str,
    *,
    team: str = "",
    people: tuple[str, ...] = (),
    due_date: date | None = None,
) -> None:
    """Assign a published course to a team and/or people (by the label shown on the page)."""
    page.goto(f"/o/{slug}/learning/assign/")
    page.locator("#id_course").select_option(label=title)
    if team:
        page.locator("#id_team").select_option(label=team)
    for person in people:
        page.get_by_label(person).check()
    if due_date is not None:
        page.locator("#id_due_date").fill(due_date.isoformat())
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Assigned")


def _answer_quiz(page: Page, answers: dict[str, tuple[str, ...] | list[str] | str]) -> None:
    for question in page.locator("form.quiz-form fieldset.question").all():
        legend = question.locator("legend").inner_text()
        prompt = next((p for p in answers if p in legend), None)
        assert prompt is not None, f"no answer given for {legend!r}"
        answer = answers[prompt]
        values = [answer] if isinstance(answer, str) else list(answer)
        text_input = question.locator("input[type='text']")
        if text_input.count():
            text_input.fill(values[0])
            continue
        selects = question.locator("select")
        if selects.count():
            for position, item in enumerate(values, start=1):
                question.get_by_label(item, exact=True).select_option(str(position))
            continue
        for value in values:
            question.get_by_label(value, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def complete_course(
    page: Page, slug: str, title: str, *, answers: dict[str, tuple[str, ...] | list[str] | str]
) -> None:
    """As the signed-in learner: open the course from My learning and finish it."""
    page.goto(f"/o/{slug}/learning/my/")
    page.locator(".course-card", has_text=title).get_by_role("link").first.click()
    for _ in range(50):
        if page.locator(".player-actions .status-active").count():
            return  # course complete
        start = page.locator(".quiz form button", has_text=re.compile("Start the quiz|Try again"))
        if page.locator("form.quiz-form").count():
            _answer_quiz(page, answers)
            continue
        if start.count():
            start.first.click()
            continue
        mark = page.get_by_role("button", name=re.compile("^Mark complete"))
        if mark.count():
            mark.click()
            if "/learning/my/" in page.url and page.url.rstrip("/").endswith("/my"):
                return
            continue
        next_link = page.get_by_role("link", name=re.compile("Next"))
        if next_link.count():
            next_link.first.click()
            continue
        break
    expect(page.locator(".player-actions .status-active")).to_be_visible()
