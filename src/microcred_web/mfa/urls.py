from __future__ import annotations

from django.urls import path

from microcred_web.mfa import views

app_name = "mfa"

urlpatterns = [
    path("accounts/security/", views.overview, name="overview"),
    path("accounts/security/authenticator/", views.enrol, name="enrol"),
    path("accounts/security/authenticator/remove/", views.authenticator_remove, name="remove"),
    path("accounts/security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "accounts/security/recovery-codes/new/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("accounts/sign-in/code/", views.verify, name="verify"),
    path("accounts/sessions/", views.sessions, name="sessions"),
    path("accounts/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("accounts/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("o/<slug:slug>/sign-in-security/", views.organisation_policy, name="org_policy"),
]
