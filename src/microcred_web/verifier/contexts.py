"""The project's own JSON-LD contexts, served by every instance (decision 0022).

``https://w3id.org/microcred/contexts/<name>`` is served at ``/contexts/<name>`` with the exact
pinned bytes of our registry (the same bytes the verifier checks against their SHA-256), as
``application/ld+json``, cacheable for a year (a versioned context never changes), to any
origin (``Access-Control-Allow-Origin: *``: browser verifiers may load it). ``/contexts/``
lists them with their SHA-256, so a third-party verifier can pin what it loads.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from microcred.contexts import PROJECT_CONTEXTS_PREFIX, default_registry
from microcred_web.issuing.identity import absolute_url

CONTENT_TYPE = "application/ld+json"
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _allow_any_origin(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def project_context_urls() -> list[str]:
    """The URLs of the project's contexts in the registry (shipped and operator-added)."""
    return [url for url in default_registry().urls() if url.startswith(PROJECT_CONTEXTS_PREFIX)]


@require_safe
def context_document(request: HttpRequest, name: str) -> HttpResponse:
    url = PROJECT_CONTEXTS_PREFIX + name
    registry = default_registry()
    if url not in registry:
        raise Http404("no such context")
    etag = f'"{registry.sha256(url)}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(registry.raw_bytes(url), content_type=CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Link"] = f'<{url}>; rel="canonical"'
    return _allow_any_origin(response)


@require_safe
def context_index(request: HttpRequest) -> HttpResponse:
    """``{url: {"href": this instance's copy, "sha256": pin}}`` for every project context."""
    registry = default_registry()
    listing = {
        url: {
            "href": absolute_url(
                reverse("context", kwargs={"name": url[len(PROJECT_CONTEXTS_PREFIX) :]})
            ),
            "sha256": registry.sha256(url),
        }
        for url in project_context_urls()
    }
    response = JsonResponse(listing, json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=3600"
    return _allow_any_origin(response)


__all__ = ["context_document", "context_index", "project_context_urls"]
