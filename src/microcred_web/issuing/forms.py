from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred_web.achievements.models import Achievement


class IssueForm(forms.Form):
    achievement = forms.ModelChoiceField(
        label=_("Achievement"), queryset=Achievement.objects.none()
    )
    email = forms.EmailField(label=_("Recipient e-mail"), required=False)
    did = forms.CharField(
        label=_("Recipient DID"),
        required=False,
        max_length=500,
        help_text=_("Optional, e.g. did:key:z6Mk… — give an e-mail address, a DID or both."),
    )
    name = forms.CharField(label=_("Recipient name"), required=False, max_length=200)
    evidence_url = forms.URLField(label=_("Evidence URL"), required=False, assume_scheme="https")
    evidence_narrative = forms.CharField(
        label=_("Evidence narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.CharField(label=_("Result (score or grade)"), required=False, max_length=100)
    deliver = forms.BooleanField(label=_("E-mail the recipient"), required=False, initial=True)

    def __init__(self, *args: Any, achievements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = achievements  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("did"):
            self.add_error("email", _("Give an e-mail address or a DID."))
        return data


class ReasonForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("revoke", _("Revoke")), ("suspend", _("Suspend")), ("unsuspend", _("Reinstate"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class IssuerProfileForm(forms.Form):
    name = forms.CharField(label=_("Issuer name"), required=False, max_length=200)
    url = forms.URLField(label=_("Web site"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=120)
