"""Skills URLs, mounted at the site root (organisation pages under /o/<slug>/skills/)."""

from __future__ import annotations

from django.urls import path

from microcred_web.skills import views

app_name = "skills"

S = "o/<slug:slug>/skills/"

urlpatterns = [
    path(S, views.home, name="home"),
    path(S + "import/case/", views.import_case, name="import_case"),
    path(S + "import/esco/", views.import_esco, name="import_esco"),
    path(S + "import/esco-package/", views.import_esco_package, name="import_esco_package"),
    path(S + "new/", views.skill_new, name="skill_new"),
    path(S + "groups/", views.group_save, name="group_save"),
    path(S + "roles/", views.roles, name="roles"),
    path(S + "roles/<int:role_id>/", views.role, name="role"),
    path(S + "people/<int:user_id>/roles/", views.person_role, name="person_role"),
    path(S + "mine/", views.mine, name="mine"),
    path(S + "mine/gaps/", views.gaps, name="gaps"),
    path(S + "mine/export.<str:fmt>", views.mine_export, name="mine_export"),
    path(S + "team/", views.team, name="team"),
    path(S + "team/export.<str:fmt>", views.team_export, name="team_export"),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/skills/",
        views.alignments,
        name="alignments",
    ),
    path("skills/<uuid:public_id>/", views.public, name="public"),
]
