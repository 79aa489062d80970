import re

import pytest
from django.core import mail

from backend.accounts.models import User
from governance import services
from governance.errors import GovernanceError
from governance.models import Membership, MembershipEvent, MembershipStatus, ShareSubscription

pytestmark = pytest.mark.django_db


def test_apply_then_admit_gives_a_number_and_history(
    user_factory, coordinator, colleges, django_capture_on_commit_callbacks
):
    person = user_factory(email="nouveau@example.org")
    membership = services.membership_apply(
        user=person, college=colleges["beneficiaires"], motivation="Un jardin partagé"
    )
    assert membership.status == MembershipStatus.CANDIDATE
    assert membership.number is None

    with django_capture_on_commit_callbacks(execute=True):
        admitted = services.membership_admit(
            actor=coordinator,
            membership=membership,
            college=colleges["fondateurs"],
            note="Bienvenue",
        )
    assert admitted.status == MembershipStatus.MEMBER
    assert admitted.number == 1
    assert admitted.college == colleges["fondateurs"]
    kinds = list(
        MembershipEvent.objects.filter(membership=admitted).values_list(
            "kind", "from_value", "to_value"
        )
    )
    assert kinds == [
        ("status", "", "candidate"),
        ("college", "beneficiaires", "fondateurs"),
        ("status", "candidate", "member"),
    ]
    assert mail.outbox[-1].to == ["nouveau@example.org"]
    assert "Bienvenue" in mail.outbox[-1].body


def test_numbers_follow_each_other(user_factory, coordinator, colleges):
    numbers = []
    for _i in range(3):
        m = services.membership_apply(user=user_factory(), college=colleges["salaries"])
        numbers.append(services.membership_admit(actor=coordinator, membership=m).number)
    assert numbers == [1, 2, 3]


def test_applying_twice_is_a_conflict(user_factory, colleges):
    person = user_factory()
    services.membership_apply(user=person, college=colleges["salaries"])
    with pytest.raises(GovernanceError) as err:
        services.membership_apply(user=person, college=colleges["fondateurs"])
    assert err.value.status_code == 409
    assert Membership.objects.get(user=person).college == colleges["salaries"]


def test_organisation_needs_a_name(user_factory, colleges):
    with pytest.raises(GovernanceError) as err:
        services.membership_apply(
            user=user_factory(), college=colleges["collectivites"], kind="organisation"
        )
    assert err.value.code == "organisation_name_required"
    assert not Membership.objects.exists()


def test_decline_needs_a_reason_and_emails_it(
    user_factory, coordinator, colleges, django_capture_on_commit_callbacks
):
    m = services.membership_apply(
        user=user_factory(email="c@example.org"), college=colleges["salaries"]
    )
    with pytest.raises(GovernanceError):
        services.membership_decline(actor=coordinator, membership=m, note="  ")
    m.refresh_from_db()
    assert m.status == MembershipStatus.CANDIDATE
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_decline(actor=coordinator, membership=m, note="Dossier incomplet")
    m.refresh_from_db()
    assert m.status == MembershipStatus.DECLINED
    assert "Dossier incomplet" in mail.outbox[-1].body


def test_resign_and_reinstate_keep_a_dated_history(coordinator, member):
    m = member.membership
    services.membership_change_status(actor=coordinator, membership=m, status="resigned")
    m.refresh_from_db()
    assert m.status == "resigned"
    assert m.left_on is not None
    services.membership_change_status(actor=coordinator, membership=m, status="member")
    m.refresh_from_db()
    assert m.left_on is None
    assert m.events.filter(kind="status").count() == 2


def test_exclusion_needs_a_reason(coordinator, member):
    with pytest.raises(GovernanceError) as err:
        services.membership_change_status(
            actor=coordinator, membership=member.membership, status="excluded"
        )
    assert err.value.code == "note_required"


def test_impossible_status_move_is_refused(coordinator, member):
    with pytest.raises(GovernanceError) as err:
        services.membership_change_status(
            actor=coordinator, membership=member.membership, status="candidate"
        )
    assert err.value.code == "invalid_status_change"


def test_change_college_is_recorded(coordinator, member, colleges):
    services.membership_change_college(
        actor=coordinator,
        membership=member.membership,
        college=colleges["salaries"],
        note="Embauche",
    )
    event = member.membership.events.get(kind="college")
    assert (event.from_value, event.to_value, event.note) == ("fondateurs", "salaries", "Embauche")


def test_member_create_makes_person_membership_shares_and_invitation(
    client, coordinator, colleges, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_create(
            actor=coordinator,
            email="Invite@Example.org",
            name="Jeanne Dupont",
            college=colleges["fournisseurs"],
            shares=3,
        )
    user = membership.user
    assert user.email == "invite@example.org"
    assert (user.first_name, user.last_name) == ("Jeanne", "Dupont")
    assert not user.has_usable_password()
    assert membership.status == "member"
    assert membership.number == 1
    sub = ShareSubscription.objects.get(membership=membership)
    assert (sub.quantity, sub.unit_value_cents, sub.paid_on) == (3, 5000, None)
    assert membership.shares_held == 0  # subscribed, not paid yet

    # the invitation link lets the person choose a password
    link = re.search(
        r"http://127.0.0.1:8000(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body
    )
    assert link, mail.outbox[-1].body
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "Un-Nouveau-Mot-2026", "password2": "Un-Nouveau-Mot-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-Nouveau-Mot-2026")


def test_member_create_with_an_existing_email_writes_nothing(coordinator, member, colleges):
    before = (User.objects.count(), Membership.objects.count(), ShareSubscription.objects.count())
    with pytest.raises(GovernanceError) as err:
        services.member_create(
            actor=coordinator, email="MEMBRE@example.org", name="X", college=colleges["salaries"]
        )
    assert err.value.code == "duplicate_email"
    assert (
        User.objects.count(),
        Membership.objects.count(),
        ShareSubscription.objects.count(),
    ) == before


def test_member_create_with_no_share_is_refused(coordinator, colleges):
    with pytest.raises(GovernanceError) as err:
        services.member_create(
            actor=coordinator,
            email="z@example.org",
            name="Z",
            college=colleges["salaries"],
            shares=0,
        )
    assert err.value.code == "invalid_shares"
    assert not User.objects.filter(email="z@example.org").exists()
