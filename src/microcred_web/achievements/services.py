"""Writes for achievements: create, update (new version when published content changes),
publish, archive.

An achievement's *credential content* is the OB 3.0 ``Achievement`` JSON built by
:func:`achievement_json`. A version freezes it; editing a published achievement creates a new
version only when that JSON (or the expiry policy) actually changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from microcred.errors import Error as CoreError
from microcred.model import Achievement as OBAchievement
from microcred.model.eu_elements import eu_alignments
from microcred_web.achievements.models import (
    Achievement,
    AchievementStatus,
    AchievementType,
    AchievementVersion,
    ExpiryPolicy,
)
from microcred_web.common.errors import ApplicationError
from microcred_web.common.services import audit_record
from microcred_web.orgs.models import Organisation

EDITABLE_FIELDS = (
    "name",
    "description",
    "criteria",
    "achievement_type",
    "level",
    "tags",
    "alignments",
    "credits",
    "credit_system",
    "workload_hours",
    "expiry_policy",
    "expiry_date",
    "expiry_months",
    "language",
    "translations",
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
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png"}
MAX_IMAGE_BYTES = 1024 * 1024
#: the assessments app's rubric as OB 3.0 ResultDescriptions, bound late (a higher layer)
RESULT_DESCRIPTIONS = "microcred_web.assessments.credential_parts.result_descriptions_for"
#: the skills app's alignments (skills with a stable URI), bound late too (a higher layer)
SKILL_ALIGNMENTS = "microcred_web.skills.credential_parts.alignments_for"
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _absolute(path: str) -> str:
    return str(settings.BASE_URL).rstrip("/") + path


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _eu_alignments(achievement: Achievement, *, page_url: str) -> list[dict[str, Any]]:
    """The EU micro-credential elements as OB 3.0 alignments (decision 0022), to follow the
    achievement's own alignments."""
    outcomes: dict[str, list[str]] = {}
    if _lines(achievement.learning_outcomes):
        outcomes[achievement.language] = _lines(achievement.learning_outcomes)
    for language, texts in sorted((achievement.translations or {}).items()):
        translated = _lines(texts.get("learning_outcomes", ""))
        if translated:
            outcomes[language] = translated
    values: dict[str, Any] = {
        "learningOutcome": outcomes,
        "creditECTS": _number(achievement.credit_ects),
        "eqfLevel": achievement.eqf_level,
        "assessmentType": achievement.assessment_type,
        "participationMode": achievement.participation_mode,
        "qualityAssurance": achievement.quality_assurance,
        "prerequisite": _lines(achievement.prerequisites),
        "identityVerification": achievement.identity_verification,
        "gradingScheme": achievement.grading_scheme,
        "stackability": achievement.stackability,
    }
    return eu_alignments(values, page_url=page_url, language=achievement.language)


def achievement_json(achievement: Achievement, *, version_number: int) -> dict[str, Any]:
    """The OB 3.0 Achievement JSON for a version of ``achievement`` (validated by the core)."""
    public = str(achievement.public_id)
    data: dict[str, Any] = {
        "id": _absolute(
            reverse("achievements:public", kwargs={"public_id": public, "number": version_number})
        ),
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "inLanguage": achievement.language,
    }
    if achievement.image:
        image_path = reverse(
            "achievements:public_image", kwargs={"public_id": public, "number": version_number}
        )
        data["image"] = {"id": _absolute(image_path), "type": "Image"}
    tags = list(achievement.tags or [])
    if achievement.level:
        tags.append(f"level:{achievement.level}")
    if tags:
        data["tag"] = tags
    alignment = [
        {
            "type": ["Alignment"],
            "targetName": a["name"],
            "targetUrl": a["url"],
            **({"targetCode": a["code"]} if a.get("code") else {}),
            **({"targetFramework": a["framework"]} if a.get("framework") else {}),
        }
        for a in achievement.alignments or []
    ]
    if apps.is_installed("microcred_web.skills"):
        skills = import_string(SKILL_ALIGNMENTS)(achievement)
        aligned = {entry["targetUrl"] for entry in skills}
        alignment = [*(a for a in alignment if a["targetUrl"] not in aligned), *skills]
    if alignment:
        data["alignment"] = alignment
    if achievement.credits is not None:
        data["creditsAvailable"] = _number(achievement.credits)
    eu = _eu_alignments(achievement, page_url=data["id"])
    if eu:
        data["alignment"] = [*data.get("alignment", []), *eu]
    if apps.is_installed("microcred_web.assessments"):
        rubric = import_string(RESULT_DESCRIPTIONS)(achievement)
        if rubric:
            data["resultDescription"] = rubric
    try:
        OBAchievement.from_json(data)
    except CoreError as exc:
        raise ApplicationError("achievement_invalid", str(exc)) from exc
    return data


# --------------------------------------------------------------------------- validation


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise editable values; raises ApplicationError naming the field."""
    out: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name in values:
            out[name] = values[name]
    for name in ("name", "description", "criteria"):
        if name in out and not str(out[name] or "").strip():
            raise ApplicationError("required", _("This field is required."), name)
        if name in out:
            out[name] = str(out[name]).strip()
    if "achievement_type" in out and out["achievement_type"] not in AchievementType.values:
        raise ApplicationError(
            "type_unknown", _("Choose a type from the list."), "achievement_type"
        )
    if "tags" in out:
        tags = out["tags"]
        if isinstance(tags, str):
            tags = tags.split(",")
        out["tags"] = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))
    if "alignments" in out:
        out["alignments"] = _clean_alignments(out["alignments"])
    for name in ("credits", "credit_ects"):
        if name in out:
            out[name] = _decimal(out[name], name)
    for name in ("eqf_level", "expiry_months", "workload_hours"):
        if name in out:
            out[name] = _integer(out[name], name)
    if "eqf_level" in out and out["eqf_level"] is not None and not 1 <= int(out["eqf_level"]) <= 8:
        raise ApplicationError("eqf_level", _("The EQF level is between 1 and 8."), "eqf_level")
    if "language" in out and not _LANG.match(str(out["language"] or "")):
        raise ApplicationError("language", _("Enter a language code such as en or fr."), "language")
    if "translations" in out:
        out["translations"] = _clean_translations(out["translations"])
    return out


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise ApplicationError("number", _("Enter a number."), field) from exc
    if not number.is_finite() or number < 0 or number >= 10_000:
        raise ApplicationError("number", _("Enter a number between 0 and 9999."), field)
    return number


def _integer(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("number", _("Enter a whole number."), field) from exc
    if number < 0:
        raise ApplicationError("number", _("Enter a positive number."), field)
    return number


def _clean_alignments(rows: Any) -> list[dict[str, str]]:
    cleaned = []
    check_url = URLValidator(schemes=["http", "https"])
    for number, row in enumerate(rows or []):
        item = {k: str(row.get(k, "") or "").strip() for k in ("framework", "code", "name", "url")}
        if not any(item.values()):
            continue
        if not item["name"]:
            raise ApplicationError(
                "alignment_name", _("Skill %(n)d: give a name.") % {"n": number + 1}, "alignments"
            )
        try:
            check_url(item["url"])
        except ValidationError as exc:
            raise ApplicationError(
                "alignment_url",
                _("Skill %(n)d: give the web address of the skill.") % {"n": number + 1},
                "alignments",
            ) from exc
        cleaned.append(item)
    return cleaned


def _clean_translations(value: Any) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for language, texts in (value or {}).items():
        if not _LANG.match(language):
            raise ApplicationError(
                "language", _("Not a language code: %s") % language, "translations"
            )
        cleaned = {
            key: str(texts.get(key, "") or "").strip()
            for key in ("name", "description", "criteria", "learning_outcomes")
        }
        if any(cleaned.values()):
            out[language] = cleaned
    return out


def _check_expiry(achievement: Achievement) -> None:
    if achievement.expiry_policy == ExpiryPolicy.FIXED_DATE:
        if not isinstance(achievement.expiry_date, date):
            raise ApplicationError("expiry_date", _("Choose the expiry date."), "expiry_date")
    elif achievement.expiry_policy == ExpiryPolicy.MONTHS:
        if not achievement.expiry_months:
            raise ApplicationError(
                "expiry_months", _("Give the number of months it stays valid."), "expiry_months"
            )
    elif achievement.expiry_policy != ExpiryPolicy.NONE:
        raise ApplicationError("expiry_policy", _("Choose an expiry rule."), "expiry_policy")


def _store_image(achievement: Achievement, image: UploadedFile) -> None:
    head = image.read(8)
    image.seek(0)
    if (image.size or 0) > MAX_IMAGE_BYTES:
        raise ApplicationError("image_too_large", _("The image is larger than 1 MB."), "image")
    if head not in IMAGE_TYPES:
        raise ApplicationError("image_type", _("Upload a PNG image."), "image")
    achievement.image.save(f"{achievement.public_id}.png", image, save=False)


# --------------------------------------------------------------------------- writes


@transaction.atomic
def achievement_create(
    *,
    organisation: Organisation,
    actor: Any,
    values: Mapping[str, Any],
    image: UploadedFile | None = None,
) -> Achievement:
    cleaned = _clean(values)
    for name in ("name", "description", "criteria"):
        if name not in cleaned:
            raise ApplicationError("required", _("This field is required."), name)
    cleaned.setdefault("language", organisation.default_language or "en")
    achievement = Achievement(organisation=organisation, **cleaned)
    _check_expiry(achievement)
    if image is not None:
        _store_image(achievement, image)
    achievement_json(achievement, version_number=1)  # refuses what could never be issued
    achievement.save()
    audit_record(
        action="achievements.achievement_created",
        actor=actor,
        organisation=organisation,
        target=achievement,
    )
    return achievement


def _new_version(achievement: Achievement, actor: Any) -> AchievementVersion:
    number = (achievement.current_version.number + 1) if achievement.current_version else 1
    version = AchievementVersion.objects.create(
        achievement=achievement,
        number=number,
        name=achievement.name,
        language=achievement.language,
        achievement_json=achievement_json(achievement, version_number=number),
        image=achievement.image.name if achievement.image else "",
        expiry_policy=achievement.expiry_policy,
        expiry_date=achievement.expiry_date,
        expiry_months=achievement.expiry_months,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    achievement.current_version = version
    achievement.save(update_fields=["current_version", "updated_at"])
    return version


def _differs(achievement: Achievement, version: AchievementVersion) -> bool:
    content = achievement_json(achievement, version_number=version.number)
    return (
        content != version.achievement_json
        or achievement.expiry_policy != version.expiry_policy
        or achievement.expiry_date != version.expiry_date
        or achievement.expiry_months != version.expiry_months
        or (achievement.image.name if achievement.image else "") != version.image
    )


@transaction.atomic
def achievement_update(
    *,
    achievement: Achievement,
    actor: Any,
    values: Mapping[str, Any],
    image: UploadedFile | None = None,
    remove_image: bool = False,
) -> Achievement:
    """Apply edits; for a published achievement whose credential content changed, a new
    version is created (credentials already issued keep theirs)."""
    cleaned = _clean(values)
    for name, value in cleaned.items():
        setattr(achievement, name, value)
    _check_expiry(achievement)
    if remove_image:
        achievement.image = ""
    if image is not None:
        _store_image(achievement, image)
    achievement_json(achievement, version_number=1)
    achievement.save()
    data: dict[str, Any] = {}
    current = achievement.current_version
    if achievement.is_published and current is not None and _differs(achievement, current):
        version = _new_version(achievement, actor)
        data["new_version"] = version.number
    audit_record(
        action="achievements.achievement_updated",
        actor=actor,
        organisation=achievement.organisation,
        target=achievement,
        data=data,
    )
    return achievement


@transaction.atomic
def achievement_publish(*, achievement: Achievement, actor: Any) -> AchievementVersion:
    """Make the achievement issuable; freezes version 1 (or a new one if it changed)."""
    if achievement.status == AchievementStatus.PUBLISHED and achievement.current_version:
        return achievement.current_version
    current = achievement.current_version
    version = current if current and not _differs(achievement, current) else None
    if version is None:
        version = _new_version(achievement, actor)
    achievement.status = AchievementStatus.PUBLISHED
    achievement.save(update_fields=["status", "updated_at"])
    audit_record(
        action="achievements.achievement_published",
        actor=actor,
        organisation=achievement.organisation,
        target=achievement,
        data={"version": version.number},
    )
    return version


@transaction.atomic
def achievement_archive(*, achievement: Achievement, actor: Any) -> Achievement:
    """No more issuing; issued credentials are unaffected."""
    achievement.status = AchievementStatus.ARCHIVED
    achievement.save(update_fields=["status", "updated_at"])
    audit_record(
        action="achievements.achievement_archived",
        actor=actor,
        organisation=achievement.organisation,
        target=achievement,
    )
    return achievement
