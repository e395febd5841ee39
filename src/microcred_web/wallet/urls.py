"""Wallet URLs, mounted at the site root."""

from __future__ import annotations

from django.urls import path

from microcred_web.wallet import insights, views

app_name = "wallet"

urlpatterns = [
    path("wallet/", views.home, name="home"),
    path("wallet/did.json", views.platform_did, name="did_json"),
    path("wallet/import/", views.import_credential, name="import"),
    path("wallet/profile/", views.profile, name="profile"),
    path("wallet/clr/", views.clr_export, name="clr"),
    path("wallet/credentials/<uuid:public_id>/", views.credential, name="credential"),
    path("wallet/credentials/<uuid:public_id>/visibility/", views.visibility, name="visibility"),
    path(
        "wallet/credentials/<uuid:public_id>/evidence/<int:index>/",
        views.evidence,
        name="evidence",
    ),
    path("wallet/credentials/<uuid:public_id>/email/", views.email, name="email"),
    path("wallet/credentials/<uuid:public_id>/linkedin/", views.linkedin, name="linkedin"),
    path("wallet/credentials/<uuid:public_id>/shared/", views.shared, name="share_event"),
    path(
        "wallet/credentials/<uuid:public_id>/share-links/",
        views.share_link_create,
        name="share_link_create",
    ),
    path(
        "wallet/share-links/<int:link_id>/revoke/",
        views.share_link_revoke,
        name="share_link_revoke",
    ),
    path("wallet/imported/<uuid:public_id>/", views.imported, name="imported"),
    path(
        "wallet/imported/<uuid:public_id>/visibility/",
        views.imported_visibility,
        name="imported_visibility",
    ),
    path(
        "wallet/imported/<uuid:public_id>/check/", views.imported_recheck, name="imported_recheck"
    ),
    path("wallet/imported/<uuid:public_id>/delete/", views.imported_delete, name="imported_delete"),
    path("u/<slug:handle>/", views.public_profile, name="public_profile"),
    path("s/<str:token>", views.shared_link, name="shared"),
    path("o/<slug:slug>/insights/", insights.insights, name="insights"),
]
