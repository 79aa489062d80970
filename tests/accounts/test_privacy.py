"""Personal data (RGPD): the export of everything held about a person, and erasure that
keeps the ledgers, the share register and the votes intact."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.accounts import privacy
from backend.accounts.models import User
from backend.core.models import AuditEvent
from governance.models import (
    Assembly,
    Attendance,
    Ballot,
    CharterAcceptance,
    Membership,
    Proxy,
    VoteResult,
)
from governance.selectors import capital_register
from governance.services import charter_accept, charter_publish
from governance.votes import services as vote_services
from marketplace.models import Contribution, ExchangeMessage, Listing, TimeAccount
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.services.contributions import contribution_manual_create
from marketplace.services.exchanges import exchange_message_post
from marketplace.services.funds import funds_integrity_problems
from marketplace.services.ledger import time_account_for_member, time_transfer_create
from pioneers.models import Application, Pioneer
from pioneers.services import admission, profiles
from projects.models import Comment, ConcernFlag
from projects.services.concern import concern_flag
from projects.services.discussion import comment_create
from tests.factories import (
    PASSWORD,
    ExchangeFactory,
    ListingFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.governance.votes_helpers import a_valid_ballot, make_vote
from tests.pioneers.conftest import image_bytes

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(colleges, coordinator):
    """A pioneer and member who has done a bit of everything on the platform."""
    user = UserFactory(email="alice@example.org", first_name="Alice", last_name="Martin")
    membership = MembershipFactory(
        user=user, college=colleges["beneficiaires"], shares=2, motivation="J'aime le sol."
    )
    bob_m = MembershipFactory(
        user=UserFactory(email="bob@example.org"), college=colleges["fondateurs"], shares=1
    )
    charter = charter_publish(actor=coordinator, title="Charte", text="Soyons justes.")
    charter_accept(membership=membership, charter=charter)
    admission.application_submit(
        user=user,
        display_name="Alice Martin",
        solution_title="Compost partagé",
        solution_description="Des bacs dans chaque rue.",
        motivation="Pour mon quartier.",
    )
    pioneer = profiles.pioneer_create(
        actor=user,
        user=user,
        display_name="Alice Martin",
        solution_title="Compost partagé",
        solution_description="Des bacs dans chaque rue.",
        skills=["compostage"],
    )
    profiles.pioneer_photo_set(
        actor=user, pioneer=pioneer, upload=SimpleUploadedFile("a.png", image_bytes())
    )
    project = ProjectFactory(title="Jardin partagé", created_by=user)
    project.authors.add(user)
    comment_create(actor=user, project=project, body="Je peux aider le samedi.")
    concern_flag(actor=user, project=project)
    assembly = Assembly.objects.create(
        title="AG 2026", date=timezone.now() + 10 * DAY, status="convened"
    )
    Attendance.objects.create(assembly=assembly, membership=membership)
    Proxy.objects.create(assembly=assembly, giver=membership, holder=bob_m)
    secret_vote = make_vote(coordinator, secret=True)
    public_vote = make_vote(coordinator, secret=False, options=("Oui", "Non", "Peut-être"))
    vote_services.vote_cast(user=user, vote=secret_vote, **a_valid_ballot(secret_vote))
    vote_services.vote_cast(user=bob_m.user, vote=secret_vote, **a_valid_ballot(secret_vote))
    vote_services.vote_cast(user=user, vote=public_vote, **a_valid_ballot(public_vote))
    alice_account = time_account_for_member(membership=membership)
    bob_account = time_account_for_member(membership=bob_m)
    time_transfer_create(actor=user, payer=alice_account, payee=bob_account, minutes=90)
    listing = ListingFactory(owner=membership, title="Atelier compost")
    exchange = ExchangeFactory(listing=listing, responder=bob_m)
    exchange_message_post(actor=user, exchange=exchange, body="Rendez-vous samedi ?")
    exchange_message_post(actor=bob_m.user, exchange=exchange, body="Oui, 10 h.")
    contribution_manual_create(
        actor=coordinator,
        project=None,
        method="cash",
        amount_cents=2500,
        received_on=timezone.localdate(),
        reference="CASH-ALICE",
        email="alice@example.org",
        name="Alice Martin",
        message="Merci !",
        public=True,
    )
    user.test_votes = (secret_vote, public_vote)
    return user


def _archive(user) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(privacy.personal_data_archive(actor=user, user=user)))


def test_the_archive_holds_every_kind_of_data_as_json_and_csv(alice):
    # when
    archive = _archive(alice)
    # then
    data = json.loads(archive.read("data.json"))
    assert data["account"]["account"][0]["email"] == "alice@example.org"
    gov = data["governance"]
    assert gov["membership"][0]["shares_held"] == 2
    assert gov["membership"][0]["motivation"] == "J'aime le sol."
    assert len(gov["share_subscriptions"]) == 1
    assert gov["charter_acceptances"][0]["title"] == "Charte"
    assert gov["proxies"][0]["role"] == "giver"
    assert len(gov["assembly_attendances"]) == 1
    assert {p["secret"] for p in gov["votes_taken_part_in"]} == {True, False}
    # Only the public vote's ballot is there; the secret one is just "voted".
    assert len(gov["public_ballots"]) == 1
    assert len(gov["public_ballots"][0]["entries"]) == 3
    pio = data["pioneers"]
    assert pio["pioneer_profile"][0]["solution_title"] == "Compost partagé"
    assert pio["pioneer_profile"][0]["skills"] == ["compostage"]
    assert pio["pioneer_applications"][0]["motivation"] == "Pour mon quartier."
    proj = data["projects"]
    assert proj["projects_authored"][0]["title"] == "Jardin partagé"
    assert proj["comments"][0]["body"] == "Je peux aider le samedi."
    assert proj["concern_flags"][0]["project"] == "Jardin partagé"
    mkt = data["marketplace"]
    assert mkt["time_account"][0]["balance_minutes"] == -90
    assert mkt["time_transfers"][0]["minutes"] == -90
    assert mkt["listings"][0]["title"] == "Atelier compost"
    assert mkt["exchanges"][0]["minutes"] == 90
    assert [m["body"] for m in mkt["exchange_messages"]] == ["Rendez-vous samedi ?", "Oui, 10 h."]
    assert mkt["contributions"][0]["amount_cents"] == 2500
    # Each table is also a CSV file.
    names = set(archive.namelist())
    assert {
        "README.txt",
        "governance/share_subscriptions.csv",
        "marketplace/time_transfers.csv",
    } <= names
    rows = list(
        csv.DictReader(io.StringIO(archive.read("projects/comments.csv").decode("utf-8-sig")))
    )
    assert rows[0]["body"] == "Je peux aider le samedi."
    assert AuditEvent.objects.filter(action="privacy.export", actor=alice).count() == 1


def test_a_secret_ballot_cannot_be_found_in_the_export(alice):
    secret_vote, _public = alice.test_votes
    data = json.loads(_archive(alice).read("data.json"))
    receipts = set(Ballot.objects.filter(vote=secret_vote).values_list("receipt_id", flat=True))
    assert not any(r in json.dumps(data) for r in receipts)


def test_the_export_costs_a_bounded_number_of_queries(alice, django_assert_max_num_queries):
    # One query or two per table of each app's section (the commons: seven tables).
    with django_assert_max_num_queries(48):
        _archive(alice)
    # More history does not cost more queries.
    account = TimeAccount.objects.get(owner_member__user=alice)
    other = TimeAccount.objects.exclude(pk=account.pk).filter(kind="member").first()
    for _ in range(10):
        time_transfer_create(actor=alice, payer=account, payee=other, minutes=5)
    with django_assert_max_num_queries(48):
        _archive(alice)


def _integrity_snapshot():
    return {
        "ledger": ledger_integrity_problems(),
        "funds": funds_integrity_problems(),
        "balances": dict(TimeAccount.objects.values_list("pk", "balance_minutes")),
        "register": [
            (r["membership"].number, r["kind"], r["quantity"], r["amount_cents"])
            for r in capital_register()
        ],
        "shares": dict(Membership.objects.values_list("number", "shares_held")),
        "ballots": sorted((str(b.vote_id), b.receipt_id, b.voter_id) for b in Ballot.objects.all()),
    }


def test_erasure_anonymises_the_person_and_keeps_every_ledger_intact(
    alice, coordinator, django_capture_on_commit_callbacks
):
    # given
    secret_vote, public_vote = alice.test_votes
    photo = Pioneer.objects.get(user=alice).photo
    photo_name, storage = photo.name, photo.storage
    assert storage.exists(photo_name)
    before = _integrity_snapshot()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        outcome = privacy.personal_data_erase(actor=alice, user=alice, password=PASSWORD)
    # then the person is gone...
    alice.refresh_from_db()
    assert not outcome.already_erased
    assert alice.email == f"erased-{alice.pk}@erased.invalid"
    assert (alice.first_name, alice.last_name, alice.is_active) == ("", "", False)
    assert not alice.has_usable_password()
    assert alice.display_name == "Membre supprimé"
    assert not Pioneer.objects.filter(user=alice).exists()
    assert not storage.exists(photo_name)
    application = Application.objects.get(user=alice)
    assert (application.motivation, application.solution_description) == ("", "")
    membership = Membership.objects.get(user=alice)
    assert membership.motivation == ""
    assert membership.number is not None
    contribution = Contribution.objects.get(amount_cents=2500)
    assert (contribution.name, contribution.email, contribution.public) == ("", "", False)
    assert Listing.objects.get(owner=membership).status == "closed"
    message = ExchangeMessage.objects.filter(author=alice).get()
    assert message.author.display_name == "Membre supprimé"
    assert Comment.objects.get(author=alice).author.display_name == "Membre supprimé"
    assert (
        "alice"
        not in json.dumps(list(AuditEvent.objects.values_list("target_repr", flat=True))).lower()
    )
    # ...and every ledger, register and ballot is exactly as before.
    assert _integrity_snapshot() == before
    assert before["ledger"] == []
    assert before["funds"] == []
    assert ConcernFlag.objects.filter(user=alice).count() == 1
    assert CharterAcceptance.objects.filter(membership=membership).count() == 1
    # Vote results come out the same once the votes close.
    for vote in (secret_vote, public_vote):
        vote_services.vote_close(actor=coordinator, vote=vote)
    assert VoteResult.objects.get(vote=secret_vote).ballot_count == 2
    event = AuditEvent.objects.get(action="privacy.erase")
    assert event.actor_id == alice.pk
    assert event.data["by"] == "self"


def test_after_erasure_the_person_cannot_log_in(alice):
    client = Client()
    assert client.login(email="alice@example.org", password=PASSWORD)
    privacy.personal_data_erase(actor=alice, user=alice, password=PASSWORD)
    assert not Client().login(email="alice@example.org", password=PASSWORD)
    # The open session ends too.
    assert client.get(reverse("privacy:my_data")).status_code == 302
    token_response = Client().post(
        "/api/v1/auth/token/", {"email": "alice@example.org", "password": PASSWORD}
    )
    assert token_response.status_code == 400


def test_erasure_twice_changes_nothing_more(alice, coordinator):
    privacy.personal_data_erase(actor=coordinator, user=alice, reason="Courrier du 3 mars")
    snapshot = list(User.objects.filter(pk=alice.pk).values())
    events = AuditEvent.objects.count()
    outcome = privacy.personal_data_erase(actor=coordinator, user=alice, reason="Encore")
    assert outcome.already_erased
    assert list(User.objects.filter(pk=alice.pk).values()) == snapshot
    assert AuditEvent.objects.count() == events
    event = AuditEvent.objects.get(action="privacy.erase")
    assert event.actor == coordinator
    assert event.data["reason"] == "Courrier du 3 mars"


def test_a_wrong_password_erases_nothing(alice):
    with pytest.raises(privacy.PrivacyError) as err:
        privacy.personal_data_erase(actor=alice, user=alice, password="pas le bon")
    assert err.value.code == "wrong_password"
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert alice.is_active
    assert Pioneer.objects.filter(user=alice).exists()
    assert not AuditEvent.objects.filter(action="privacy.erase").exists()


def test_only_the_person_or_a_coordinator_may_erase(alice, member):
    with pytest.raises(privacy.PrivacyError) as err:
        privacy.personal_data_erase(actor=member, user=alice, password=PASSWORD, reason="x")
    assert err.value.status_code == 403
    with pytest.raises(privacy.PrivacyError):
        privacy.personal_data_archive(actor=member, user=alice)
    alice.refresh_from_db()
    assert alice.is_active


def test_a_coordinator_must_give_a_reason(alice, coordinator):
    with pytest.raises(privacy.PrivacyError) as err:
        privacy.personal_data_erase(actor=coordinator, user=alice, reason="  ")
    assert err.value.code == "reason_required"


def test_a_coordinator_cannot_erase_another_coordinator(coordinator):
    from backend.accounts.roles import coordinator_grant

    other = UserFactory(email="autre-jardinier@example.org")
    coordinator_grant(user=other)
    with pytest.raises(privacy.PrivacyError) as err:
        privacy.personal_data_erase(actor=coordinator, user=other, reason="demande")
    assert err.value.code == "protected_account"


# ---------------------------------------------------------------- pages and API


def test_my_data_page_explains_and_downloads(member_client, member):
    page = member_client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    assert "RGPD" in page.content.decode()
    response = member_client.post(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["account"]["account"][0]["email"] == member.email


def test_the_account_pages_link_to_my_data(member_client):
    page = member_client.get(reverse("account_email")).content.decode()
    assert reverse("privacy:my_data") in page


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("visitor", 200), ("member", 200)]
)
def test_who_may_see_my_data(client, role, status, visitor_user, member):
    if role != "anonymous":
        client.force_login(visitor_user if role == "visitor" else member)
    assert client.get(reverse("privacy:my_data")).status_code == status


def test_the_erasure_page_confirms_with_the_password(client, visitor_user):
    client.force_login(visitor_user)
    url = reverse("privacy:erase")
    assert client.get(url).status_code == 200
    # Refused or invalid: the page again with the form's errors, 400, nothing erased.
    wrong = client.post(url, {"password": "non", "confirm": "on"})
    assert wrong.status_code == 400
    assert "Le mot de passe n&#x27;est pas correct" in wrong.content.decode()
    unconfirmed = client.post(url, {"password": PASSWORD})
    assert unconfirmed.status_code == 400
    visitor_user.refresh_from_db()
    assert visitor_user.is_active
    done = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    visitor_user.refresh_from_db()
    assert visitor_user.is_erased
    assert not visitor_user.is_active


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("member", 403)])
def test_only_coordinators_reach_the_erasure_of_a_person(client, role, status, member, alice):
    if role == "member":
        client.force_login(member)
    url = reverse("privacy:person_erase", args=[alice.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == status
    alice.refresh_from_db()
    assert alice.is_active


def test_a_coordinator_erases_a_person_with_a_reason(coordinator_client, alice):
    url = reverse("privacy:person_erase", args=[alice.pk])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"reason": "Courrier du 3 mars", "confirm": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_erased
    assert "ont été effacées" in coordinator_client.get(url).content.decode()
    assert coordinator_client.get(reverse("privacy:person_erase", args=[999999])).status_code == 404


def test_api_my_data_and_archive(api_client, member):
    assert api_client.get("/api/v1/me/data/").status_code in (401, 403)
    api_client.force_authenticate(member)
    data = api_client.get("/api/v1/me/data/").json()
    assert data["account"]["account"][0]["email"] == member.email
    archive = api_client.get("/api/v1/me/data/archive/")
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"


def test_api_erasure_of_oneself(api_client, member):
    api_client.force_authenticate(member)
    refused = api_client.post("/api/v1/me/erase/", {"password": "non", "confirm": True})
    assert refused.status_code == 400
    assert refused.json()["code"] == "wrong_password"
    unconfirmed = api_client.post("/api/v1/me/erase/", {"password": PASSWORD, "confirm": False})
    assert unconfirmed.status_code == 400
    done = api_client.post("/api/v1/me/erase/", {"password": PASSWORD, "confirm": True})
    assert done.status_code == 200
    assert done.json()["erased"] is True
    member.refresh_from_db()
    assert member.is_erased


def test_api_erasure_by_a_coordinator(api_client, coordinator, member, visitor_user):
    url = f"/api/v1/users/{visitor_user.pk}/erase/"
    api_client.force_authenticate(member)
    assert api_client.post(url, {"reason": "x"}).status_code == 403
    api_client.force_authenticate(coordinator)
    assert api_client.post(url, {}).status_code == 400
    assert api_client.post("/api/v1/users/999999/erase/", {"reason": "x"}).status_code == 404
    first = api_client.post(url, {"reason": "Demande écrite"})
    assert first.status_code == 200
    assert first.json()["already_erased"] is False
    again = api_client.post(url, {"reason": "Demande écrite"})
    assert again.status_code == 200
    assert again.json()["already_erased"] is True
