from __future__ import annotations

from django.urls import path

from microcred_web.transparency import views

app_name = "transparency"

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    path("tile/<path:path>", views.tile, name="tile"),
    path("proof/<uuid:public_id>", views.proof, name="proof"),
    path("consistency", views.consistency, name="consistency"),
]
