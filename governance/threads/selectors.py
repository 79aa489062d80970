"""Reads of the jardinier's door. A thread is visible to its author and to the
coordinators only: everyone else gets the same answer as for a thread that does not
exist (404)."""

import statistics
from datetime import timedelta

import rules
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from governance.models import Membership, MembershipStatus
from governance.threads.models import CoordinatorThread, ThreadMessage, ThreadStatus

UNANSWERED_CACHE_KEY = "governance:threads:unanswered"
UNANSWERED_CACHE_SECONDS = 300
MEDIAN_WINDOW_DAYS = 90


def thread_may_write(user) -> bool:
    """Pioneers (in the pioneers' college, candidates included) and members."""
    if not (user and user.is_authenticated):
        return False
    if rules.has_perm("governance.answer_threads", user):
        return True
    return Membership.objects.filter(
        user=user, status__in=(MembershipStatus.MEMBER, MembershipStatus.CANDIDATE)
    ).exists()


def thread_list_for(user, *, status: str | None = None) -> QuerySet[CoordinatorThread]:
    """The coordinator's inbox (every thread) or the author's own threads."""
    qs = CoordinatorThread.objects.select_related("author")
    if not rules.has_perm("governance.answer_threads", user):
        qs = qs.filter(author=user)
    if status:
        qs = qs.filter(status=status)
    if rules.has_perm("governance.answer_threads", user):
        # The inbox: open first (the oldest waiting first), then answered, then closed.
        from django.db.models import Case, IntegerField, Value, When

        rank = Case(
            When(status=ThreadStatus.OPEN, then=Value(0)),
            When(status=ThreadStatus.ANSWERED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return qs.annotate(rank=rank).order_by("rank", "last_message_at", "id")
    return qs.order_by("-last_message_at", "-id")


def thread_get_for(user, pk: int) -> CoordinatorThread | None:
    """The thread if this person may see it, else None (answered as 404)."""
    if not (user and user.is_authenticated):
        return None
    qs = CoordinatorThread.objects.select_related("author")
    if not rules.has_perm("governance.answer_threads", user):
        qs = qs.filter(author=user)
    return qs.filter(pk=pk).first()


def thread_messages(thread: CoordinatorThread) -> QuerySet[ThreadMessage]:
    return thread.messages.select_related("author").order_by("created_at", "id")


def message_get_for(user, pk: int) -> ThreadMessage | None:
    if not (user and user.is_authenticated):
        return None
    qs = ThreadMessage.objects.select_related("thread")
    if not rules.has_perm("governance.answer_threads", user):
        qs = qs.filter(thread__author=user)
    return qs.filter(pk=pk).first()


def unanswered_count() -> int:
    """Threads awaiting the coordinator: one cheap indexed COUNT, cached until a thread
    changes (the services forget it on commit)."""
    count = cache.get(UNANSWERED_CACHE_KEY)
    if count is None:
        count = CoordinatorThread.objects.filter(status=ThreadStatus.OPEN).count()
        cache.set(UNANSWERED_CACHE_KEY, count, UNANSWERED_CACHE_SECONDS)
    return count


def median_first_answer_minutes(*, now=None) -> int | None:
    """Median delay, in minutes, between a thread's opening and the coordinator's first
    answer, over the threads opened in the last 90 days (no names). None: no answer yet."""
    now = now or timezone.now()
    rows = CoordinatorThread.objects.filter(
        created_at__gte=now - timedelta(days=MEDIAN_WINDOW_DAYS), first_answer_at__isnull=False
    ).values_list("created_at", "first_answer_at")
    delays = [(answered - opened).total_seconds() / 60 for opened, answered in rows]
    if not delays:
        return None
    return round(statistics.median(delays))
