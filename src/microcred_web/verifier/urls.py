"""Public verification: mounted at ``/verify/`` (no sign-in)."""

from __future__ import annotations

from django.urls import path

from microcred_web.verifier import views

app_name = "verifier"

urlpatterns = [
    path("", views.page, name="page"),
    path("api", views.api, name="api"),
]
