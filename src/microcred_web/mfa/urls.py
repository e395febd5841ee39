from __future__ import annotations

from django.urls import path

from microcred_web.mfa import views

app_name = "mfa"

urlpatterns = [
    path("security/", views.overview, name="overview"),
    path("security/authenticator/", views.enrol, name="enrol"),
    path("security/authenticator/remove/", views.authenticator_remove, name="remove"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "security/recovery-codes/new/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("sign-in/code/", views.verify, name="verify"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
]
