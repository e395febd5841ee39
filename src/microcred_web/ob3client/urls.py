"""A person's connected OB 3.0 hosts, in the wallet."""

from __future__ import annotations

from django.urls import path

from microcred_web.ob3client import views

app_name = "ob3client"

urlpatterns = [
    path("wallet/hosts/", views.hosts, name="hosts"),
    path("wallet/hosts/callback/", views.callback, name="callback"),
    path("wallet/hosts/<uuid:public_id>/", views.host, name="host"),
    path("wallet/hosts/<uuid:public_id>/send/", views.send, name="send"),
    path("wallet/hosts/<uuid:public_id>/receive/", views.receive, name="receive"),
    path("wallet/hosts/<uuid:public_id>/disconnect/", views.disconnect, name="disconnect"),
]
