from __future__ import annotations

from django.urls import path, re_path

from microcred_web.scim import views, views_tokens

app_name = "scim"

V2 = "scim/v2/"

urlpatterns = [
    # the administrators' page for the organisation's SCIM tokens
    path("o/<slug:slug>/scim/", views_tokens.token_list, name="tokens"),
    path("o/<slug:slug>/scim/<int:token_id>/revoke/", views_tokens.token_revoke, name="revoke"),
    # the SCIM 2.0 service (RFC 7644), organisation chosen by the bearer token
    path(
        V2 + "ServiceProviderConfig", views.service_provider_config, name="service_provider_config"
    ),
    path(V2 + "ResourceTypes", views.resource_types, name="resource_types"),
    path(V2 + "ResourceTypes/<str:name>", views.resource_type, name="resource_type"),
    path(V2 + "Schemas", views.schemas, name="schemas"),
    path(V2 + "Schemas/<str:schema_id>", views.schema, name="schema"),
    re_path(r"^scim/v2/(?P<kind>Users|Groups)$", views.collection, name="collection"),
    re_path(r"^scim/v2/(?P<kind>Users|Groups)/\.search$", views.search, name="search"),
    path(V2 + ".search", views.search, name="search_all"),
    re_path(
        r"^scim/v2/(?P<kind>Users|Groups)/(?P<resource_id>[^/]+)$",
        views.resource,
        name="resource",
    ),
    re_path(r"^scim/v2/(?P<rest>.*)$", views.unknown, name="unknown"),
]
