"""Recognition of external credentials on the pathway editor (issuers, admins): add or remove
a mapping from an external achievement or skill to an item of a step."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.common.errors import ApplicationError
from microcred_web.orgs.access import OrgContext, org_view
from microcred_web.pathways import recognition, selectors
from microcred_web.pathways.models import Pathway
from microcred_web.pathways.views import EDITORS, _editor


def _days(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise ApplicationError(
            "valid_for_days", _("Enter a whole number of days."), "days"
        ) from error


def _credit(raw: str) -> float:
    try:
        return float((raw or "0").strip() or 0)
    except ValueError as error:
        raise ApplicationError("credit", _("Enter a number."), "credit") from error


def _system_credits(request: HttpRequest) -> dict[str, float]:
    """Credit per system: pairs of ``credit_system`` / ``credit_in`` (empty: not stated)."""
    systems = request.POST.getlist("credit_system")[:20]
    values = request.POST.getlist("credit_in")[:20]
    return {
        system: _credit(value)
        for system, value in zip(systems, values, strict=False)
        if system and value.strip()
    }


def _apply(request: HttpRequest, ctx: OrgContext, pathway: Pathway) -> None:
    post = request.POST
    if post.get("op") == "remove":
        try:
            recognition_id = int(post.get("recognition", ""))
        except ValueError as error:
            raise ApplicationError("recognition", _("No such recognition."), "op") from error
        recognition.recognition_remove(
            pathway=pathway, actor=ctx.user, recognition_id=recognition_id
        )
        return
    version = selectors.draft_get(pathway=pathway) or pathway.published_version
    if version is None:
        raise ApplicationError("step", _("Add steps to the pathway first."), "step")
    step_id, _sep, counts_as = post.get("counts_as", "").partition(" ")
    recognition.recognition_add(
        pathway=pathway,
        definition=version.definition,
        actor=ctx.user,
        step_id=step_id,
        counts_as=counts_as,
        issuer_id=post.get("issuer_id", ""),
        achievement_id=post.get("achievement_id", ""),
        skill_uri=post.get("skill_uri", ""),
        credit=_credit(post.get("credit", "")),
        valid_for_days=_days(post.get("valid_for_days", "")),
        system_credits=_system_credits(request),
        only_in_step=post.get("only_in_step") == "1",
    )


@org_view(*EDITORS)
@require_POST
def recognitions(request: HttpRequest, ctx: OrgContext, pathway_id: int) -> HttpResponse:
    pathway = selectors.pathway_get(organisation=ctx.organisation, pathway_id=pathway_id)
    if pathway is None:
        raise Http404("No such pathway.")
    try:
        _apply(request, ctx, pathway)
    except ApplicationError as failure:
        return _editor(request, ctx, pathway, failure.message)
    messages.success(request, _("Recognitions saved."))
    return redirect("pathways:editor", slug=ctx.organisation.slug, pathway_id=pathway.pk)
