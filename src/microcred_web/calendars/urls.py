from __future__ import annotations

from django.urls import path

from microcred_web.calendars import views

app_name = "calendars"

urlpatterns = [
    path("o/<slug:slug>/calendar/", views.calendar_page, name="page"),
    path("o/<slug:slug>/calendar/new/", views.feed_new, name="new"),
    path("o/<slug:slug>/calendar/revoke/", views.feed_revoke, name="revoke"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
