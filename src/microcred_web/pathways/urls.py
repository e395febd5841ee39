"""Pathway URLs, mounted at the site root (public catalogue and page; the rest org_view)."""

from __future__ import annotations

from django.urls import path

from microcred_web.pathways import report_views, views, views_recognition

app_name = "pathways"

P = "o/<slug:slug>/pathways/"

urlpatterns = [
    path(P, views.catalogue, name="catalogue"),
    path(P + "mine/", views.mine, name="mine"),
    path(P + "manage/", views.manage, name="manage"),
    path(P + "manage/<int:pathway_id>/", views.editor, name="editor"),
    path(P + "manage/<int:pathway_id>/edit/", views.edit, name="edit"),
    path(P + "manage/<int:pathway_id>/publish/", views.publish, name="publish"),
    path(
        P + "manage/<int:pathway_id>/recognitions/",
        views_recognition.recognitions,
        name="recognitions",
    ),
    path(P + "<uuid:public_id>/", views.detail, name="detail"),
    path(P + "<uuid:public_id>/enrol/", views.enrol, name="enrol"),
    path(P + "<uuid:public_id>/map/", views.learner_map, name="map"),
    # reports, team assignment and migration (report_views)
    path(P + "reports/", report_views.reports_index, name="reports"),
    path(P + "manage/<int:pathway_id>/report/", report_views.report, name="report"),
    path(P + "manage/<int:pathway_id>/report.csv", report_views.report_csv, name="report_csv"),
    path(P + "manage/<int:pathway_id>/assign/", report_views.assign, name="assign"),
    path(P + "manage/<int:pathway_id>/migrate/", report_views.migrate, name="migrate"),
]
