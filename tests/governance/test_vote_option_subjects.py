"""Vote options refer to projects through the "project" option provider (kind and id),
not a foreign key: the registry, the protection a foreign key gave, and the migration
that moves a database's existing links (issue 19)."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.utils import timezone

from governance.votes import services
from governance.votes.models import VoteOption
from governance.votes.subjects import option_provider, subjects_attach
from projects.models import Project

DAY = timezone.timedelta(days=1)


def _vote(coordinator, *projects):
    now = timezone.now()
    return services.vote_create(
        actor=coordinator,
        title="Projets",
        method="approval",
        options=[services.OptionInput(label="Libre")]
        + [services.OptionInput.project(p.pk) for p in projects],
        opens_at=now,
        closes_at=now + DAY,
    )


@pytest.mark.django_db
def test_the_projects_app_registers_the_project_provider():
    provider = option_provider("project")
    assert provider is not None
    accepted = Project.objects.create(title="Four", slug="four", status="accepted_for_vote")
    draft = Project.objects.create(title="Brouillon", slug="brouillon")
    found = provider.resolve({accepted.pk, draft.pk, 999_999})
    assert set(found) == {accepted.pk, draft.pk}
    assert found[accepted.pk].eligible
    assert not found[draft.pk].eligible
    assert found[accepted.pk].url == accepted.get_absolute_url()
    assert [s.ref for s in provider.candidates()] == [accepted.pk]
    # Issue 15: the projects app fills the outcome hook (tests/projects/test_vote_outcome.py).
    assert provider.outcome_apply is not None


@pytest.mark.django_db
def test_subjects_are_attached_in_one_query_per_kind(
    coordinator, colleges, django_assert_num_queries
):
    projects = [
        Project.objects.create(title=f"P{i}", slug=f"p{i}", status="accepted_for_vote")
        for i in range(3)
    ]
    vote = _vote(coordinator, *projects)
    options = list(VoteOption.objects.filter(vote=vote))
    with django_assert_num_queries(1):
        subjects_attach(options)
    titles = {o.label: (o.subject.title if o.subject else None) for o in options}
    assert titles == {"Libre": None, "P0": "P0", "P1": "P1", "P2": "P2"}


@pytest.mark.django_db
def test_a_project_a_vote_is_about_cannot_be_deleted(coordinator, colleges):
    project = Project.objects.create(title="Four", slug="four", status="accepted_for_vote")
    _vote(coordinator, project)
    with pytest.raises(ProtectedError), transaction.atomic():
        project.delete()
    assert Project.objects.filter(pk=project.pk).exists()
    free = Project.objects.create(title="Libre", slug="libre")
    free.delete()
    assert not Project.objects.filter(pk=free.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_project_links_of_a_database_migrated_before():
    """A database migrated before the change has governance_voteoption.project_id: go back
    before 0004, put the legacy column back with links, migrate: the links are kept."""
    executor = MigrationExecutor(connection)
    executor.migrate([("governance", "0003_merge_0002_assemblies_0002_votes")])
    project = Project.objects.create(title="Four", slug="four", status="selected")
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE governance_voteoption ADD COLUMN project_id bigint NULL "
            "REFERENCES projects_project (id)"
        )
        cursor.execute(
            "INSERT INTO governance_vote (title, description, method, grades, secret, "
            "pioneers_only, opens_at, closes_at, status, opened_at, closed_at, created_at, "
            "updated_at) VALUES ('V', '', 'approval', '[]', %s, %s, %s, %s, 'open', %s, %s, "
            "%s, %s)",
            [True, False, timezone.now() - 2 * DAY, timezone.now() - DAY, *[timezone.now()] * 4],
        )
        cursor.execute("SELECT id FROM governance_vote WHERE title = 'V'")
        vote_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO governance_voteoption (vote_id, label, position, project_id) "
            "VALUES (%s, 'Four', 0, %s), (%s, 'Libre', 1, NULL)",
            [vote_id, project.pk, vote_id],
        )
        # Closed: on PostgreSQL its options are append-only (trigger), the move still runs.
        cursor.execute("UPDATE governance_vote SET status = 'closed' WHERE id = %s", [vote_id])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "governance_voteoption")
        }
    assert "project_id" not in columns
    rows = dict(VoteOption.objects.filter(vote_id=vote_id).values_list("label", "subject_id"))
    assert rows == {"Four": project.pk, "Libre": None}
    linked = VoteOption.objects.get(vote_id=vote_id, label="Four")
    assert (linked.subject_kind, linked.project_ref) == ("project", project.pk)
