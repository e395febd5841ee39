from __future__ import annotations

from django.urls import path

from microcred_web.bulk import views

app_name = "bulk"

# Mounted under /o/<slug:slug>/bulk/; every view is wrapped by org_view (admin or issuer).
urlpatterns = [
    path("", views.bulk_upload, name="upload"),
    path("<int:job_id>/columns/", views.bulk_columns, name="columns"),
    path("<int:job_id>/preview/", views.bulk_preview, name="preview"),
    path("<int:job_id>/start/", views.bulk_start, name="start"),
    path("<int:job_id>/", views.bulk_progress, name="progress"),
    path("<int:job_id>/report.csv", views.bulk_report, name="report"),
    path("<int:job_id>/reissue/", views.bulk_reissue, name="reissue"),
]
