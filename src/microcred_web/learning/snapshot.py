"""A course as one JSON document (the draft, or a published version), and its localised view.

The same snapshot renders the author's preview and the learner's player, so the preview is
exactly what learners see. Snapshots hold the question banks with their answers: they stay on
the server; :func:`localised` never copies an answer into what templates receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from microcred_web.achievements.markdown import render_markdown
from microcred_web.learning.models import Course
from microcred_web.learning.video import NotAVideo, VideoEmbed, video_embed

Snapshot = dict[str, Any]


def course_snapshot(course: Course) -> Snapshot:
    """The draft course, as a version would freeze it (two queries per level, no N+1)."""
    modules = list(course.modules.prefetch_related("blocks__media", "blocks__quiz"))
    quizzes = list(course.quizzes.prefetch_related("questions"))
    return {
        "course": {
            "public_id": str(course.public_id),
            "title": course.title,
            "summary": course.summary,
            "language": course.language,
            "duration_minutes": course.duration_minutes,
            "credits": str(course.credits),
            "translations": course.translations or {},
        },
        "modules": [
            {
                "key": module.key,
                "title": module.title,
                "translations": module.translations or {},
                "blocks": [
                    {
                        "key": block.key,
                        "kind": block.kind,
                        "body": block.body,
                        "caption": block.caption,
                        "style": block.style,
                        "url": block.url,
                        "media": str(block.media.public_id) if block.media else "",
                        "media_type": block.media.content_type if block.media else "",
                        "media_name": block.media.original_name if block.media else "",
                        "media_size": block.media.size if block.media else 0,
                        "quiz": str(block.quiz.public_id) if block.quiz else "",
                        "translations": block.translations or {},
                    }
                    for block in module.blocks.all()
                ],
            }
            for module in modules
        ],
        "quizzes": {
            str(quiz.public_id): {
                "public_id": str(quiz.public_id),
                "title": quiz.title,
                "pass_mark": quiz.pass_mark,
                "draw": quiz.questions_per_attempt,
                "max_attempts": quiz.max_attempts,
                "translations": quiz.translations or {},
                "questions": [
                    {
                        "key": question.key,
                        "kind": question.kind,
                        "prompt": question.prompt,
                        "feedback": question.feedback,
                        "choices": question.choices or [],
                        "accepted_answers": question.accepted_answers or [],
                        "translations": question.translations or {},
                    }
                    for question in quiz.questions.all()
                ],
            }
            for quiz in quizzes
        },
    }


def _text(item: dict[str, Any], name: str, language: str) -> str:
    translated = (item.get("translations") or {}).get(language, {}).get(name)
    return str(translated) if translated else str(item.get(name, ""))


@dataclass
class BlockView:
    key: str
    kind: str
    html: str = ""
    caption: str = ""
    style: str = ""
    url: str = ""
    media: str = ""
    media_type: str = ""
    media_name: str = ""
    media_size: int = 0
    quiz: str = ""
    quiz_title: str = ""
    quiz_draw: int = 0
    quiz_pass_mark: int = 0
    quiz_max_attempts: int = 0
    lang: str = ""

    @property
    def embed(self) -> VideoEmbed | None:
        """A YouTube or Vimeo video's privacy-enhanced embed (None for files and other links)."""
        if self.kind != "video" or self.media or not self.url:
            return None
        try:
            return video_embed(self.url)
        except NotAVideo:
            return None


@dataclass
class ModuleView:
    key: str
    number: int
    title: str
    blocks: list[BlockView] = field(default_factory=list)


@dataclass
class CourseView:
    public_id: str
    title: str
    summary_html: str
    language: str
    shown_language: str
    duration_minutes: int
    credits: str
    modules: list[ModuleView] = field(default_factory=list)

    @property
    def block_keys(self) -> list[str]:
        return [block.key for module in self.modules for block in module.blocks]


def shown_language(snapshot: Snapshot, wanted: str) -> str:
    """``wanted`` if the course has a translation in it (or is written in it), else the default."""
    course = snapshot["course"]
    wanted = (wanted or "").split("-")[0].lower()
    if wanted and (wanted == course["language"] or wanted in (course.get("translations") or {})):
        return wanted
    return str(course["language"])


def localised(snapshot: Snapshot, wanted_language: str) -> CourseView:
    """What a learner reading ``wanted_language`` sees (falling back to the course's language)."""
    language = shown_language(snapshot, wanted_language)
    course = snapshot["course"]
    quizzes = snapshot.get("quizzes", {})
    view = CourseView(
        public_id=course["public_id"],
        title=_text(course, "title", language),
        summary_html=str(render_markdown(_text(course, "summary", language))),
        language=course["language"],
        shown_language=language,
        duration_minutes=int(course["duration_minutes"]),
        credits=str(course["credits"]),
    )
    for number, module in enumerate(snapshot["modules"], start=1):
        module_view = ModuleView(module["key"], number, _text(module, "title", language))
        for block in module["blocks"]:
            item = BlockView(
                key=block["key"],
                kind=block["kind"],
                caption=_text(block, "caption", language),
                style=block.get("style", ""),
                url=block.get("url", ""),
                media=block.get("media", ""),
                media_type=block.get("media_type", ""),
                media_name=block.get("media_name", ""),
                media_size=int(block.get("media_size") or 0),
                lang=language,
            )
            if block["kind"] in ("text", "callout", "file"):
                item.html = str(render_markdown(_text(block, "body", language)))
            quiz = quizzes.get(block.get("quiz") or "")
            if quiz:
                item.quiz = quiz["public_id"]
                item.quiz_title = _text(quiz, "title", language)
                item.quiz_draw = min(int(quiz["draw"]), len(quiz["questions"]))
                item.quiz_pass_mark = int(quiz["pass_mark"])
                item.quiz_max_attempts = int(quiz["max_attempts"])
            module_view.blocks.append(item)
        view.modules.append(module_view)
    return view


def snapshot_quiz(snapshot: Snapshot, quiz_public_id: str) -> dict[str, Any] | None:
    quiz = snapshot.get("quizzes", {}).get(str(quiz_public_id))
    return quiz if isinstance(quiz, dict) else None


def localised_question(question: dict[str, Any], language: str) -> dict[str, Any]:
    """A question's texts in ``language`` (choices keep their keys and correctness)."""
    translated = (question.get("translations") or {}).get(language, {})
    choice_texts = translated.get("choices") or {}
    accepted = translated.get("accepted_answers") or []
    return {
        **question,
        "prompt": translated.get("prompt") or question["prompt"],
        "feedback": translated.get("feedback") or question.get("feedback", ""),
        "choices": [
            {**choice, "text": choice_texts.get(choice["key"]) or choice["text"]}
            for choice in question.get("choices", [])
        ],
        "accepted_answers": [*question.get("accepted_answers", []), *accepted],
    }
