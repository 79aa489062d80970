"""Sections that apps to the right of pioneers add to a pioneer's page.

``commons`` lists the « Place à l'acte » entries that name the pioneer: it registers a
function that renders its section (HTML), so pioneers never imports it (DESIGN.md).
Each section costs a bounded number of queries whatever the data.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Section = Callable[[HttpRequest, int], SafeString | str]
_SECTIONS: list[Section] = []


def pioneer_section_register(section: Section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def pioneer_sections_render(request: HttpRequest, pioneer_id: int) -> list[SafeString | str]:
    return [html for section in _SECTIONS if (html := section(request, pioneer_id))]
