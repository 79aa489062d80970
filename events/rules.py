"""Who sees an event and who may register or organise (django-rules predicates)."""

import rules
from django.db.models import Q

from backend.accounts.roles import is_coordinator, user_is_coordinator
from events.models import (
    ACTIVE_REGISTRATION,
    Event,
    EventStatus,
    EventVisibility,
    Registration,
)
from projects.roles import is_active_member


def event_visible_q(user) -> Q:
    """The events a person may see, as one filter (the lists, the API and the feeds use it)."""
    public = Q(visibility=EventVisibility.PUBLIC)
    if not user or not user.is_authenticated:
        return public
    if user_is_coordinator(user):
        return Q()
    seen = public | Q(
        pk__in=Registration.objects.filter(ACTIVE_REGISTRATION, user=user).values("event_id")
    )
    seen |= Q(visibility=EventVisibility.PROJECT_TEAM, project__authors=user)
    if is_active_member(user):
        seen |= Q(visibility=EventVisibility.MEMBERS)
    return seen


@rules.predicate
def can_see_event(user, event: Event | None) -> bool:
    if event is None:
        return False
    return Event.objects.filter(event_visible_q(user), pk=event.pk).exists()


@rules.predicate
def is_open_for_registration(user, event: Event | None) -> bool:
    return event is not None and event.status == EventStatus.SCHEDULED


rules.add_perm("events.view_event", can_see_event)
rules.add_perm(
    "events.register_event", rules.is_authenticated & can_see_event & is_open_for_registration
)
rules.add_perm("events.manage_event", is_coordinator)
