from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from microcred_web.orgs.models import (
    Organisation,
    Role,
    Team,
    country_validator,
    hex_colour_validator,
)

LOGO_MAX_BYTES = 512 * 1024
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("error_messages", {"required": _("Choose at least one role.")})
        super().__init__(**kwargs)


class MembershipChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        user = obj.user
        return f"{user.display_name} ({user.email})" if user.display_name else str(user.email)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    roles = RolesField(help_text=_("A person can hold several roles."))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.initial.setdefault("roles", [Role.LEARNER])


class RolesForm(forms.Form):
    roles = RolesField()


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class OrganisationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two-letter ISO code, e.g. GB, FR, DE."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 512 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        validators=[hex_colour_validator],
        help_text=_("Used for the header bar. Text on it is chosen to stay readable."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        validators=[hex_colour_validator],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)

    def clean_country(self) -> str:
        country = str(self.cleaned_data.get("country") or "").strip().upper()
        if country:
            country_validator(country)
        return country

    def clean_logo(self) -> UploadedFile | bool | None:
        logo = self.cleaned_data.get("logo")
        if logo is False:  # "clear" ticked
            return False
        if not logo:
            return None
        if logo.size is not None and logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 512 KB."), code="too_large")
        head = logo.read(8)
        logo.seek(0)
        if not any(head.startswith(signature) for signature in LOGO_SIGNATURES):
            raise forms.ValidationError(_("Upload a PNG or JPEG image."), code="bad_type")
        return logo  # type: ignore[no-any-return]


class AcceptNewUserForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As it should appear on your credentials."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class AcceptSignInForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
