"""Figures other apps add to a project's follow-up (hours and money received).

The marketplace stands to the right of projects (DESIGN.md): it registers a provider
here from its AppConfig.ready, so projects never import it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from projects.models import Project


@dataclass(frozen=True)
class FollowupFigure:
    label: str
    value: str


_PROVIDERS: list[Callable[[Project], list[FollowupFigure]]] = []


def followup_provider_register(provider: Callable[[Project], list[FollowupFigure]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def followup_figures(project: Project) -> list[FollowupFigure]:
    return [figure for provider in _PROVIDERS for figure in provider(project)]
