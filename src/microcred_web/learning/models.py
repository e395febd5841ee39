"""Courses, their modules and content blocks, quizzes, enrolments and the learning record.

Authors edit a *draft* (``Course`` → ``Module`` → ``Block``; ``Quiz`` → ``Question``).
Publishing freezes the whole course — structure, texts, translations and question banks — into
an immutable :class:`CourseVersion`. An :class:`Enrolment` pins the version its learner started,
so later edits never change a course under someone mid-way.

:class:`LearningRecord` is append-only and shaped like an xAPI statement.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_key() -> str:
    """A short stable key for a module, block or question (survives reordering and versions)."""
    return uuid.uuid4().hex[:12]


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Course(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="courses"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    duration_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=10)
    credits = models.DecimalField(_("credits"), max_digits=6, decimal_places=2, default=0)
    self_enrol = models.BooleanField(_("learners may enrol themselves"), default=False)
    #: {"fr": {"title": ..., "summary": ...}}
    translations = models.JSONField(default=dict, blank=True)
    current_version = models.ForeignKey(
        "CourseVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED and self.current_version_id is not None


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    key = models.CharField(max_length=12, default=new_key, editable=False)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    #: {"fr": {"title": ...}}
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class BlockKind(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    CALLOUT = "callout", _("Callout")
    FILE = "file", _("Downloadable file")
    QUIZ = "quiz", _("Quiz")


class CalloutStyle(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    TIP = "tip", _("Tip")


class MediaFile(models.Model):
    """An uploaded file (image, video, audio, download), checked by content. Never deleted:
    published versions keep pointing at it."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="learning_media"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to="learning/")
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Block(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="blocks")
    key = models.CharField(max_length=12, default=new_key, editable=False)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=BlockKind.choices)
    #: Markdown for text and callout blocks; a description for files
    body = models.TextField(_("text"), blank=True)
    #: alt text for images, a caption or title for video, audio and files
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    style = models.CharField(
        _("callout style"), max_length=10, choices=CalloutStyle.choices, blank=True
    )
    url = models.URLField(_("link"), blank=True)
    media = models.ForeignKey(
        MediaFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quiz = models.ForeignKey(
        "Quiz", null=True, blank=True, on_delete=models.PROTECT, related_name="blocks"
    )
    #: {"fr": {"body": ..., "caption": ...}}
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class Quiz(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    questions_per_attempt = models.PositiveSmallIntegerField(_("questions per attempt"), default=5)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed (0: unlimited)"), default=3)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT = "short", _("Short answer")
    ORDERING = "ordering", _("Ordering")


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=12, default=new_key, editable=False)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    prompt = models.TextField(_("question"))
    feedback = models.TextField(_("feedback after answering"), blank=True)
    #: [{"key", "text", "correct"}]; for ordering questions, the correct order
    choices = models.JSONField(default=list, blank=True)
    #: short answer: accepted answers (compared ignoring case and spaces)
    accepted_answers = models.JSONField(default=list, blank=True)
    #: {"fr": {"prompt", "feedback", "choices": {key: text}, "accepted_answers": [...]}}
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.prompt[:60]


class ImmutableError(Exception):
    """Raised when code tries to change a row that must never change."""


class CourseVersion(models.Model):
    """A published, frozen course: the JSON snapshot learners take. Never edited."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("A published course version is never changed.")
        super().save(*args, **kwargs)


class EnrolmentSource(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SELF = "self", _("Self-enrolled")
    IMPORTED = "imported", _("Imported")


class Enrolment(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    #: the version the learner started (pinned); empty until they start
    version = models.ForeignKey(
        CourseVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    source = models.CharField(max_length=10, choices=EnrolmentSource.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    #: keys of the blocks done (quiz blocks count once passed)
    completed_blocks = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="enrolment_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class QuizAttempt(models.Model):
    """One attempt: the questions drawn (with their answers — server side only), the answers
    given, the score. Submitted once."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField()
    #: the drawn questions, choices shuffled, each choice under a random token
    questions = models.JSONField()
    answers = models.JSONField(default=dict, blank=True)
    #: per question: {"correct": bool}
    marks = models.JSONField(default=dict, blank=True)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="quiz_attempt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.quiz_id} by {self.user_id}"


class RecordFact(models.TextChoices):
    """What a record counts as for award rules (empty: just progress)."""

    NONE = "", _("Progress")
    COURSE_COMPLETED = "course_completed", _("Course completed")
    QUIZ_COMPLETED = "quiz_completed", _("Quiz completed")


class AppendOnlyQuerySet(models.QuerySet["LearningRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Learning records are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Learning records are append-only.")


class LearningRecord(models.Model):
    """One xAPI-shaped statement: who did what to which activity, with what result, when.

    Append-only: never updated, never deleted (``save`` of an existing row, ``delete`` and the
    queryset's ``update``/``delete`` raise :class:`ImmutableError`).
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="learning_records"
    )
    statement_id = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="learning_records"
    )
    actor_mbox_sha1 = models.CharField(max_length=40)
    verb = models.URLField(max_length=200)
    object_id = models.URLField(max_length=400)
    object_name = models.CharField(max_length=300, blank=True)
    object_type = models.URLField(max_length=200, blank=True)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.RESTRICT, related_name="records"
    )
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.RESTRICT, related_name="records"
    )
    result = models.JSONField(default=dict, blank=True)
    fact = models.CharField(max_length=20, choices=RecordFact.choices, blank=True, default="")
    imported = models.BooleanField(default=False)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["timestamp", "pk"]
        indexes = [
            models.Index(fields=["organisation", "fact", "user"]),
            models.Index(fields=["organisation", "user", "timestamp"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.verb.rsplit('/', 1)[-1]} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Learning records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Learning records are append-only.")


class MachineEngine(models.TextChoices):
    APERTIUM = "apertium", _("Apertium (offline, on this server)")
    LIBRETRANSLATE = "libretranslate", _("LibreTranslate")
    DEEPL = "deepl", _("DeepL")
    OPENAI = "openai", _("OpenAI-compatible model")


class MachineTranslationService(models.Model):
    """The translation engine an organisation chose for its courses (one per organisation).

    The API key is sealed (:mod:`microcred_web.common.sealing`); only its last characters are
    kept in clear, to show which key is set.
    """

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="machine_translation"
    )
    engine = models.CharField(_("engine"), max_length=20, choices=MachineEngine.choices)
    endpoint = models.URLField(_("endpoint"), max_length=300, blank=True)
    model_name = models.CharField(_("model"), max_length=120, blank=True)
    api_key_sealed = models.BinaryField(null=True, blank=True)
    api_key_hint = models.CharField(max_length=8, blank=True)
    #: [["en", "es"], ["en", "fr"]]: the (source, target) pairs offered to authors
    language_pairs = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.engine}"
