"""The site's main menu: eight sections, each with the pages it groups.

Only URL names are named here (strings, no import), so the rule that an app never
imports the apps to its right still holds: base.html always linked every app anyway.
The top menu costs no SQL query (who sees what depends on being signed in and on the
coordinator role, both known to every page already); only the sub-navigation of a
section holding members-only pages asks, once, whether the person is an admitted member.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import rules
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.core.permissions import COORDINATE

# "all", "signed_in" and "coordinator" are known here. Others ("member": an admitted
# member, "proposer": who may propose a project) are known to apps to the right of
# backend: they register their check with ``menu_audience_register`` (no backward import).
Audience = str
_AUDIENCE_CHECKS: dict[str, Callable[[Any], bool]] = {}


_BADGES: dict[str, Callable[[], int]] = {}


def menu_badge_register(url_name: str, count: Callable[[], int]) -> None:
    """A number shown to coordinators next to a menu item (e.g. messages awaiting an
    answer). Asked only when the item is shown to a coordinator, so it must be cheap:
    cached, or one indexed COUNT."""
    _BADGES[url_name] = count


def menu_audience_register(audience: str, check: Callable[[Any], bool]) -> None:
    """Let an app decide who belongs to an audience (items of an audience nobody
    registered stay hidden)."""
    _AUDIENCE_CHECKS[audience] = check


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    audience: Audience = "all"
    # Other pages that make this item the current one (the detail pages under a list).
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuSection:
    code: str
    label: str | Promise
    url_name: str
    items: tuple[MenuItem, ...] = ()
    # View names ("ns:name") or namespaces ("ns:") or prefixes ("ns:name*") of the
    # pages that belong to the section.
    matches: tuple[str, ...] = field(default_factory=tuple)


MENU: tuple[MenuSection, ...] = (
    MenuSection(
        code="home",
        label=_("Home"),
        url_name="home",
        items=(
            MenuItem(_("Home"), "home"),
            MenuItem(_("My dashboard"), "dashboard", "signed_in"),
        ),
        matches=("home", "dashboard"),
    ),
    MenuSection(
        code="pioneers",
        label=_("Pioneers"),
        url_name="pioneers:directory",
        items=(
            MenuItem(_("Directory"), "pioneers:directory", also=("pioneers:detail",)),
            MenuItem(_("Map"), "pioneers:map"),
            MenuItem(_("My pioneer profile"), "pioneers:me", "signed_in"),
            MenuItem(
                _("Applications"),
                "pioneers:applications",
                "coordinator",
                also=("pioneers:application_detail",),
            ),
            MenuItem(
                _("Import"), "pioneers:import", "coordinator", also=("pioneers:import_detail",)
            ),
        ),
        matches=("pioneers:",),
    ),
    MenuSection(
        code="projects",
        label=_("Projects"),
        url_name="projects:list",
        items=(
            MenuItem(_("All projects"), "projects:list", also=("projects:detail",)),
            MenuItem(_("Propose a project"), "projects:create", "proposer"),
            MenuItem(_("Ranking"), "projects:ranking"),
            MenuItem(_("Review"), "projects:review", "coordinator"),
        ),
        matches=("projects:",),
    ),
    MenuSection(
        code="commons",
        label=_("Commons"),
        url_name="commons:resource_list",
        items=(
            MenuItem(_("Resources"), "commons:resource_list", also=("commons:resource_*",)),
            MenuItem(_("Where to start?"), "commons:start"),
            MenuItem(_("Place à l'acte"), "commons:directory", also=("commons:entry_*",)),
            MenuItem(_("Map"), "commons:directory_map"),
            MenuItem(_("Review grid"), "commons:grid"),
            MenuItem(
                _("Editorial committee"),
                "commons:committee",
                "commons_editor",
                also=("commons:moderation",),
            ),
        ),
        matches=("commons:",),
    ),
    MenuSection(
        code="votes",
        label=_("Votes"),
        url_name="governance:vote_list",
        items=(
            MenuItem(_("All votes"), "governance:vote_list", also=("governance:vote_detail",)),
            MenuItem(_("New vote"), "governance:vote_create", "coordinator"),
        ),
        matches=("governance:vote_*",),
    ),
    MenuSection(
        code="marketplace",
        label=_("Marketplace"),
        url_name="marketplace:listing_list",
        items=(
            MenuItem(_("Listings"), "marketplace:listing_list", also=("marketplace:listing_*",)),
            MenuItem(
                _("My exchanges"),
                "marketplace:my_exchanges",
                "signed_in",
                also=("marketplace:exchange_*",),
            ),
            MenuItem(_("My hours"), "marketplace:time_account", "member"),
            MenuItem(_("Give hours"), "marketplace:give_hours", "member"),
            MenuItem(_("Hours figures"), "marketplace:ledger_figures"),
            MenuItem(
                _("Time accounts"),
                "marketplace:time_accounts_manage",
                "coordinator",
                also=("marketplace:time_account_*", "marketplace:time_limit_edit"),
            ),
        ),
        matches=(
            "marketplace:listing_*",
            "marketplace:exchange_*",
            "marketplace:my_exchanges",
            "marketplace:time_*",
            "marketplace:give_hours",
            "marketplace:ledger_figures",
        ),
    ),
    MenuSection(
        code="cooperative",
        label=_("Cooperative"),
        url_name="about",
        items=(
            MenuItem(_("About"), "about"),
            MenuItem(_("Colleges"), "governance:colleges"),
            MenuItem(_("Charter"), "governance:charter"),
            MenuItem(
                _("Assemblies"),
                "governance:assembly_list",
                "signed_in",
                also=("governance:assembly_*", "governance:resolution_*"),
            ),
            MenuItem(_("How it works"), "governance:federation"),
            MenuItem(_("My rights and duties"), "governance:dashboard", "signed_in"),
            MenuItem(
                _("Calendar"),
                "events:list",
                also=("events:detail", "events:create", "events:edit", "events:close"),
            ),
            MenuItem(_("My private calendar"), "events:calendar", "signed_in"),
            MenuItem(_("Subscribe shares"), "governance:subscribe", "signed_in"),
            MenuItem(
                _("The jardinier's door"),
                "governance:threads",
                "signed_in",
                also=("governance:thread_*",),
            ),
            MenuItem(_("Funds"), "marketplace:funds"),
            MenuItem(_("Territories"), "territories:list", also=("territories:detail",)),
            MenuItem(_("Observatory"), "observatory:index", also=("observatory:*",)),
            MenuItem(
                _("Members"),
                "governance:members",
                "coordinator",
                also=("governance:member_*",),
            ),
            MenuItem(_("Capital register"), "governance:register", "coordinator"),
            MenuItem(_("Audit journal"), "audit:list", "coordinator"),
            MenuItem(
                _("Funds management"),
                "marketplace:funds_manage",
                "coordinator",
                also=(
                    "marketplace:payment_record",
                    "marketplace:manual_contribution",
                    "marketplace:allocation_record",
                ),
            ),
        ),
        matches=(
            "about",
            "governance:",
            "audit:",
            "events:",
            "territories:",
            "observatory:",
            "marketplace:funds*",
            "marketplace:payment_record",
            "marketplace:manual_contribution",
            "marketplace:allocation_record",
        ),
    ),
    MenuSection(
        code="contribute",
        label=_("Contribute"),
        url_name="marketplace:contribute",
        matches=("marketplace:contribut*",),
    ),
)


def _matches(view_name: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if pattern.endswith("*"):
            if view_name.startswith(pattern[:-1]):
                return True
        elif pattern.endswith(":"):
            if view_name.startswith(pattern):
                return True
        elif view_name == pattern:
            return True
    return False


def _visible(
    audience: Audience, *, signed_in: bool, coordinator: bool, belongs: Callable[[str], bool]
) -> bool:
    if audience == "all":
        return True
    if audience == "signed_in":
        return signed_in
    if audience == "coordinator":
        return coordinator
    return signed_in and belongs(audience)


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str
    current: bool
    badge: int | None = None


@dataclass(frozen=True)
class SectionLink:
    code: str
    label: str | Promise
    url: str
    current: bool
    items: list[Link]


def section_of(view_name: str) -> MenuSection | None:
    """The first section a page belongs to (Votes comes before Cooperative)."""
    for section in MENU:
        if _matches(view_name, section.matches):
            return section
    return None


def main_menu(
    *,
    view_name: str,
    signed_in: bool,
    coordinator: bool,
    belongs: Callable[[str], bool] = lambda audience: False,
) -> list[SectionLink]:
    """Every section; only the current one gets its items (the sub-navigation).
    ``belongs(audience)`` is asked only for an item of a registered audience."""
    current_section = section_of(view_name)
    sections = []
    for section in MENU:
        items = []
        for item in section.items if section is current_section else ():
            if not _visible(
                item.audience, signed_in=signed_in, coordinator=coordinator, belongs=belongs
            ):
                continue
            current = view_name == item.url_name or _matches(view_name, item.also)
            badge = _BADGES[item.url_name]() if coordinator and item.url_name in _BADGES else None
            items.append(Link(item.label, reverse(item.url_name), current, badge or None))
        sections.append(
            SectionLink(
                code=section.code,
                label=section.label,
                url=reverse(section.url_name),
                current=section is current_section,
                items=items if len(items) > 1 else [],
            )
        )
    return sections


def navigation(request: HttpRequest) -> dict:
    """Context processor: ``main_menu`` and ``section_menu`` (the current section)."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    sections = main_menu(
        view_name=view_name,
        signed_in=signed_in,
        coordinator=user is not None and rules.has_perm(COORDINATE, user),
        belongs=cache(
            lambda audience: audience in _AUDIENCE_CHECKS and _AUDIENCE_CHECKS[audience](user)
        ),
    )
    current = next((s for s in sections if s.current), None)
    return {"main_menu": sections, "section_menu": current}
