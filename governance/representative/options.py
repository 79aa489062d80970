"""The ``representative`` kind of vote option: a candidacy (governance/votes/subjects.py)."""

from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext as _

from governance.representative.models import Candidacy
from governance.representative.services import KIND, election_outcome_apply
from governance.votes.subjects import OptionProvider, Subject, option_provider_register


def _resolve(refs: Collection[int]) -> dict[int, Subject]:
    rows = Candidacy.objects.filter(pk__in=refs).select_related("membership__user", "election")
    return {
        c.pk: Subject(
            kind=KIND,
            ref=c.pk,
            title=c.membership.display_name,
            url=reverse("governance:representative_detail", kwargs={"pk": c.election_id})
            + f"#candidacy-{c.pk}",
            eligible=c.withdrawn_at is None and c.election.vote_id is None,
        )
        for c in rows
    }


def register() -> None:
    option_provider_register(
        OptionProvider(
            kind=KIND,
            resolve=_resolve,
            # Candidates are put to the vote from their election's page, never by hand.
            candidates=lambda: [],
            unknown_message=lambda ref: _("Candidacy %(id)s does not exist.") % {"id": ref},
            ineligible_message=lambda s: (
                _("The candidacy of %(name)s is not standing.") % {"name": s.title}
            ),
            duplicate_message=lambda: _("A candidate is listed twice."),
            # The close gives the winner their mandate; the pioneers elect, no override.
            outcome_apply=election_outcome_apply,
            overridable=False,
        )
    )
