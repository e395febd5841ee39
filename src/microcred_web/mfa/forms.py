from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class OrganisationPolicyForm(forms.Form):
    required = forms.BooleanField(
        label=_("Require a second sign-in step of administrators and issuers"),
        required=False,
        help_text=_(
            "Recommended. People who sign in through your single sign-on are not asked: your "
            "identity provider's own multi-factor sign-in applies."
        ),
    )
