"""The member dashboard: one page, one panel per app, each registered by its app.

``backend`` stands left of every app (DESIGN.md), so it cannot read their data
itself: governance, pioneers, projects and the marketplace each register their
panels from their ``AppConfig.ready``. A panel is a template and a function that
builds its context from the person; each such function reads through its app's
selectors with a fixed number of queries and a bounded list (``PANEL_LIMIT`` rows and
a link to the full page), so the dashboard's cost does not grow with the data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

PANEL_LIMIT = 5

PanelContext = Callable[[Any], dict | None]  # user -> context, or None: not shown


@dataclass(frozen=True)
class DashboardPanel:
    code: str
    title: str | Promise
    template: str
    context: PanelContext
    position: int = 100


_REGISTRY: dict[str, DashboardPanel] = {}


def dashboard_panel_register(panel: DashboardPanel) -> None:
    """Add or replace a panel (apps call it from their AppConfig.ready)."""
    _REGISTRY[panel.code] = panel


def dashboard_panels_all() -> list[DashboardPanel]:
    return sorted(_REGISTRY.values(), key=lambda panel: (panel.position, panel.code))


@dataclass(frozen=True)
class RenderedPanel:
    code: str
    title: str | Promise
    template: str
    context: dict


def dashboard_panels_for(user) -> list[RenderedPanel]:
    """The panels to show this person, in order, each with its context built."""
    panels = []
    for panel in dashboard_panels_all():
        context = panel.context(user)
        if context is not None:
            panels.append(RenderedPanel(panel.code, panel.title, panel.template, context))
    return panels
