"""The committee's seats: never more members than the setting, even appointed at once."""

import pytest

from commons.errors import CommonsError
from commons.models import CommitteeMember
from commons.services.committee import committee_member_appoint
from tests.concurrency import run_concurrently


@pytest.mark.django_db
def test_the_last_seat_taken_refuses_the_next_and_writes_nothing(
    settings, coordinator, user_factory
):
    settings.COMMONS_COMMITTEE_MAX_SEATS = 1
    committee_member_appoint(actor=coordinator, user=user_factory())
    with pytest.raises(CommonsError) as err:
        committee_member_appoint(actor=coordinator, user=user_factory())
    assert err.value.code == "no_seat"
    assert CommitteeMember.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appointments_never_exceed_the_seats(settings, coordinator, user_factory):
    settings.COMMONS_COMMITTEE_MAX_SEATS = 3
    people = [user_factory() for _ in range(8)]

    def appoint(person):
        return lambda: committee_member_appoint(actor=coordinator, user=person)

    results = run_concurrently([appoint(person) for person in people])
    refused = [r for r in results if isinstance(r, CommonsError)]
    assert CommitteeMember.objects.filter(ended_at__isnull=True).count() == 3
    assert len(refused) == 5
    assert {r.code for r in refused} == {"no_seat"}
