from __future__ import annotations

from django.urls import path

from microcred_web.reports import views, views_dashboard

app_name = "reports"

_ONE = "o/<slug:slug>/reports/<int:report_id>/"

urlpatterns = [
    path("o/<slug:slug>/reports/", views.builder, name="builder"),
    path("o/<slug:slug>/reports/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("o/<slug:slug>/reports/save/", views.save, name="save"),
    path("o/<slug:slug>/reports/download.<str:fmt>", views.download, name="download"),
    path(_ONE, views.saved, name="saved"),
    path(_ONE + "delete/", views.delete, name="delete"),
    path(_ONE + "download.<str:fmt>", views.saved_download, name="saved_download"),
]
