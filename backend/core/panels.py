"""Sections that an app higher in the dependency order adds to a lower app's page.

The observatory shows its compasses on pioneer and project pages, the events app a
project's meetings, the commons a pioneer's « Place à l'acte » entries, without those
pages' apps importing them: each registers a function for a place on a page
(``"projects:detail"``, ``"projects:detail:sections"``…); the page's view asks for the
panels of that place and the template prints them (each renders its own template,
escaped as usual, with a bounded number of queries).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest, Any], SafeString | str | None]
_PANELS: dict[str, list[Panel]] = {}


def page_panel_register(page: str, panel: Panel) -> None:
    panels = _PANELS.setdefault(page, [])
    if panel not in panels:
        panels.append(panel)


def page_panels(page: str, request: HttpRequest, obj: Any) -> list[SafeString | str]:
    """The HTML of each panel registered for ``page`` (empty ones left out)."""
    return [html for panel in _PANELS.get(page, []) if (html := panel(request, obj))]
