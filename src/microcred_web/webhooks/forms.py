from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred_web.webhooks.models import EventType


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("Receiver URL"), max_length=500)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service names an empty choice
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
