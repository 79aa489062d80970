from decimal import Decimal

import pytest

from backend.core.models import AuditEvent
from governance import services
from governance.errors import GovernanceError
from governance.models import College
from governance.selectors import college_weights_check

pytestmark = pytest.mark.django_db


def test_create_college_records_who_did_it(coordinator):
    college = services.college_create(actor=coordinator, name="Habitants", vote_weight="12.5")
    assert college.slug == "habitants"
    assert college.vote_weight == Decimal("12.5")
    event = AuditEvent.objects.get(action="college.create")
    assert event.actor == coordinator
    assert event.target_id == str(college.pk)


@pytest.mark.parametrize(
    ("weight", "fragment"),
    [
        ("9.999", "entre 10"),
        ("50.001", "entre 10"),
        ("12.3456", "3 décimales"),
        ("abc", "nombre"),
        ("NaN", "nombre"),
        (None, "nombre"),
    ],
)
def test_weight_out_of_rules_is_refused_and_nothing_written(coordinator, weight, fragment):
    with pytest.raises(GovernanceError) as err:
        services.college_create(actor=coordinator, name="Habitants", vote_weight=weight)
    assert err.value.code == "invalid_weight"
    assert fragment in err.value.message
    assert not College.objects.exists()
    assert not AuditEvent.objects.exists()


def test_database_refuses_a_weight_out_of_range_whatever_the_code_path(colleges):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        College.objects.filter(slug="fondateurs").update(vote_weight=Decimal(60))


def test_duplicate_college_is_a_conflict(coordinator, colleges):
    with pytest.raises(GovernanceError) as err:
        services.college_create(actor=coordinator, name="Fondateurs", vote_weight=10)
    assert err.value.status_code == 409


def test_seed_colleges_are_valid_for_a_vote(colleges):
    check = college_weights_check()
    assert check.ok
    assert check.total == Decimal(100)
    services.colleges_assert_ready_for_vote()


def test_weights_not_summing_to_100_block_assembly_votes(coordinator, colleges):
    services.college_update(actor=coordinator, college=colleges["salaries"], vote_weight=15)
    with pytest.raises(GovernanceError) as err:
        services.colleges_assert_ready_for_vote()
    assert err.value.code == "colleges_invalid"
    assert "105 %" in err.value.message


def test_fewer_than_three_active_colleges_block_assembly_votes(coordinator):
    services.college_create(actor=coordinator, name="A", vote_weight=50)
    services.college_create(actor=coordinator, name="B", vote_weight=50)
    check = college_weights_check()
    assert check.total == Decimal(100)
    assert not check.ok
    assert "3 collèges actifs" in check.problems[0]


def test_inactive_colleges_do_not_count(coordinator, colleges):
    services.college_update(actor=coordinator, college=colleges["salaries"], is_active=False)
    check = college_weights_check()
    assert check.total == Decimal(90)
    assert check.active_count == 5


def test_update_refuses_unknown_fields(coordinator, colleges):
    with pytest.raises(GovernanceError):
        services.college_update(actor=coordinator, college=colleges["salaries"], slug="x")
    colleges["salaries"].refresh_from_db()
    assert colleges["salaries"].slug == "salaries"


def test_colleges_page_shows_the_current_sum(client, coordinator, colleges):
    services.college_update(actor=coordinator, college=colleges["salaries"], vote_weight="12.5")
    html = client.get("/membres/colleges/").content.decode()
    assert "102,5 %" in html or "102.5 %" in html
    assert "pas 100" in html
