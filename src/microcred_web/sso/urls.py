from __future__ import annotations

from django.urls import path

from microcred_web.sso import views

app_name = "sso"

urlpatterns = [
    path("o/<slug:slug>/sso/", views.connection_settings, name="settings"),
    path("sso/", views.find, name="find"),
    path("sso/<slug:slug>/login/", views.sign_in_start, name="login"),
    path("sso/<slug:slug>/callback/", views.sign_in_callback, name="callback"),
]
