from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from microcred_web.instance.services import OrganisationSpec
from microcred_web.orgs.forms import OrganisationSettingsForm
from microcred_web.orgs.models import country_validator, hex_colour_validator

LANGUAGE_CHOICES = [("", _("The organisation's language")), *settings.LANGUAGES]


class OrganisationCreateForm(forms.Form):
    """A new organisation: name, short name, first administrator, issuer identity, branding."""

    name = forms.CharField(label=_("Organisation name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens; part of every address and DID."),
    )
    admin_email = forms.EmailField(label=_("Administrator's e-mail address"))
    admin_name = forms.CharField(label=_("Administrator's name"), max_length=150, required=False)
    admin_language = forms.ChoiceField(
        label=_("Administrator's language"), choices=LANGUAGE_CHOICES, required=False
    )
    issuer_name = forms.CharField(
        label=_("Issuer name on credentials"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the organisation name."),
    )
    issuer_url = forms.URLField(label=_("Issuer web site"), required=False, assume_scheme="https")
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two-letter ISO code, e.g. GB, FR, DE."),
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        initial="#1f4e79",
        validators=[hex_colour_validator],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        initial="#f2a900",
        validators=[hex_colour_validator],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 512 KB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (_("Organisation"), ("name", "slug", "country", "default_language")),
        (_("Its administrator"), ("admin_email", "admin_name", "admin_language")),
        (_("Identity as an issuer"), ("issuer_name", "issuer_url")),
        (_("Branding"), ("primary_colour", "accent_colour", "logo")),
    )

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields in titled sections, for the template."""
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean_country(self) -> str:
        country = str(self.cleaned_data.get("country") or "").strip().upper()
        if country:
            country_validator(country)
        return country

    def clean_logo(self) -> UploadedFile | None:
        result = OrganisationSettingsForm.clean_logo(self)  # type: ignore[arg-type]
        return result if isinstance(result, UploadedFile) else None

    def spec(self, *, admin_email: str | None = None) -> OrganisationSpec:
        data = self.cleaned_data
        return OrganisationSpec(
            name=data["name"],
            slug=data["slug"],
            admin_email=admin_email or data["admin_email"],
            admin_name=data.get("admin_name", ""),
            admin_language=data.get("admin_language", ""),
            issuer_name=data.get("issuer_name", ""),
            issuer_url=data.get("issuer_url", ""),
            country=data.get("country", ""),
            default_language=data["default_language"],
            primary_colour=data["primary_colour"],
            accent_colour=data["accent_colour"],
        )


class SetupForm(OrganisationCreateForm):
    """First run: the instance operator, then the first organisation."""

    operator_email = forms.EmailField(label=_("Your e-mail address"))
    operator_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 10 characters; avoid common passwords."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["operator_email", "operator_name", "password1", "password2", "name", "slug"]
    GROUPS = (
        (_("You, the operator of this site"), ("operator_email", "operator_name", "password1",
                                                "password2")),
        *OrganisationCreateForm.GROUPS,
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        admin = self.fields["admin_email"]
        admin.required = False
        admin.help_text = _("Leave empty to administer the organisation yourself.")
        self.fields["admin_name"].help_text = _("Only for someone else.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    def setup_spec(self) -> OrganisationSpec:
        data = self.cleaned_data
        return self.spec(admin_email=data.get("admin_email") or data["operator_email"])


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the members)"), max_length=300)


class DeleteForm(forms.Form):
    confirm_slug = forms.CharField(
        label=_("Type the organisation's short name to confirm"), max_length=60
    )


class ImpersonateForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (recorded in the audit log)"), max_length=500)
