"""A project's stored concern count always equals its flags, for any sequence of flags
and withdrawals by any pioneers on several projects (repeats included)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import ConcernFlag, Project
from projects.services import concern_flag, concern_unflag
from tests.factories import ProjectFactory
from tests.locking import own_transaction

PIONEERS = 5
PROJECTS = 2

operations = st.lists(
    st.tuples(
        st.sampled_from(["flag", "unflag"]),
        st.integers(0, PIONEERS - 1),
        st.integers(0, PROJECTS - 1),
    ),
    max_size=30,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_concern_counts_equal_the_flags_for_any_sequence(pioneer_factory, ops):
    with own_transaction():
        pioneers = [pioneer_factory() for _ in range(PIONEERS)]
        projects = [ProjectFactory(status="submitted") for _ in range(PROJECTS)]
        model: list[set[int]] = [set() for _ in range(PROJECTS)]
        for action, who, which in ops:
            person, project = pioneers[who], projects[which]
            if action == "flag":
                _flag, created = concern_flag(actor=person, project=project)
                assert created == (person.pk not in model[which])
                model[which].add(person.pk)
            else:
                removed = concern_unflag(actor=person, project=project)
                assert removed == (person.pk in model[which])
                model[which].discard(person.pk)
            for index, stored in enumerate(projects):
                row = Project.objects.get(pk=stored.pk)
                flags = set(
                    ConcernFlag.objects.filter(project=stored).values_list("user_id", flat=True)
                )
                assert flags == model[index]
                assert row.concern_count == len(model[index])
                assert row.concern_share == pytest.approx(len(model[index]) / PIONEERS)
        transaction.set_rollback(True)
