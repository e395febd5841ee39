"""Mounted at the site root (config/urls.py): well-known documents, per-organisation
OpenID4VCI endpoints, VC-API exchanges and the pages that show QR codes."""

from __future__ import annotations

from django.urls import path

from microcred_web.wallet_protocols import views_pages, views_protocol

app_name = "wallet_protocols"

urlpatterns = [
    path(
        ".well-known/openid-credential-issuer/o/<slug:slug>",
        views_protocol.credential_issuer_metadata,
        name="issuer_metadata",
    ),
    path(
        ".well-known/oauth-authorization-server/o/<slug:slug>",
        views_protocol.authorization_server_metadata,
        name="server_metadata",
    ),
    path("o/<slug:slug>/oid4vci/offers/<str:secret>", views_protocol.offer, name="offer"),
    path("o/<slug:slug>/oid4vci/token", views_protocol.token, name="token"),
    path("o/<slug:slug>/oid4vci/nonce", views_protocol.nonce, name="nonce"),
    path("o/<slug:slug>/oid4vci/credential", views_protocol.credential, name="credential"),
    path("exchanges/<str:exchange_id>", views_protocol.exchange, name="exchange"),
    path(
        "wallet-apps/credentials/<uuid:public_id>/",
        views_pages.add_to_wallet_app,
        name="add_to_wallet_app",
    ),
    path("verify/requests/", views_pages.presentation_request_page, name="request_page"),
    path(
        "verify/requests/<int:exchange_pk>/result",
        views_pages.presentation_request_result,
        name="request_result",
    ),
]
