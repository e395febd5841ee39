"""LTI URLs: the tool endpoints under /lti/, the administrators' pages under /o/<slug>/lti/."""

from __future__ import annotations

from django.urls import path

from microcred_web.lti import views

app_name = "lti"

_ONE = "o/<slug:slug>/lti/<int:platform_id>/"

urlpatterns = [
    path("lti/jwks.json", views.jwks, name="jwks"),
    path("lti/login/", views.oidc_login, name="login"),
    path("lti/launch/", views.launch, name="launch"),
    path("lti/deep-linking/<str:token>/", views.deep_link_pick, name="deep_link_pick"),
    path("o/<slug:slug>/lti/", views.platform_list, name="platforms"),
    path("o/<slug:slug>/lti/new/", views.platform_new, name="platform_new"),
    path("o/<slug:slug>/lti/register/", views.dynamic_registration, name="register"),
    path(_ONE, views.platform_detail, name="platform"),
    path(_ONE + "edit/", views.platform_edit, name="platform_edit"),
    path(_ONE + "links/<int:link_id>/roster/", views.roster_sync, name="roster_sync"),
]
