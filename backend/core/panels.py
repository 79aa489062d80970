"""Sections that an app higher in the dependency order adds to a lower app's page.

The observatory shows its compasses on pioneer and project pages without those apps
importing it: it registers a function for the page's name; the page's view asks for the
panels and the template prints them (each renders its own template, escaped as usual).
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
