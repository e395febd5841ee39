"""Issuing URLs. Mounted at the site root: public pages, then /o/<slug>/... pages (org_view)."""

from __future__ import annotations

from django.urls import path

from microcred_web.issuing import views, views_embed, views_public

app_name = "issuing"

urlpatterns = [
    # public
    path("o/<slug:slug>/did.json", views_public.org_did_json, name="did_json"),
    path("o/<slug:slug>/issuer", views_public.issuer_profile, name="issuer_profile"),
    path("o/<slug:slug>/issuer/logo", views_public.issuer_logo, name="issuer_logo"),
    path(
        "o/<slug:slug>/status/<str:purpose>/<int:number>",
        views_public.status_list,
        name="status_list",
    ),
    path("credentials/mine/", views_public.my_credentials, name="my_credentials"),
    path("credentials/<uuid:public_id>", views_public.credential_page, name="credential"),
    path("credentials/<uuid:public_id>.json", views_public.credential_json, name="credential_json"),
    path("credentials/<uuid:public_id>.jwt", views_public.credential_jwt, name="credential_jwt"),
    path("c/<uuid:public_id>/embed", views_embed.credential_embed, name="credential_embed"),
    path("claim/<str:token>", views_public.claim, name="claim"),
    # organisation pages (every view wrapped by org_view)
    path("o/<slug:slug>/credentials/", views.credential_list, name="list"),
    path("o/<slug:slug>/credentials/issue/", views.credential_issue, name="issue"),
    path("o/<slug:slug>/credentials/status/", views.credentials_status, name="bulk_status"),
    path("o/<slug:slug>/credentials/<uuid:public_id>/", views.credential_detail, name="detail"),
    path(
        "o/<slug:slug>/credentials/<uuid:public_id>/status/",
        views.credential_status,
        name="status",
    ),
    path(
        "o/<slug:slug>/credentials/<uuid:public_id>/resend/",
        views.credential_resend,
        name="resend",
    ),
    path(
        "o/<slug:slug>/credentials/<uuid:public_id>/reissue/",
        views.credential_reissue,
        name="reissue",
    ),
    path("o/<slug:slug>/issuer-settings/", views.issuer_settings, name="settings"),
    path("o/<slug:slug>/issuer-settings/rotate/", views.key_rotate, name="key_rotate"),
    path(
        "o/<slug:slug>/issuer-settings/keys/<int:key_id>/compromise/",
        views.key_compromise,
        name="key_compromise",
    ),
    path("o/<slug:slug>/api-keys/", views.api_keys, name="api_keys"),
    path(
        "o/<slug:slug>/api-keys/clients/<int:client_id>/delete/",
        views.org_client_delete,
        name="org_client_delete",
    ),
    path(
        "o/<slug:slug>/api-keys/<int:api_key_id>/revoke/",
        views.api_key_revoke,
        name="api_key_revoke",
    ),
]
