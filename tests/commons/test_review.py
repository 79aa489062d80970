"""The editorial committee: seats, the review grid, decisions with reasons."""

import pytest

from backend.core.models import AuditEvent
from commons.errors import CommonsError
from commons.models import (
    CommitteeMember,
    Resource,
    ResourceDecision,
    ResourceStatus,
    Review,
)
from commons.services.committee import (
    committee_member_appoint,
    committee_member_end,
    committee_session_create,
    resource_decide,
    review_submit,
)
from commons.services.resources import resource_revise
from tests.commons.conftest import marks, resource_input, review

pytestmark = pytest.mark.django_db


def test_a_suggestion_is_proposed_and_audited(suggest, author):
    resource = suggest()
    assert resource.status == ResourceStatus.PROPOSED
    assert resource.licence == "CC-BY-SA-4.0"
    assert resource.submitted_by == author
    assert AuditEvent.objects.filter(action="commons.resource_suggest").count() == 1


def test_publication_with_two_passing_reviews(suggest, committee):
    resource = suggest()
    review(resource, committee[0])
    review(resource, committee[1])
    decision = resource_decide(
        actor=committee[2], resource=resource, outcome="published", reasons="Sourcé et utile."
    )
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.published_at is not None
    assert decision.reasons == "Sourcé et utile."


def test_one_review_is_not_enough_and_nothing_changes(suggest, committee):
    resource = suggest()
    review(resource, committee[0])
    with pytest.raises(CommonsError) as err:
        resource_decide(actor=committee[1], resource=resource, outcome="published", reasons="Ok")
    assert err.value.code == "not_enough_reviews"
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PROPOSED
    assert not ResourceDecision.objects.exists()


def test_publication_without_passing_scientific_robustness_is_refused(suggest, committee):
    resource = suggest()
    review(resource, committee[0], science=3)
    review(resource, committee[1], science=1)  # « Insuffisant »
    with pytest.raises(CommonsError) as err:
        resource_decide(actor=committee[2], resource=resource, outcome="published", reasons="Ok")
    assert err.value.code == "scientific_robustness"
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PROPOSED
    assert resource.published_at is None
    assert not ResourceDecision.objects.exists()
    # … but it can still be sent back to revise.
    resource_decide(
        actor=committee[2], resource=resource, outcome="to_revise", reasons="Sourcer les chiffres."
    )
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.TO_REVISE


def test_revision_opens_a_new_round_where_old_reviews_do_not_count(suggest, committee, author):
    resource = suggest()
    review(resource, committee[0], science=1, recommendation="revise")
    review(resource, committee[1], science=1, recommendation="revise")
    resource_decide(actor=committee[2], resource=resource, outcome="to_revise", reasons="Sources.")
    resource = resource_revise(
        actor=author, resource=resource, data=resource_input(summary="Avec les sources.")
    )
    assert resource.status == ResourceStatus.PROPOSED
    assert resource.review_round == 2
    with pytest.raises(CommonsError) as err:
        resource_decide(actor=committee[2], resource=resource, outcome="published", reasons="Ok")
    assert err.value.code == "not_enough_reviews"
    review(resource, committee[0])
    review(resource, committee[1])
    resource_decide(actor=committee[2], resource=resource, outcome="published", reasons="Ok")
    assert Resource.objects.get(pk=resource.pk).status == ResourceStatus.PUBLISHED


def test_only_committee_members_review_and_never_their_own(suggest, committee, author, member):
    resource = suggest()
    with pytest.raises(CommonsError) as err:
        review_submit(actor=member, resource=resource, marks=marks(), recommendation="publish")
    assert err.value.code == "forbidden"
    own = Resource.objects.get(pk=resource.pk)
    own.submitted_by = committee[0]
    own.save(update_fields=["submitted_by"])
    with pytest.raises(CommonsError):
        review(own, committee[0])
    assert not Review.objects.exists()


def test_every_criterion_must_be_marked_on_its_levels(suggest, committee):
    resource = suggest()
    incomplete = marks()
    incomplete.popitem()
    with pytest.raises(CommonsError) as err:
        review_submit(
            actor=committee[0], resource=resource, marks=incomplete, recommendation="publish"
        )
    assert err.value.errors
    off_grid = dict.fromkeys(marks(), 7)
    with pytest.raises(CommonsError):
        review_submit(
            actor=committee[0], resource=resource, marks=off_grid, recommendation="publish"
        )
    assert not Review.objects.exists()


def test_a_second_review_by_the_same_member_replaces_the_first(suggest, committee):
    resource = suggest()
    review(resource, committee[0], science=1)
    review(resource, committee[0], science=3)
    assert Review.objects.count() == 1
    with pytest.raises(CommonsError):
        resource_decide(actor=committee[1], resource=resource, outcome="published", reasons="x")


def test_a_decision_needs_reasons_and_a_proposed_resource(suggest, committee):
    resource = suggest()
    review(resource, committee[0])
    review(resource, committee[1])
    with pytest.raises(CommonsError) as err:
        resource_decide(actor=committee[2], resource=resource, outcome="refused", reasons="  ")
    assert "reasons" in err.value.errors
    resource_decide(actor=committee[2], resource=resource, outcome="refused", reasons="Hors sujet")
    with pytest.raises(CommonsError) as err:
        resource_decide(actor=committee[2], resource=resource, outcome="published", reasons="x")
    assert err.value.code == "not_proposed"


def test_seats_are_limited(settings, coordinator, user_factory):
    settings.COMMONS_COMMITTEE_MAX_SEATS = 2
    committee_member_appoint(actor=coordinator, user=user_factory())
    second = committee_member_appoint(actor=coordinator, user=user_factory())
    with pytest.raises(CommonsError) as err:
        committee_member_appoint(actor=coordinator, user=user_factory())
    assert err.value.code == "no_seat"
    committee_member_end(actor=coordinator, member=second)
    committee_member_appoint(actor=coordinator, user=user_factory())
    assert CommitteeMember.objects.filter(ended_at__isnull=True).count() == 2


def test_only_the_coordinator_appoints(member, user_factory):
    with pytest.raises(CommonsError):
        committee_member_appoint(actor=member, user=user_factory())
    assert not CommitteeMember.objects.exists()


def test_a_session_is_quarterly_and_takes_the_proposed_resources(suggest, committee):
    first, second = suggest(), suggest(title="Autre")
    session = committee_session_create(actor=committee[0])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.session == session
    assert second.session == session
    following = committee_session_create(actor=committee[0])
    months = (following.held_on.year - session.held_on.year) * 12 + (
        following.held_on.month - session.held_on.month
    )
    assert months == 3
    # A new suggestion goes on the next session's agenda.
    assert suggest(title="Troisième").session == session
