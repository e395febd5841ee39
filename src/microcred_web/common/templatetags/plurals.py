"""``plural_count``: the whole number that picks a plural form for an amount shown with
decimals (``{% blocktranslate count n=credits|plural_count %}``): gettext plural rules take
whole numbers only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def plural_count(value: Any) -> int:
    """``value`` itself when whole; 2 for a fraction (the plural in English and French:
    "1.5 credits", "1,5 crédits")."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return 0
    if not number.is_finite():
        return 0
    return int(number) if number == number.to_integral_value() else 2
