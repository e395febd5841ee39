from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred_web.orgs.models import Role


class ConnectionForm(forms.Form):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    display_name = forms.CharField(
        label=_("Button label"),
        max_length=80,
        help_text=_("Shown on the sign-in button, e.g. Northwind Entra ID."),
    )
    issuer = forms.CharField(
        label=_("Issuer URL"),
        max_length=300,
        help_text=_(
            "The provider's issuer; its discovery document is read from "
            "<issuer>/.well-known/openid-configuration."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=200)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave empty to keep the current secret."),
    )
    scopes = forms.CharField(label=_("Scopes"), max_length=200, initial="openid email profile")
    groups_claim = forms.CharField(label=_("Groups claim"), max_length=80, initial="groups")
    group_roles = forms.CharField(
        label=_("Group → role mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One line per group: group = role (admin, issuer, assessor, manager, "
            "learner). Roles are set again at every sign-in."
        ),
    )
    default_role = forms.ChoiceField(
        label=_("Default role"),
        choices=Role.choices,
        initial=Role.LEARNER,
        help_text=_("Given when none of the person's groups is mapped."),
    )
    email_domains = forms.CharField(
        label=_("E-mail domains"),
        required=False,
        max_length=300,
        help_text=_(
            "People whose address ends with one of these find this provider from the "
            "sign-in page (separate with spaces)."
        ),
    )
    sso_required = forms.BooleanField(
        label=_("Single sign-on required"),
        required=False,
        help_text=_(
            "Members can no longer sign in with a password; administrators keep "
            "password sign-in as a way in if the provider fails."
        ),
    )


class FindForm(forms.Form):
    email = forms.EmailField(
        label=_("Work e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
