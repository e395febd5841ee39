from __future__ import annotations

from django.urls import path

from microcred_web.xapi import views

app_name = "xapi"

urlpatterns = [
    path("o/<slug:slug>/xapi/", views.client_list, name="clients"),
    path("o/<slug:slug>/xapi/<int:client_id>/revoke/", views.client_revoke, name="revoke"),
    path("xapi/statements", views.statements, name="statements"),
    path("xapi/about", views.about, name="about"),
]
