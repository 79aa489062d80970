"""The digest's « Jardinier » section: the coordinator's answers to the person's threads."""

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from backend.core.digest import SECTION_LIMIT, DigestItem, DigestSection, digest_section_register
from governance.threads.models import CoordinatorThread


def thread_answers_items(user, since, until) -> list[DigestItem]:
    threads = (
        CoordinatorThread.objects.filter(
            author=user,
            messages__from_coordinator=True,
            messages__created_at__gte=since,
            messages__created_at__lt=until,
        )
        .annotate(answers=Count("messages"), last_answer=Max("messages__created_at"))
        .order_by("-last_answer", "-id")[:SECTION_LIMIT]
    )
    return [
        DigestItem(
            title=thread.subject,
            url=reverse("governance:thread_detail", kwargs={"pk": thread.pk}),
            note=ngettext(
                "%(count)d new answer from the jardinier",
                "%(count)d new answers from the jardinier",
                thread.answers,
            )
            % {"count": thread.answers},
        )
        for thread in threads
    ]


def register() -> None:
    digest_section_register(
        DigestSection(
            code="threads",
            title=gettext_lazy("Your threads with the jardinier"),
            items=thread_answers_items,
            position=50,
        )
    )
