from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred_web.achievements.models import Achievement


class IssueForm(forms.Form):
    achievement = forms.ModelChoiceField(
        label=_("Achievement"),
        queryset=Achievement.objects.none(),
        empty_label=_("Choose a published achievement"),
        help_text=_("Only published achievements can be issued."),
    )
    email = forms.EmailField(
        label=_("Recipient e-mail"),
        required=False,
        help_text=_("The claim link goes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    did = forms.CharField(
        label=_("Recipient DID"),
        required=False,
        max_length=500,
        help_text=_("e.g. did:key:z6Mk… if the person has a wallet."),
    )
    name = forms.CharField(
        label=_("Recipient name"),
        required=False,
        max_length=200,
        help_text=_("As it should appear on the credential and certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    evidence_url = forms.URLField(
        label=_("Evidence URL"),
        required=False,
        assume_scheme="https",
        help_text=_("A public link to the work, e.g. a portfolio or assessment record."),
    )
    evidence_narrative = forms.CharField(
        label=_("Evidence narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person did, in a few sentences."),
    )
    result = forms.CharField(label=_("Result (score or grade)"), required=False, max_length=100)
    deliver = forms.BooleanField(
        label=_("E-mail the recipient a link to claim it"), required=False, initial=True
    )

    SECTIONS = (
        ("recipient", ("email", "did", "name")),
        ("evidence", ("result", "evidence_url", "evidence_narrative")),
    )

    def section(self, key: str) -> list[Any]:
        return [self[name] for name in dict(self.SECTIONS)[key]]

    def recipient_fields(self) -> list[Any]:
        return self.section("recipient")

    def evidence_fields(self) -> list[Any]:
        return self.section("evidence")

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
        label=_("Action"),
        choices=[("revoke", _("Revoke")), ("suspend", _("Suspend")), ("unsuspend", _("Reinstate"))],
        help_text=_("Revoking is permanent; a suspension can be lifted by reinstating."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Shown on the public credential page and recorded in the audit log."),
    )


class IssuerProfileForm(forms.Form):
    name = forms.CharField(label=_("Issuer name"), required=False, max_length=200)
    url = forms.URLField(label=_("Web site"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    linkedin_organization_id = forms.RegexField(
        label=_("LinkedIn organisation id"),
        regex=r"^[0-9]+$",
        required=False,
        max_length=20,
        help_text=_(
            "The number in your LinkedIn company page's admin address: learners' "
            '"add to profile" links then name your page.'
        ),
        error_messages={"invalid": _("Digits only, e.g. 1337.")},
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=120)


class OrgClientForm(forms.Form):
    """An OAuth 2.0 client for the organisation API (client-credentials grant)."""

    prefix = "client"
    name = forms.CharField(label=_("Client name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from microcred_web.oauth.scopes import ORG_SCOPE_WORDS

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [  # type: ignore[attr-defined]
            (scope, f"{scope}: {words}") for scope, words in ORG_SCOPE_WORDS.items()
        ]


class KeyCompromiseForm(forms.Form):
    compromised_after = forms.DateTimeField(
        label=_("Compromised since"),
        help_text=_(
            "Signatures made by this key at or after this moment are rejected; earlier ones "
            "stay valid. When in doubt, choose an earlier moment."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("What happened"),
        max_length=300,
        help_text=_("Recorded in the audit log."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_compromised_after(self) -> Any:
        moment = self.cleaned_data["compromised_after"]
        if moment is not None and moment > timezone.now():
            raise forms.ValidationError(
                _("Give a moment in the past: the key stops signing now anyway.")
            )
        return moment


class CorrectedEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Corrected e-mail address"),
        help_text=_(
            "The credential is issued again to this address and the old one is revoked "
            "(its e-mail is signed into it and cannot be changed)."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
