"""The digest's « Votes » section: votes opened in the period or closing soon."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.digest import SECTION_LIMIT, DigestItem, DigestSection, digest_section_register
from governance.votes.models import VoteStatus
from governance.votes.selectors import vote_list_for


def votes_items(user, since, until) -> list[DigestItem]:
    soon = until + (until - since)
    votes = (
        vote_list_for(user=user)
        .filter(
            Q(opens_at__gte=since, opens_at__lt=until)
            | Q(status=VoteStatus.OPEN, closes_at__gte=until, closes_at__lt=soon)
        )
        .order_by("closes_at", "id")[:SECTION_LIMIT]
    )
    items = []
    for vote in votes:
        if not getattr(vote, "in_electorate", True):
            continue
        when = formats.date_format(vote.closes_at, "SHORT_DATETIME_FORMAT")
        items.append(
            DigestItem(
                title=vote.title,
                url=reverse("governance:vote_detail", kwargs={"pk": vote.pk}),
                note=_("closes %(when)s") % {"when": when},
            )
        )
    return items


def register() -> None:
    digest_section_register(
        DigestSection(code="votes", title=gettext_lazy("Votes"), items=votes_items, position=20)
    )
