"""The audit log in words for the organisation's admins: filters (who, what, when), paging
and a CSV export of what the filters show."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred_web.common.audit_words import action_choices, actor_name, describe, event_name
from microcred_web.common.csv_export import csv_response
from microcred_web.common.models import AuditEvent
from microcred_web.common.selectors import SYSTEM_ACTOR, audit_actors, audit_events_filtered
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.orgs.models import Role

PER_PAGE = 50
#: the most rows one CSV export holds (narrow the filters for more)
EXPORT_LIMIT = 50_000


class AuditFilterForm(forms.Form):
    who = forms.ChoiceField(label=gettext_lazy("Who"), required=False)
    what = forms.ChoiceField(label=gettext_lazy("What"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, organisation: Any) -> None:
        super().__init__(data)
        everyone = [(str(pk), name) for pk, name in audit_actors(organisation=organisation)]
        who = self.fields["who"]
        what = self.fields["what"]
        assert isinstance(who, forms.ChoiceField) and isinstance(what, forms.ChoiceField)
        who.choices = [("", _("Anyone")), (SYSTEM_ACTOR, _("The system")), *everyone]
        what.choices = [("", _("Any event")), *action_choices()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


def _filtered(
    request: HttpRequest, ctx: OrgContext
) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None, organisation=ctx.organisation)
    values: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_events_filtered(
        organisation=ctx.organisation,
        actor=values.get("who") or "",
        action=values.get("what") or "",
        since=values.get("since"),
        until=values.get("until"),
    )
    return form, events


@org_view(Role.ADMIN)
def audit(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    form, events = _filtered(request, ctx)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(event, event_name(event.action), describe(event)) for event in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/audit.html",
        {
            "ctx": ctx,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@org_view(Role.ADMIN)
def audit_export(request: HttpRequest, ctx: OrgContext) -> HttpResponse:
    _form, events = _filtered(request, ctx)
    header = [
        _("When"),
        _("Who"),
        _("E-mail"),
        _("Event"),
        _("What happened"),
        _("Action code"),
        _("Subject"),
    ]
    rows = (
        [
            timezone.localtime(event.created_at).isoformat(timespec="seconds"),
            actor_name(event),
            event.actor.email if event.actor else "",
            event_name(event.action),
            describe(event),
            event.action,
            event.target_label,
        ]
        for event in events[:EXPORT_LIMIT]
    )
    stamp = timezone.localdate().isoformat()
    return csv_response(f"audit-{ctx.organisation.slug}-{stamp}.csv", header, rows)
