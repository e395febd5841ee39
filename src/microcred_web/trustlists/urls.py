from __future__ import annotations

from django.urls import path

from microcred_web.trustlists import views

app_name = "trustlists"

urlpatterns = [
    path("o/<slug:slug>/trust/", views.registry_list, name="list"),
    path(
        "o/<slug:slug>/trust/<int:registry_id>/publish/",
        views.registry_publish,
        name="publish",
    ),
    path("o/<slug:slug>/trust/<int:registry_id>/delete/", views.registry_delete, name="delete"),
    path("o/<slug:slug>/trust/registry.json", views.published, name="published"),
]
