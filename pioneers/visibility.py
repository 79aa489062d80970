"""Who sees which field of a pioneer profile: the one place that decides.

Pages, the API, the map and the CSV export never read a ``Pioneer`` directly: they
turn it (or a ``values()`` row) into a dict with ``pioneer_card``/``redact``, which
leaves out every field the viewer may not see, and they filter with ``visible_q`` so
that a search or a filter never matches on a hidden field.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import rules
from django.db.models import Q
from django.urls import reverse

from governance.selectors import is_active_member
from pioneers.models import Pioneer, Visibility

# Each visibility setting covers these keys of a card.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "photo": ("photo_url",),
    "description": ("solution_description",),
    "links": ("video_url", "website_url"),
    "location": ("commune", "postcode", "department"),
    "position": ("latitude", "longitude"),
    "skills": ("skills",),
    "contact": ("contact_email",),
}
GROUPS = tuple(FIELD_GROUPS)
ALWAYS_PUBLIC = ("id", "display_name", "solution_title", "themes", "updated_at", "url")

# The model columns a card is built from (for ``values()`` queries).
CARD_COLUMNS = (
    "id",
    "user_id",
    "display_name",
    "solution_title",
    "solution_description",
    "photo",
    "video_url",
    "website_url",
    "commune",
    "postcode",
    "department",
    "latitude",
    "longitude",
    "contact_email",
    "updated_at",
    *(f"{group}_visibility" for group in GROUPS),
)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their level (0 public, 1 members, 2 everything) and their id."""

    user_id: int | None
    level: int
    is_coordinator: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


ANONYMOUS = Viewer(user_id=None, level=Visibility.PUBLIC)


def viewer_for(user) -> Viewer:
    """One query at most (whether the person is an active member)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    if rules.has_perm("pioneers.see_private_cards", user):
        return Viewer(user_id=user.pk, level=Visibility.PRIVATE, is_coordinator=True)
    level = Visibility.MEMBERS if is_active_member(user) else Visibility.PUBLIC
    return Viewer(user_id=user.pk, level=level)


def can_see(viewer: Viewer, *, visibility: int, owner_id: int | None) -> bool:
    return visibility <= viewer.level or (owner_id is not None and owner_id == viewer.user_id)


def visible_q(viewer: Viewer, group: str, prefix: str = "") -> Q:
    """Rows whose ``group`` fields this viewer may see (for filters and searches)."""
    if group not in FIELD_GROUPS:
        raise ValueError(group)
    q = Q(**{f"{prefix}{group}_visibility__lte": viewer.level})
    if viewer.user_id is not None:
        q |= Q(**{f"{prefix}user_id": viewer.user_id})
    return q


def photo_url(row: Mapping[str, Any]) -> str:
    if not row.get("photo"):
        return ""
    # The view checks visibility again; the version busts caches when the photo changes.
    version = str(row["photo"]).rsplit("/", 1)[-1].split(".")[0][-8:]
    return f"{reverse('pioneers:photo', args=[row['id']])}?v={version}"


def redact(viewer: Viewer, row: Mapping[str, Any]) -> dict[str, Any]:
    """The card of a pioneer for this viewer: hidden groups are left out entirely.

    ``row`` holds the ``CARD_COLUMNS`` (a ``values()`` row or ``_row_of`` an instance)
    and may hold ``themes``/``skills`` lists.
    """
    owner_id = row.get("user_id")
    card: dict[str, Any] = {
        "id": row["id"],
        "display_name": row["display_name"],
        "solution_title": row["solution_title"],
        "url": reverse("pioneers:detail", args=[row["id"]]),
    }
    for key in ("updated_at", "themes"):
        if key in row:
            card[key] = row[key]
    visible = {
        group: can_see(viewer, visibility=row[f"{group}_visibility"], owner_id=owner_id)
        for group in GROUPS
    }
    values = {**row, "photo_url": photo_url(row)}
    for group, keys in FIELD_GROUPS.items():
        if not visible[group]:
            continue
        for key in keys:
            if key in values:
                card[key] = values[key]
    card["is_own"] = owner_id is not None and owner_id == viewer.user_id
    return card


def _row_of(pioneer: Pioneer) -> dict[str, Any]:
    row = {column: getattr(pioneer, column) for column in CARD_COLUMNS}
    row["photo"] = pioneer.photo.name if pioneer.photo else ""
    # Prefetched by the selectors: reading them here costs no query.
    row["themes"] = [{"slug": t.slug, "label": t.label} for t in pioneer.themes.all()]
    row["skills"] = [{"slug": s.slug, "name": s.name} for s in pioneer.skills.all()]
    return row


def pioneer_card(viewer: Viewer, pioneer: Pioneer) -> dict[str, Any]:
    return redact(viewer, _row_of(pioneer))


def pioneer_cards(viewer: Viewer, pioneers) -> list[dict[str, Any]]:
    return [pioneer_card(viewer, p) for p in pioneers]
