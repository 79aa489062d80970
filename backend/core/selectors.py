"""Reads of the audit journal (the coordinator's page, its CSV export and the API)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.core.models import AuditEvent

# The apps whose objects the journal is about (the object type filter offers these).
AUDITED_APPS = ("accounts", "governance", "pioneers", "projects", "commons", "marketplace")


def audit_object_types() -> QuerySet[ContentType]:
    return ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_list(
    *,
    actor: str = "",
    action: str = "",
    object_type: ContentType | None = None,
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered; ``actor`` matches an e-mail or a name (part of it)
    or a user id, ``action`` an action or its prefix (``vote.`` for every vote action)."""
    qs = AuditEvent.objects.select_related("actor", "target_type").order_by("-created_at", "-id")
    actor = actor.strip()
    if actor:
        match = (
            Q(actor__email__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
        )
        if actor.isdigit():
            match |= Q(actor_id=int(actor))
        qs = qs.filter(match)
    if action.strip():
        qs = qs.filter(action__startswith=action.strip())
    if object_type is not None:
        qs = qs.filter(target_type=object_type)
    if object_id.strip():
        qs = qs.filter(target_id=object_id.strip())
    if date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs
