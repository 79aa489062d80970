"""Project needs: turning skill names into the platform's skills, and telling the apps to
the right (the marketplace) that a project's needs or state changed.

Matching is case- and accent-insensitive: a name matches a skill when both slugify to
the same text (« Mécanique », "mecanique" and "MÉCANIQUE" are one skill), which is how
the marketplace makes its tags' slugs. The data migration uses the same split.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.text import slugify


def skill_key(name: str) -> str:
    return slugify(" ".join(str(name).split()))


def needs_text_split(text: str, known: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """Split a comma (or semicolon) list: the values of ``known`` (keyed by ``skill_key``)
    its names match, in order and once each, and the names left over, as written."""
    found: list[Any] = []
    leftover: list[str] = []
    for raw in str(text or "").replace(";", ",").split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        value = known.get(skill_key(name))
        if value is None:
            leftover.append(name)
        elif value not in found:
            found.append(value)
    return found, leftover


Listener = Callable[..., None]
_LISTENERS: list[Listener] = []


def project_needs_listener_register(listener: Listener) -> None:
    """``listener(actor=..., project=...)`` runs in the transaction of every change of a
    project's needs or state (the marketplace keeps its requests in step)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def project_needs_changed(*, actor, project) -> None:
    for listener in _LISTENERS:
        listener(actor=actor, project=project)


def listeners() -> Iterable[Listener]:
    return tuple(_LISTENERS)
