from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from microcred_web.learning.models import CalloutStyle, Course, MachineEngine, Quiz
from microcred_web.learning.uploads import ACCEPTED_LABELS

CHOICE_ROWS = 6


def _set_choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What learners will be able to do afterwards. Markdown."),
    )
    language = forms.CharField(
        label=_("Language"),
        max_length=10,
        initial="en",
        help_text=_("The language the course is written in, e.g. en or fr."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Estimated duration (minutes)"), min_value=1, initial=15
    )
    credits = forms.DecimalField(
        label=_("Credits"), min_value=0, max_digits=6, decimal_places=2, initial=0
    )
    self_enrol = forms.BooleanField(label=_("Learners may enrol themselves"), required=False)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def course_initial(course: Course) -> dict[str, Any]:
    return {
        name: getattr(course, name)
        for name in ("title", "summary", "language", "duration_minutes", "credits", "self_enrol")
    }


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)


class BlockForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists, [links](https://…)."),
    )
    style = forms.ChoiceField(
        label=_("Callout style"), required=False, choices=CalloutStyle.choices
    )
    upload = forms.FileField(label=_("Upload a file"), required=False)
    url = forms.URLField(
        label=_("Or link to it"),
        required=False,
        assume_scheme="https",
        help_text=_("An https:// address."),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)
    remove_media = forms.BooleanField(label=_("Remove the uploaded file"), required=False)
    quiz = forms.TypedChoiceField(label=_("Quiz"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, kind: str, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        _set_choices(
            self.fields["quiz"],
            [("", "—")] + [(quiz.pk, quiz.title) for quiz in course.quizzes.order_by("title")],
        )
        if kind in ACCEPTED_LABELS:
            self.fields["upload"].help_text = _("Accepted: %(types)s.") % {
                "types": ACCEPTED_LABELS[kind]
            }
        if kind == "image":
            self.fields["caption"].label = _("Alternative text")
            self.fields["caption"].help_text = _("What the image shows, for screen readers.")
        if kind == "file":
            self.fields["body"].label = _("Description")
            self.fields["caption"].label = _("Link text")

    def shown(self) -> list[str]:
        return {
            "text": ["body"],
            "callout": ["style", "body"],
            "image": ["upload", "url", "caption"],
            "video": ["upload", "url", "caption"],
            "audio": ["upload", "url", "caption"],
            "file": ["upload", "url", "caption", "body"],
            "quiz": ["quiz"],
        }[self.kind]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["quiz_id"] = data.pop("quiz", None)
        return data


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Quiz title"), max_length=200)
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=80)
    questions_per_attempt = forms.IntegerField(
        label=_("Questions per attempt"),
        min_value=1,
        initial=5,
        help_text=_("Drawn at random from the question bank for each attempt."),
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=0, initial=3, help_text=_("0 means unlimited.")
    )


def quiz_initial(quiz: Quiz) -> dict[str, Any]:
    return {
        name: getattr(quiz, name)
        for name in ("title", "pass_mark", "questions_per_attempt", "max_attempts")
    }


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.ChoiceField(
        label=_("Right answer"),
        required=False,
        choices=[("true", _("True")), ("false", _("False"))],
        widget=forms.RadioSelect,
    )
    accepted_answers = forms.CharField(
        label=_("Accepted answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Capitals and extra spaces are ignored."),
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown after the learner submits: why the answer is what it is."),
    )


def choice_rows_from_post(data: QueryDict) -> list[dict[str, Any]]:
    keys = data.getlist("choice-key")
    texts = data.getlist("choice-text")
    correct = set(data.getlist("choice-correct"))
    return [
        {"key": key, "text": text, "correct": str(index) in correct}
        for index, (key, text) in enumerate(zip(keys, texts, strict=False))
    ]


def choice_rows_for_form(choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [dict(choice) for choice in choices]
    while len(rows) < max(CHOICE_ROWS, len(choices) + 2):
        rows.append({"key": "", "text": "", "correct": False})
    return rows


class AssignForm(forms.Form):
    team = forms.TypedChoiceField(
        label=_("A whole team"), required=False, coerce=int, empty_value=None
    )
    people = forms.TypedMultipleChoiceField(
        label=_("Or people"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, teams: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["team"], [("", "—")] + [(t.pk, t.name) for t in teams])
        _set_choices(
            self.fields["people"],
            [(m.pk, f"{m.user.display_name or m.user.email} ({m.user.email})") for m in members],
        )


class CourseChoiceForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int)

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["course"], [(c.pk, c.title) for c in courses])


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class MachineTranslateForm(forms.Form):
    language = forms.CharField(label=_("Target language"), max_length=10, initial="fr")
    backend = forms.ChoiceField(label=_("Translation service"))

    def __init__(self, *args: Any, backends: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["backend"], backends)


class MachineServiceForm(forms.Form):
    engine = forms.ChoiceField(label=_("Engine"), choices=MachineEngine.choices)
    endpoint = forms.URLField(
        label=_("Service address"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_(
            "LibreTranslate: its base address. DeepL: leave blank for the free API or give "
            "https://api.deepl.com. OpenAI-compatible: the base address, with or without /v1."
        ),
    )
    model_name = forms.CharField(
        label=_("Model"),
        required=False,
        max_length=120,
        help_text=_("OpenAI-compatible engines only, for example llama3.1:8b."),
    )
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        max_length=300,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave blank to keep the current key."),
    )
    clear_api_key = forms.BooleanField(label=_("Remove the stored API key"), required=False)
    language_pairs = forms.CharField(
        label=_("Language pairs offered"),
        max_length=500,
        help_text=_("Source-target pairs separated by commas, for example en-es, en-fr."),
    )
