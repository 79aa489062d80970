"""E-mail digests: what is new for a person, composed from sections each app registers.

``backend`` stands left of every app (DESIGN.md), so it cannot read their data: the apps
register a ``DigestSection`` from their ``AppConfig.ready`` — a title and a function
``(user, since, until) -> list[DigestItem]`` that reads with a fixed number of queries and
at most ``SECTION_LIMIT`` items. The task walks the registry for each person whose period
is due; the outbox key ``digest:<user>:<period>`` makes a second run of the same period
send nothing, and an empty digest is not sent at all.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

SECTION_LIMIT = 10
UNSUBSCRIBE_SALT = "terreau.digest.unsubscribe"


class Frequency:
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class DigestSection:
    code: str
    title: str | Promise
    items: Callable[[Any, datetime.datetime, datetime.datetime], list[DigestItem]]
    position: int = 100


@dataclass(frozen=True)
class ComposedSection:
    code: str
    title: str
    items: list[DigestItem]


_REGISTRY: dict[str, DigestSection] = {}


def digest_section_register(section: DigestSection) -> None:
    """Add or replace a section (apps call it from their AppConfig.ready)."""
    _REGISTRY[section.code] = section


def digest_sections_all() -> list[DigestSection]:
    return sorted(_REGISTRY.values(), key=lambda section: (section.position, section.code))


def period_key(frequency: str, now: datetime.datetime) -> str:
    """The period a digest covers, named so that it is the same all day (or all week)."""
    day = timezone.localdate(now)
    if frequency == Frequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def period_since(frequency: str, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=1 if frequency == Frequency.DAILY else 7)


def digest_compose(
    *, user, since: datetime.datetime, until: datetime.datetime
) -> list[ComposedSection]:
    """The non-empty sections for this person, in their language."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    composed = []
    with translation.override(language):
        for section in digest_sections_all():
            items = section.items(user, since, until)[:SECTION_LIMIT]
            if items:
                composed.append(ComposedSection(section.code, str(section.title), items))
    return composed


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(user) -> str:
    return settings.SITE_URL + reverse(
        "digest:unsubscribe", kwargs={"token": unsubscribe_token(user)}
    )
