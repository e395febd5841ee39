from __future__ import annotations

from django.urls import path

from microcred_web.rendering import views

app_name = "rendering"

# Mounted under /credentials/<uuid:public_id>/ (beside issuing's /credentials/<uuid>).
urlpatterns = [
    path("certificate.pdf", views.certificate_pdf, name="certificate"),
    path("badge.png", views.badge_png, name="badge_png"),
    path("badge.svg", views.badge_svg, name="badge_svg"),
]
