from __future__ import annotations

from django.urls import path

from microcred_web.webhooks import views

app_name = "webhooks"

_ONE = "o/<slug:slug>/webhooks/<int:endpoint_id>/"

urlpatterns = [
    path("o/<slug:slug>/webhooks/", views.endpoint_list, name="list"),
    path("o/<slug:slug>/webhooks/new/", views.endpoint_new, name="new"),
    path(_ONE, views.endpoint_detail, name="detail"),
    path(_ONE + "edit/", views.endpoint_edit, name="edit"),
    path(_ONE + "rotate/", views.endpoint_rotate, name="rotate"),
    path(_ONE + "test/", views.endpoint_test, name="test"),
    path(_ONE + "delete/", views.endpoint_delete, name="delete"),
    path(_ONE + "deliveries/<int:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
]
