"""One test per permission over every role (the adhocracy4 way, STYLE.md).

The rule itself is asked (``rules.has_perm``): ``User.has_perm`` adds Django's shortcut
for active superusers on top of it.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from backend.accounts.roles import coordinator_grant
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "visitor", "member", "pioneer", "author", "coordinator", "superuser")


@pytest.fixture
def people(colleges):
    member = UserFactory(email="membre@example.org")
    MembershipFactory(user=member, college=colleges["fondateurs"])
    pioneer = UserFactory(email="pionniere@example.org")
    MembershipFactory(user=pioneer, college=colleges["beneficiaires"])
    author = UserFactory(email="autrice@example.org")
    MembershipFactory(user=author, college=colleges["fondateurs"])
    coordinator = UserFactory(email="jardinier@example.org")
    coordinator_grant(user=coordinator)
    superuser = UserFactory(email="racine@example.org", is_superuser=True, is_staff=True)
    return {
        "anonymous": AnonymousUser(),
        "visitor": UserFactory(email="visiteur@example.org"),
        "member": member,
        "pioneer": pioneer,
        "author": author,
        "coordinator": coordinator,
        "superuser": superuser,
    }


def _project(people, status):
    project = ProjectFactory(status=status)
    project.authors.add(people["author"])
    return project


def _comment(people):
    from projects.models import Comment

    project = _project(people, "submitted")
    return Comment.objects.create(project=project, author=people["member"], body="Bonjour")


def _membership(people):
    from governance.models import Membership

    return Membership.objects.get(user=people["member"])


OBJECTS = {
    "draft": lambda people: _project(people, "draft"),
    "submitted": lambda people: _project(people, "submitted"),
    "comment": _comment,
    "member": lambda people: people["member"],
    "coordinator": lambda people: people["coordinator"],
    "membership": _membership,
    "none": lambda people: None,
}

Y, N = True, False

# permission, object, expected for ROLES in order
# (anonymous, visitor, member, pioneer, author, coordinator, superuser)
TABLE = [
    ("accounts.coordinate", "none", (N, N, N, N, N, Y, Y)),
    ("accounts.manage_personal_data", "member", (N, N, Y, N, N, Y, Y)),
    ("accounts.erase_account", "member", (Y, Y, Y, Y, Y, Y, Y)),
    ("accounts.erase_account", "coordinator", (N, N, N, N, N, N, Y)),
    ("governance.list_members", "none", (N, N, Y, Y, Y, Y, Y)),
    ("governance.see_member_details", "membership", (N, N, Y, N, N, Y, Y)),
    ("governance.manage_assemblies", "none", (N, N, N, N, N, Y, Y)),
    ("governance.answer_threads", "none", (N, N, N, N, N, Y, Y)),
    ("governance.override_vote_outcome", "none", (N, N, N, N, N, Y, Y)),
    ("governance.manage_representative_elections", "none", (N, N, N, N, N, Y, Y)),
    # Only active members of the electing college (the pioneers' by default).
    ("governance.stand_for_representative", "none", (N, N, N, Y, N, N, N)),
    ("commons.appoint_committee", "none", (N, N, N, N, N, Y, Y)),
    ("commons.correct_resource", "none", (N, N, N, N, N, Y, Y)),
    ("commons.decide_resource", "none", (N, N, N, N, N, Y, Y)),
    ("observatory.review_assessment", "none", (N, N, N, N, N, Y, Y)),
    ("observatory.publish_grid", "none", (N, N, N, N, N, Y, Y)),
    ("pioneers.see_private_cards", "none", (N, N, N, N, N, Y, Y)),
    ("marketplace.settle_exchange", "none", (N, N, N, N, N, Y, Y)),
    ("projects.see_project", "draft", (N, N, N, N, Y, Y, Y)),
    ("projects.see_project", "submitted", (Y, Y, Y, Y, Y, Y, Y)),
    ("projects.propose_project", "none", (N, N, Y, Y, Y, Y, Y)),
    ("projects.edit_project", "draft", (N, N, N, N, Y, Y, Y)),
    ("projects.transition_project", "draft", (N, N, N, N, Y, Y, Y)),
    ("projects.follow_up_project", "submitted", (N, N, N, N, Y, Y, Y)),
    ("projects.review_project", "submitted", (N, N, N, N, N, Y, Y)),
    ("projects.comment_project", "draft", (N, N, N, N, Y, Y, Y)),
    ("projects.comment_project", "submitted", (N, N, Y, Y, Y, Y, Y)),
    ("projects.report_comment", "comment", (N, N, Y, Y, Y, Y, Y)),
    ("projects.moderate_comment", "comment", (N, N, N, N, N, Y, Y)),
    # Only active pioneers (the coordinator and superusers are not, here).
    ("projects.flag_concern", "submitted", (N, N, N, Y, N, N, N)),
    ("projects.publish_ranking", "none", (N, N, N, N, N, Y, Y)),
]


@pytest.mark.parametrize(
    ("perm", "target", "expected"),
    TABLE,
    ids=[f"{perm}[{target}]" for perm, target, _ in TABLE],
)
def test_each_permission_over_every_role(people, perm, target, expected):
    obj = OBJECTS[target](people)
    got = tuple(rules.has_perm(perm, people[role], obj) for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_every_permission_declared_here_is_in_the_table():
    """A new rule without its row fails here."""
    from rules.permissions import permissions

    tested = {perm for perm, _, _ in TABLE}
    declared = {
        name
        for name in permissions
        if name.split(".")[0] in {"accounts", "projects"}
        or name
        in {
            "governance.list_members",
            "governance.see_member_details",
            "governance.manage_assemblies",
            "governance.answer_threads",
            "governance.manage_representative_elections",
            "governance.stand_for_representative",
            "commons.appoint_committee",
            "commons.correct_resource",
            "commons.decide_resource",
            "pioneers.see_private_cards",
            "marketplace.settle_exchange",
        }
    }
    assert declared <= tested


def test_an_inactive_membership_loses_the_member_rights(people):
    from governance.models import MembershipStatus

    membership = _membership(people)
    membership.status = MembershipStatus.EXCLUDED
    membership.save(update_fields=["status"])
    assert not rules.has_perm("projects.propose_project", people["member"])
    assert not rules.has_perm("governance.list_members", people["member"])
