"""Achievement URLs, mounted at the site root: /o/<slug>/achievements/... (org_view) and the
public /achievements/<uuid>/v<n> documents."""

from __future__ import annotations

from django.urls import path

from microcred_web.achievements import views

app_name = "achievements"

urlpatterns = [
    path("o/<slug:slug>/achievements/", views.achievement_list, name="list"),
    path("o/<slug:slug>/achievements/new/", views.achievement_new, name="new"),
    path("o/<slug:slug>/achievements/alignment-row/", views.alignment_row, name="alignment_row"),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/", views.achievement_detail, name="detail"
    ),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/edit/", views.achievement_edit, name="edit"
    ),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/image",
        views.achievement_image,
        name="image",
    ),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/publish/",
        views.achievement_publish,
        name="publish",
    ),
    path(
        "o/<slug:slug>/achievements/<int:achievement_id>/archive/",
        views.achievement_archive,
        name="archive",
    ),
    path("achievements/<uuid:public_id>/v<int:number>", views.public_version, name="public"),
    path(
        "achievements/<uuid:public_id>/v<int:number>/image", views.public_image, name="public_image"
    ),
]
