from __future__ import annotations

from django.urls import path

from microcred_web.instance import views

app_name = "instance"

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("operator/", views.console, name="console"),
    path("operator/new/", views.organisation_new, name="organisation_new"),
    path("operator/o/<slug:slug>/", views.organisation, name="organisation"),
    path("operator/o/<slug:slug>/suspend/", views.organisation_suspend, name="suspend"),
    path("operator/o/<slug:slug>/unsuspend/", views.organisation_unsuspend, name="unsuspend"),
    path("operator/o/<slug:slug>/export/", views.organisation_export, name="export"),
    path("operator/o/<slug:slug>/delete/", views.organisation_delete, name="delete"),
    path("operator/o/<slug:slug>/impersonate/", views.impersonate, name="impersonate"),
    path("operator/impersonation/stop/", views.impersonation_stop, name="impersonation_stop"),
]
