from __future__ import annotations

from django.urls import include, path

from microcred_web.common import views as common_views

urlpatterns = [
    path("healthz", common_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]
