"""The cards of an organisation's home page.

``orgs`` sits low in the layers, so the apps above it contribute their own cards: each
registers a provider in ``AppConfig.ready`` (:func:`dashboard_card_register`) that returns a
card for the requester — or None when the card is not for their roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from microcred_web.orgs.access import OrgContext


@dataclass(frozen=True)
class DashboardLink:
    label: str
    url: str


@dataclass(frozen=True)
class DashboardCard:
    """``key`` names the card in the page (its HTML id); ``stat`` is its headline number."""

    key: str
    title: str
    stat: int | None = None
    stat_label: str = ""
    lines: tuple[str, ...] = ()
    links: tuple[DashboardLink, ...] = ()
    warning: str = ""


CardProvider = Callable[[OrgContext], DashboardCard | None]


@dataclass
class _Registry:
    providers: dict[str, tuple[int, CardProvider]] = field(default_factory=dict)


_REGISTRY = _Registry()


def dashboard_card_register(name: str, provider: CardProvider, *, order: int = 50) -> None:
    """Add (or replace) the card ``name``; cards show by ``order``, then name."""
    _REGISTRY.providers[name] = (order, provider)


def dashboard_cards(ctx: OrgContext) -> list[DashboardCard]:
    """The registered cards ``ctx``'s roles see, in order."""
    cards = []
    for _name, (_order, provider) in sorted(
        _REGISTRY.providers.items(), key=lambda item: (item[1][0], item[0])
    ):
        card = provider(ctx)
        if card is not None:
            cards.append(card)
    return cards
