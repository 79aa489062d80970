"""Sections other apps add to a project's page (the events app: meetings and minutes).

Apps to the right of projects (DESIGN.md) register a section from their AppConfig.ready,
so projects never import them. A section's context function reads with a fixed number
of queries and returns None when there is nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from projects.models import Project


@dataclass(frozen=True)
class ProjectSection:
    code: str
    template: str
    context: Callable[[Project, Any], dict | None]  # (project, user) -> context or None
    position: int = 100


@dataclass(frozen=True)
class RenderedSection:
    code: str
    template: str
    context: dict


_SECTIONS: dict[str, ProjectSection] = {}


def project_section_register(section: ProjectSection) -> None:
    _SECTIONS[section.code] = section


def project_sections_for(project: Project, user) -> list[RenderedSection]:
    rendered = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.position, s.code)):
        context = section.context(project, user)
        if context is not None:
            rendered.append(RenderedSection(section.code, section.template, context))
    return rendered
