from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from microcred_web.achievements.models import Achievement, AchievementType, ExpiryPolicy

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SMALL_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AchievementForm(forms.Form):
    # Basics
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Short and specific, e.g. “Forklift Safety Level 1”."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=TEXTAREA,
        help_text=_("One or two sentences: what holding it says about the person."),
    )
    language = forms.CharField(
        label=_("Language of these texts"),
        max_length=10,
        initial="en",
        help_text=_("A language code such as en, fr or de-AT."),
        widget=forms.TextInput(attrs={"size": 10, "autocomplete": "off"}),
    )
    image = forms.FileField(
        label=_("Badge image"),
        required=False,
        help_text=_("PNG, square, up to 1 MB. Shown on credentials and baked into badges."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    # Criteria
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the person did to earn it, as anyone reading the credential will see it. "
            "Markdown: **bold**, lists, links."
        ),
    )
    # Recognition
    achievement_type = forms.ChoiceField(label=_("Type"), choices=AchievementType.choices)
    level = forms.CharField(
        label=_("Level"),
        required=False,
        max_length=80,
        help_text=_("Optional, e.g. Foundation, 1, Advanced."),
    )
    credits = forms.DecimalField(
        label=_("Credits"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("Credits awarded in your own scheme."),
    )
    credit_system = forms.CharField(
        label=_("Credit system"),
        required=False,
        max_length=60,
        help_text=_("What the credits count in, e.g. CPD hours. Pathways add them up per system."),
    )
    workload_hours = forms.IntegerField(
        label=_("Workload (hours)"),
        required=False,
        min_value=0,
        help_text=_("Typical hours of learning."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas, e.g. safety, warehouse."),
    )
    # Validity
    expiry_policy = forms.ChoiceField(
        label=_("Expiry"), choices=ExpiryPolicy.choices, widget=forms.RadioSelect
    )
    expiry_date = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Every credential expires on this day."),
    )
    expiry_months = forms.IntegerField(
        label=_("Months valid"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("Counted from the day each credential is issued."),
    )
    # EU micro-credential elements
    learning_outcomes = forms.CharField(
        label=_("Learning outcomes"),
        required=False,
        widget=TEXTAREA,
        help_text=_("One per line: what the learner knows or can do."),
    )
    credit_ects = forms.DecimalField(
        label=_("ECTS credits"), required=False, min_value=0, max_digits=5, decimal_places=2
    )
    eqf_level = forms.IntegerField(
        label=_("EQF level"),
        required=False,
        min_value=1,
        max_value=8,
        help_text=_("European Qualifications Framework, 1 to 8."),
    )
    assessment_type = forms.CharField(
        label=_("Assessment type"),
        required=False,
        max_length=200,
        help_text=_("e.g. practical test observed by an assessor"),
    )
    participation_mode = forms.CharField(
        label=_("Participation mode"),
        required=False,
        max_length=80,
        help_text=_("e.g. online, on-site, blended"),
    )
    quality_assurance = forms.CharField(
        label=_("Quality assurance"), required=False, max_length=300
    )
    prerequisites = forms.CharField(
        label=_("Prerequisites"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    identity_verification = forms.CharField(
        label=_("Identity verification"),
        required=False,
        max_length=200,
        help_text=_("How the learner's identity was checked at assessment."),
    )
    grading_scheme = forms.CharField(label=_("Grading scheme"), required=False, max_length=200)
    stackability = forms.CharField(
        label=_("Stackability"),
        required=False,
        max_length=300,
        help_text=_("What it counts towards, e.g. Warehouse Team Lead."),
    )

    EU_FIELDS = (
        "learning_outcomes",
        "credit_ects",
        "eqf_level",
        "assessment_type",
        "participation_mode",
        "quality_assurance",
        "prerequisites",
        "identity_verification",
        "grading_scheme",
        "stackability",
    )
    #: the form's sections, in order: (key, fields)
    SECTIONS = (
        ("basics", ("name", "description", "language", "image", "remove_image")),
        ("criteria", ("criteria",)),
        (
            "recognition",
            (
                "achievement_type",
                "level",
                "credits",
                "credit_system",
                "workload_hours",
                "tags",
            ),
        ),
        ("validity", ("expiry_policy", "expiry_date", "expiry_months")),
        ("eu", EU_FIELDS),
    )

    def section(self, key: str) -> list[Any]:
        names = dict(self.SECTIONS)[key]
        return [self[name] for name in names]

    def basics(self) -> list[Any]:
        return self.section("basics")

    def recognition(self) -> list[Any]:
        return self.section("recognition")

    def eu(self) -> list[Any]:
        return self.section("eu")

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.EU_FIELDS]

    def eu_fields(self) -> list[Any]:
        return [self[name] for name in self.EU_FIELDS]

    def eu_in_use(self) -> bool:
        """Open the EU section when it has values or errors."""
        if any(name in self.errors for name in self.EU_FIELDS):
            return True
        source = self.data if self.is_bound else self.initial
        return any(source.get(name) not in (None, "") for name in self.EU_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        policy = data.get("expiry_policy")
        if policy == ExpiryPolicy.FIXED_DATE and not data.get("expiry_date"):
            self.add_error("expiry_date", _("Choose the expiry date."))
        if policy == ExpiryPolicy.MONTHS and not data.get("expiry_months"):
            self.add_error("expiry_months", _("Give the number of months it stays valid."))
        return data

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("image", None)
        data.pop("remove_image", None)
        return data


def initial_for(achievement: Achievement) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(achievement, name)
        for name in AchievementForm.base_fields
        if name not in {"image", "remove_image", "tags"}
    }
    initial["tags"] = ", ".join(achievement.tags or [])
    return initial


def rows_from_post(data: QueryDict, prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """Repeated inputs ``<prefix>-<key>`` (one per row, in order) as a list of dicts."""
    columns = {key: data.getlist(f"{prefix}-{key}") for key in keys}
    count = max((len(v) for v in columns.values()), default=0)
    return [
        {key: (columns[key][i] if i < len(columns[key]) else "") for key in keys}
        for i in range(min(count, 100))
    ]


ALIGNMENT_KEYS = ("framework", "code", "name", "url")
TRANSLATION_KEYS = ("language", "name", "description", "criteria", "learning_outcomes")


def translations_from_post(data: QueryDict) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows_from_post(data, "translation", TRANSLATION_KEYS):
        language = row.pop("language").strip().lower()
        if language:
            out[language] = row
    return out
