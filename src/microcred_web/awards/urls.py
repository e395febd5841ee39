"""Award-rule URLs, mounted at the site root (all under /o/<slug>/, org_view)."""

from __future__ import annotations

from django.urls import path

from microcred_web.awards import views

app_name = "awards"

R = "o/<slug:slug>/achievements/<int:achievement_id>/award-rule/"

urlpatterns = [
    path(R, views.builder, name="builder"),
    path(R + "edit/", views.builder_edit, name="edit"),
    path(R + "enable/", views.builder_enable, name="enable"),
    path(R + "preview/", views.builder_preview, name="preview"),
    path("o/<slug:slug>/learning/goals/", views.goals_mine, name="mine"),
    path("o/<slug:slug>/learning/goals/partial/", views.goals_partial, name="mine_partial"),
    path("o/<slug:slug>/learning/goals/team/", views.goals_team, name="team"),
]
