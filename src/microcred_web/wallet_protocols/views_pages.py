"""Pages with QR codes: the learner's "Add to a wallet app" and the verifier's presentation
request (which polls for the wallet's answer)."""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from microcred_web.common.http import client_address
from microcred_web.common.qr import qr_svg
from microcred_web.issuing import selectors as issuing_selectors
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import CredentialStatus
from microcred_web.wallet_protocols import exchanges, issuance, selectors
from microcred_web.wallet_protocols.issuance import ProtocolError
from microcred_web.wallet_protocols.models import ExchangeState


@never_cache  # the codes and the PIN are shown once; no cache keeps them
@login_required
@require_http_methods(["GET", "POST"])
def add_to_wallet_app(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The holder's page: a QR code for OpenID4VCI wallets and one for the Learner Credential
    Wallet. Codes are made on POST and shown once (only their hashes are kept)."""
    credential = issuing_selectors.credential_public_get(public_id=public_id)
    if credential is None or credential.recipient_user_id != request.user.pk:
        raise Http404("No such credential in your wallet.")
    context: dict[str, object] = {
        "credential": credential,
        "name": credential.document.get("credentialSubject", {})
        .get("achievement", {})
        .get("name", ""),
        "active": credential.status_at(timezone.now()) == CredentialStatus.ACTIVE,
        "deliveries": selectors.deliveries_of(credential=credential),
    }
    if request.method == "POST":
        base = absolute_url(
            reverse(
                "wallet_protocols:offer",
                kwargs={"slug": credential.organisation.slug, "secret": "-"},
            )
        ).removesuffix("-")
        try:
            offer = issuance.credential_offer_create(
                credential=credential,
                user=request.user,  # type: ignore[arg-type]
                with_tx_code=request.POST.get("pin") == "on",
                offer_uri_base=base,
            )
            exchange = exchanges.issue_exchange_create(
                credential=credential,
                user=request.user,  # type: ignore[arg-type]
            )
        except ProtocolError as exc:
            context["error"] = _("This credential cannot be added to a wallet app: %(why)s") % {
                "why": exc.description
            }
            return render(request, "wallet_protocols/add_to_wallet_app.html", context, status=400)
        context.update(
            offer=offer,
            exchange=exchange,
            offer_qr=mark_safe(  # noqa: S308 (segno's SVG)
                qr_svg(offer.by_reference_link, title=_("QR code for an OpenID4VCI wallet app"))
            ),
            exchange_qr=mark_safe(  # noqa: S308 (segno's SVG)
                qr_svg(exchange.deep_link, title=_("QR code for the Learner Credential Wallet"))
            ),
        )
    return render(request, "wallet_protocols/add_to_wallet_app.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def presentation_request_page(request: HttpRequest) -> HttpResponse:
    """Anyone may ask a holder to present credentials; the answer shows only in this browser."""
    context: dict[str, object] = {}
    if request.method == "POST":
        if not request.session.session_key:
            request.session.save()
        session_key = request.session.session_key or ""
        try:
            new = exchanges.verify_exchange_create(
                session_key=session_key, client=client_address(request)
            )
        except ProtocolError:
            context["error"] = _("Too many requests from your network. Try again in a while.")
            return render(request, "wallet_protocols/request_page.html", context, status=429)
        context.update(
            exchange=new,
            request_qr=mark_safe(  # noqa: S308 (segno's SVG)
                qr_svg(new.deep_link, title=_("QR code to present credentials from a wallet app"))
            ),
        )
    return render(request, "wallet_protocols/request_page.html", context)


@never_cache
@require_GET
def presentation_request_result(request: HttpRequest, exchange_pk: int) -> HttpResponse:
    exchange = exchanges.verify_result(
        exchange_pk=exchange_pk, session_key=request.session.session_key or ""
    )
    if exchange is None:
        raise Http404("No such presentation request.")
    result = json.loads(exchange.result_json) if exchange.result_json else None
    context = {
        "exchange": exchange,
        "result": result,
        "waiting": exchange.state == ExchangeState.PENDING,
    }
    # 286 tells htmx to stop polling once the answer is in
    status = 200 if context["waiting"] else 286
    return render(request, "wallet_protocols/_request_result.html", context, status=status)
