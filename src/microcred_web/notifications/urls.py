from __future__ import annotations

from django.urls import path

from microcred_web.notifications import views

app_name = "notifications"

urlpatterns = [
    path("o/<slug:slug>/notifications/", views.notification_list, name="list"),
    path("o/<slug:slug>/notifications/read/", views.notifications_read, name="read"),
    path(
        "o/<slug:slug>/notifications/preferences/",
        views.notification_preferences,
        name="preferences",
    ),
    path("notifications/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
