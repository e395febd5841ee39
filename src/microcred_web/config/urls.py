from __future__ import annotations

from django.urls import include, path

from microcred_web.accounts import views as account_views
from microcred_web.api.api import api
from microcred_web.common import views as common_views
from microcred_web.orgs import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("language/", account_views.language_set, name="language_set"),
    path("accounts/", include("microcred_web.accounts.urls")),
    path("invitations/<str:link_token>/", org_views.invitation_accept, name="invitation_accept"),
    path("o/<slug:slug>/", include("microcred_web.orgs.urls")),
    path("api/v1/", api.urls),
]
