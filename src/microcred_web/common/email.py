"""One way to write e-mail: a kind's template pair (HTML + plain text) in the shared branded
layout, rendered in the recipient's language, sent after commit by the task worker.

A kind is three templates beside each other: ``<name>.subject.txt``, ``<name>.txt`` (extends
``email/layout.txt``) and ``<name>.html`` (extends ``email/layout.html``). The layout gives the
greeting, the one button, the badge image, the organisation's logo and colour and the footer
with the preferences link. Non-essential kinds carry a one-click unsubscribe URL, sent as the
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers (RFC 2369, RFC 8058).

This module stays below the organisation and account apps: it reads organisations and people
only through the attributes it names (``name``, ``slug``, ``logo``, ``primary_colour``,
``default_language``; ``preferred_language``, ``display_name``, ``email``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from microcred_web.common.colour import HEX_COLOUR, ink_on_white, readable_text_on
from microcred_web.common.tasks import email_send_on_commit

DEFAULT_COLOUR = "#1f4e79"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Brand:
    """What the layout shows of the sending organisation."""

    name: str
    colour: str
    button_text: str
    link_colour: str
    logo_url: str


def absolute(url: str) -> str:
    """``url`` as the world reaches it (``settings.BASE_URL`` before a path)."""
    if not url or url.startswith(("http://", "https://", "mailto:")):
        return url
    return str(settings.BASE_URL).rstrip("/") + url


def language_for(*, user: Any = None, organisation: Any = None, fallback: str = "") -> str:
    """The recipient's language: theirs, else the organisation's, else ``fallback``/site."""
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in (
        getattr(user, "preferred_language", ""),
        getattr(organisation, "default_language", ""),
        fallback,
    ):
        if candidate and candidate in known:
            return str(candidate)
    return str(settings.LANGUAGE_CODE)


def recipient_name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "email", "") or "")


def brand_of(organisation: Any) -> Brand:
    colour = str(getattr(organisation, "primary_colour", "") or DEFAULT_COLOUR)
    if not HEX_COLOUR.match(colour):
        colour = DEFAULT_COLOUR
    logo_url = ""
    if organisation is not None and getattr(organisation, "logo", None):
        try:
            logo_url = absolute(reverse("issuing:issuer_logo", kwargs={"slug": organisation.slug}))
        except NoReverseMatch:  # the issuing app is not installed
            logo_url = ""
    return Brand(
        name=str(getattr(organisation, "name", "") or "microcred"),
        colour=colour,
        button_text=readable_text_on(colour),
        link_colour=ink_on_white(colour),
        logo_url=logo_url,
    )


def preferences_url_for(organisation: Any) -> str:
    if organisation is None or not getattr(organisation, "slug", ""):
        return ""
    try:
        path = reverse("notifications:preferences", kwargs={"slug": organisation.slug})
    except NoReverseMatch:
        return ""
    return absolute(path)


def email_render(
    *,
    template: str,
    language: str,
    organisation: Any,
    greeting_name: str,
    button_url: str,
    context: Mapping[str, Any] | None = None,
    badge_url: str = "",
    preferences_url: str = "",
    unsubscribe_url: str = "",
) -> RenderedEmail:
    """Render the kind ``template`` in ``language``. ``unsubscribe_url`` makes it non-essential:
    the List-Unsubscribe headers are added and the footer offers the link."""
    values = {
        **(context or {}),
        "brand": brand_of(organisation),
        "greeting_name": greeting_name,
        "button_url": absolute(button_url),
        "badge_url": absolute(badge_url),
        "preferences_url": absolute(preferences_url),
        "unsubscribe_url": absolute(unsubscribe_url),
        "language": language,
    }
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", values)
        text = render_to_string(f"{template}.txt", values)
        html = render_to_string(f"{template}.html", values)
    headers: dict[str, str] = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{absolute(unsubscribe_url)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_tidy_text(text),
        html=html,
        headers=headers,
    )


def _tidy_text(text: str) -> str:
    """At most one blank line in a row; templates leave some where blocks are empty."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def email_queue(*, email: RenderedEmail, to: list[str]) -> None:
    """Send ``email`` to ``to`` through the task worker once the transaction commits."""
    email_send_on_commit(
        subject=email.subject, body=email.text, to=to, html=email.html, headers=email.headers
    )
