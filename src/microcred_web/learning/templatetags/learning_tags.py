from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from microcred_web.achievements.markdown import render_markdown

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def markdown(text: str) -> SafeString:
    """Sanitised Markdown (scripts, event handlers and javascript: links removed)."""
    return render_markdown(text)
