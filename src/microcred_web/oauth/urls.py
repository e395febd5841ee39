"""The OAuth 2.0 authorization server, mounted at /oauth/."""

from __future__ import annotations

from django.urls import path
from oauth2_provider import views as toolkit

from microcred_web.oauth import views

app_name = "oauth"

urlpatterns = [
    path("authorize/", views.ConsentView.as_view(), name="authorize"),
    path("token/", toolkit.TokenView.as_view(), name="token"),
    path("revoke/", toolkit.RevokeTokenView.as_view(), name="revoke"),
    path("introspect/", toolkit.IntrospectTokenView.as_view(), name="introspect"),
    path("register/", views.register, name="register"),
    path("connected-apps/", views.connected_apps, name="connected_apps"),
    path(
        "connected-apps/<int:application_id>/revoke/",
        views.connected_app_revoke,
        name="connected_app_revoke",
    ),
]
