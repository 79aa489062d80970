"""One cooperative shared by the security tests of a module, built once and rolled back.

The demo cooperative (``seed_demo``) gives one object of every kind in every state
(projects, votes, assemblies, listings, exchanges, contributions, funds, accounts...);
on top of it, one person per role of the permission matrix, each with a session.
Every test still runs in its own savepoint (``db``), so what a request writes is undone.
"""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.test.utils import override_settings

from tests.conftest import SEED_COLLEGES

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The roles of the matrix, in the order they are reported.
ROLES = (
    "visitor",  # anonymous
    "account",  # logged in, not a member
    *(f"member-{slug}" for slug, *_rest in SEED_COLLEGES),
    "pioneer",  # member of the pioneers' college with a pioneer profile
    "unmet",  # member with unmet duties (no paid share, charter not accepted)
    "coordinator",
    "superuser",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no entry for the visitor)
    sessions: dict = field(default_factory=dict)  # role -> session cookie value
    objects: dict = field(default_factory=dict)  # name -> object filling URL kwargs
    handlers: dict = field(default_factory=dict)  # api? -> the clients' shared handler

    def client(self, role: str, *, api: bool = False):
        from rest_framework.test import APIClient

        client = APIClient() if api else Client()
        # A fresh client per request, but one request handler per kind of client: each new
        # handler loads the middleware again, and WhiteNoise's rescans every static file
        # (two thirds of the matrix's time).
        shared = self.handlers.setdefault(api, client.handler)
        client.handler = shared
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def _build_world() -> World:
    from allauth.account.models import EmailAddress

    from backend.accounts.models import User
    from backend.accounts.roles import coordinator_grant
    from governance.models import Charter, College
    from governance.services import charter_accept
    from tests.factories import MembershipFactory, PioneerFactory, UserFactory

    call_command("seed_demo", stdout=_Silent())
    world = World()
    colleges = {c.slug: c for c in College.objects.all()}
    charter = Charter.objects.filter(published_at__isnull=False).order_by("-version").first()
    number = 9000

    def member(role: str, college_slug: str, *, shares: int = 1, charter_ok: bool = True):
        nonlocal number
        number += 1
        user = UserFactory(email=f"{role}@matrix.example.org")
        membership = MembershipFactory(
            user=user, college=colleges[college_slug], number=number, shares=shares
        )
        if charter_ok and charter is not None:
            charter_accept(membership=membership, charter=charter)
        world.users[role] = user
        return user

    world.users["account"] = UserFactory(email="account@matrix.example.org")
    for slug, *_rest in SEED_COLLEGES:
        member(f"member-{slug}", slug)
    pioneer = member("pioneer", "beneficiaires")
    PioneerFactory(user=pioneer, display_name="Pionnière de la matrice")
    member("unmet", "fondateurs", shares=0, charter_ok=False)
    coordinator = UserFactory(email="coordinator@matrix.example.org")
    coordinator_grant(user=coordinator)
    world.users["coordinator"] = coordinator
    superuser = UserFactory(email="superuser@matrix.example.org")
    User.objects.filter(pk=superuser.pk).update(is_staff=True, is_superuser=True)
    superuser.refresh_from_db()
    world.users["superuser"] = superuser
    assert EmailAddress.objects.filter(user__in=world.users.values(), verified=True).count() == len(
        world.users
    )

    world.objects = _objects(world)
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


def _event_objects() -> dict:
    from backend.accounts.models import User
    from backend.core.digest import unsubscribe_token
    from events.models import Event
    from events.services import calendar_token_regenerate

    demo = User.objects.get(email="lea.associee@terreau.coop")
    return {
        "event": Event.objects.filter(visibility="public", status="scheduled")
        .order_by("pk")
        .first(),
        "event_members": Event.objects.filter(visibility="members", status="scheduled")
        .order_by("pk")
        .first(),
        "calendar_token": calendar_token_regenerate(user=demo),
        "digest_token": unsubscribe_token(demo),
    }


def _objects(world: World) -> dict:
    """One object of each kind, owned by people of the demo (not by the roles)."""
    from django.contrib.contenttypes.models import ContentType

    from commons.models import CommitteeMember, Entry, Resource
    from governance.models import (
        Assembly,
        CoordinatorThread,
        Membership,
        Resolution,
        ThreadMessage,
        Vote,
    )
    from marketplace.models import Contribution, Exchange, Listing, TimeAccount, TimeTransfer
    from pioneers.models import Application, ImportJob, Pioneer
    from projects.models import Comment, Milestone, Project

    mine = [u.pk for u in world.users.values()]
    others = Membership.objects.filter(status="member").exclude(user__in=mine)
    other = others.filter(time_account__isnull=False).order_by("pk").first()
    coordinator = world.users["coordinator"]
    comment = Comment.objects.select_related("project").order_by("pk").first()
    milestone = Milestone.objects.select_related("project").order_by("pk").first()
    pioneer = Pioneer.objects.exclude(user__in=mine).filter(user__isnull=False).first()
    return {
        "membership": other,
        "assembly": Assembly.objects.filter(status="convened").first(),
        "assembly_closed": Assembly.objects.filter(status="closed").first(),
        "resolution": Resolution.objects.filter(status="closed").first(),
        "resolution_draft": Resolution.objects.filter(status="draft").first(),
        "vote": Vote.objects.filter(status="open").first(),
        "vote_closed": Vote.objects.filter(status="closed").first(),
        "project": Project.objects.filter(status="selected").order_by("pk").first(),
        "project_draft": Project.objects.filter(status="draft").first(),
        "project_in_review": Project.objects.filter(status="in_review").first(),
        "comment": comment,
        "milestone": milestone,
        "application": Application.objects.filter(status="submitted").first(),
        "import_job": ImportJob.objects.create(
            original_name="pionniers.csv", created_by=coordinator, status="done"
        ),
        "pioneer": pioneer,
        "pioneer_imported": Pioneer.objects.filter(user__isnull=True).first(),
        "contribution": Contribution.objects.filter(status="paid").order_by("pk").first(),
        "contribution_pending": Contribution.objects.filter(status="pending").first(),
        "account": TimeAccount.objects.get(owner_member=other),
        "transfer": TimeTransfer.objects.order_by("pk").first(),
        "listing": Listing.objects.exclude(owner__user__in=mine).order_by("pk").first(),
        "exchange": Exchange.objects.filter(status="accepted").first(),
        "exchange_proposed": Exchange.objects.filter(status="proposed").first(),
        "content_type": ContentType.objects.get_for_model(Project),
        **_event_objects(),
        "thread": CoordinatorThread.objects.exclude(author__in=mine).order_by("pk").first(),
        "thread_message": ThreadMessage.objects.exclude(thread__author__in=mine)
        .order_by("pk")
        .first(),
        "resource": Resource.objects.filter(status="published").order_by("pk").first(),
        "resource_proposed": Resource.objects.filter(status="proposed").order_by("pk").first(),
        "resource_refused": Resource.objects.filter(status="refused").order_by("pk").first(),
        "entry": Entry.objects.filter(status="visible").order_by("pk").first(),
        "entry_hidden": Entry.objects.filter(status="hidden").order_by("pk").first(),
        "committee_member": CommitteeMember.objects.order_by("pk").first(),
        "assessment": _assessment_of(world.users["pioneer"]),
    }


def _assessment_of(user):
    """A submitted self-assessment of the "pioneer" role's profile."""
    from django.utils import timezone

    from observatory.models import Assessment
    from observatory.services import grid_default_ensure
    from pioneers.models import Pioneer

    return Assessment.objects.create(
        grid=grid_default_ensure(),
        year=timezone.localdate().year,
        pioneer=Pioneer.objects.get(user=user),
        status="submitted",
    )


class _Silent:
    def write(self, *_args, **_kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo cooperative plus one person per role, for the whole module.

    Built inside a transaction that is rolled back when the module ends, so no other
    test module ever sees it; each test's own savepoint sits inside it."""
    from backend.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        try:
            yield _build_world()
        finally:
            for alias, atomic in reversed(atomics.items()):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
            celery_app.conf.task_always_eager = eager


FIGURES: list[str] = []  # lines the security tests add to pytest's summary


def pytest_terminal_summary(terminalreporter) -> None:
    for line in FIGURES:
        terminalreporter.write_line(line)
