"""Listings and exchanges: the rules of the services, the transition table, the
confirmation that pays the giver, the automatic confirmation and the notifications."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from backend.core.models import AuditEvent
from marketplace.errors import MarketplaceError
from marketplace.models import Exchange, ExchangeMessage, Listing, TimeAccount, TimeTransfer
from marketplace.selectors.ledger import ledger_integrity_problems
from marketplace.selectors.listings import listing_search, project_hours_received
from marketplace.services.exchanges import (
    exchange_create,
    exchange_message_post,
    exchange_transition,
    exchanges_auto_confirm_due,
)
from marketplace.services.ledger import (
    time_account_for_member,
    time_account_for_project,
    time_transfer_create,
    time_transfer_reverse,
)
from marketplace.services.listings import listing_create, listing_update
from marketplace.tasks import exchanges_auto_confirm
from pioneers.models import Skill
from tests.factories import (
    ExchangeFactory,
    ListingFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _balance(membership) -> int:
    account = TimeAccount.objects.filter(owner_member=membership).first()
    return account.balance_minutes if account else 0


# --- listings -------------------------------------------------------------------------


def test_a_member_creates_a_listing_with_normalised_tags():
    owner = MembershipFactory()
    listing = listing_create(
        actor=owner.user,
        kind="offer",
        title="  Réparation de vélos ",
        tags=["Vélo", "vélo ", "Mécanique  douce", ""],
        estimated_minutes=120,
        remote=True,
    )
    assert listing.title == "Réparation de vélos"
    assert sorted(listing.tags.values_list("slug", flat=True)) == ["mecanique-douce", "velo"]
    assert AuditEvent.objects.filter(action="marketplace.listing_create").count() == 1


def test_a_listing_needs_a_place_or_remote_and_nothing_is_written():
    owner = MembershipFactory()
    with pytest.raises(MarketplaceError) as err:
        listing_create(actor=owner.user, kind="offer", title="Cours", estimated_minutes=60)
    assert "place" in err.value.errors
    assert not Listing.objects.exists()
    assert not Skill.objects.exists()


def test_a_non_member_cannot_create_a_listing():
    with pytest.raises(MarketplaceError) as err:
        listing_create(
            actor=UserFactory(), kind="offer", title="Cours", estimated_minutes=60, remote=True
        )
    assert (err.value.code, err.value.status_code) == ("not_member", 403)
    assert not Listing.objects.exists()


def test_only_the_owner_updates_a_listing():
    listing = ListingFactory()
    other = MembershipFactory()
    with pytest.raises(MarketplaceError) as err:
        listing_update(actor=other.user, listing=listing, status="closed")
    assert err.value.status_code == 403
    listing_update(actor=listing.owner.user, listing=listing, status="paused", tags=["Couture"])
    listing.refresh_from_db()
    assert listing.status == "paused"
    assert list(listing.tags.values_list("slug", flat=True)) == ["couture"]


def test_search_and_filters():
    project = ProjectFactory()
    garden = listing_create(
        actor=MembershipFactory().user,
        kind="offer",
        title="Jardinage",
        tags=["Permaculture"],
        estimated_minutes=60,
        place="Crest",
    )
    bike = ListingFactory(kind="request", title="Vélo cargo", remote=True, project=project)
    ListingFactory(title="Fermée", status="closed")
    ListingFactory(title="Expirée", expires_on=timezone.localdate() - timedelta(days=1))
    assert set(listing_search()) == {garden, bike}
    assert list(listing_search(q="permacul")) == [garden]
    assert list(listing_search(q="cargo")) == [bike]
    assert list(listing_search(kind="request")) == [bike]
    assert list(listing_search(tag="permaculture")) == [garden]
    assert list(listing_search(remote=True)) == [bike]
    assert list(listing_search(project_id=project.pk)) == [bike]
    assert [x.title for x in listing_search(status="closed")] == ["Fermée"]


# --- answering a listing --------------------------------------------------------------


def test_answering_an_offer_makes_the_owner_the_giver(django_capture_on_commit_callbacks):
    listing = ListingFactory(kind="offer")
    responder = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        exchange = exchange_create(
            actor=responder.user, listing=listing, minutes=60, message="Bonjour"
        )
    assert (exchange.giver, exchange.receiver, exchange.status) == (
        listing.owner,
        responder,
        "proposed",
    )
    assert ExchangeMessage.objects.get().body == "Bonjour"
    assert [m.to for m in mail.outbox] == [[listing.owner.user.email]]


def test_answering_a_request_makes_the_responder_the_giver():
    listing = ListingFactory(kind="request")
    responder = MembershipFactory()
    exchange = exchange_create(actor=responder.user, listing=listing)
    assert (exchange.giver, exchange.receiver, exchange.minutes) == (
        responder,
        listing.owner,
        listing.estimated_minutes,
    )


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("own", "own_listing"),
        ("closed", "listing_not_open"),
        ("expired", "listing_not_open"),
        ("twice", "already_answered"),
    ],
)
def test_answers_that_are_refused_write_nothing(setup, code):
    listing = ListingFactory(
        status="closed" if setup == "closed" else "open",
        expires_on=timezone.localdate() - timedelta(days=1) if setup == "expired" else None,
    )
    responder = listing.owner if setup == "own" else MembershipFactory()
    if setup == "twice":
        exchange_create(actor=responder.user, listing=listing)
    before = Exchange.objects.count()
    with pytest.raises(MarketplaceError) as err:
        exchange_create(actor=responder.user, listing=listing, message="Re")
    assert (err.value.code, err.value.status_code) == (code, 409)
    assert Exchange.objects.count() == before
    assert not ExchangeMessage.objects.filter(body="Re").exists()


def test_non_positive_minutes_are_refused():
    with pytest.raises(MarketplaceError) as err:
        exchange_create(actor=MembershipFactory().user, listing=ListingFactory(), minutes=0)
    assert err.value.code == "invalid_minutes"
    assert not Exchange.objects.exists()


# --- the transition table, exhaustively -----------------------------------------------

STATES = ["proposed", "accepted", "done", "confirmed", "cancelled", "disputed"]
ACTIONS = ["accept", "done", "confirm", "cancel", "dispute"]
ACTORS = ["giver", "receiver", "coordinator", "other"]

# Written out by hand (not derived from the service's table): (kind, action, actor) →
# the states from which it succeeds. An actor absent from this map for an action gets
# 403 whatever the state; present but in another state, 409.
ALLOWED = {
    ("offer", "accept", "giver"): {"proposed"},  # the offer's owner gives
    ("request", "accept", "receiver"): {"proposed"},  # the request's owner receives
    **{(k, "done", "giver"): {"accepted"} for k in ("offer", "request")},
    **{(k, "confirm", "receiver"): {"done", "disputed"} for k in ("offer", "request")},
    **{
        (k, "cancel", who): {"proposed", "accepted"}
        for k in ("offer", "request")
        for who in ("giver", "receiver")
    },
    **{
        (k, "cancel", "coordinator"): {"proposed", "accepted", "done", "disputed"}
        for k in ("offer", "request")
    },
    **{
        (k, "dispute", who): {"done"} for k in ("offer", "request") for who in ("giver", "receiver")
    },
}
TARGET = {
    "accept": "accepted",
    "done": "done",
    "confirm": "confirmed",
    "cancel": "cancelled",
    "dispute": "disputed",
}


@pytest.mark.parametrize("kind", ["offer", "request"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ACTORS)
def test_transition_table(kind, state, action, who, coordinator):
    # given
    exchange = ExchangeFactory(listing=ListingFactory(kind=kind), status=state, minutes=30)
    actor = {
        "giver": exchange.giver.user,
        "receiver": exchange.receiver.user,
        "coordinator": coordinator,
        "other": MembershipFactory().user,
    }[who]
    audits = AuditEvent.objects.count()
    allowed = ALLOWED.get((kind, action, who))
    # when
    try:
        exchange_transition(actor=actor, exchange=exchange, action=action, reason="Parce que")
    except MarketplaceError as exc:
        outcome = exc.status_code
    else:
        outcome = 200
    # then
    expected = 403 if allowed is None else 200 if state in allowed else 409
    assert outcome == expected
    exchange.refresh_from_db()
    if expected == 200:
        assert exchange.status == TARGET[action]
        assert TimeTransfer.objects.count() == (1 if action == "confirm" else 0)
    else:
        assert exchange.status == state
        assert not TimeTransfer.objects.exists()
        assert AuditEvent.objects.count() == audits


def test_accept_agrees_on_the_minutes():
    exchange = ExchangeFactory(minutes=90)
    exchange_transition(
        actor=exchange.listing.owner.user, exchange=exchange, action="accept", minutes=75
    )
    exchange.refresh_from_db()
    assert (exchange.status, exchange.minutes) == ("accepted", 75)


def test_cancel_and_dispute_need_a_reason():
    exchange = ExchangeFactory(status="done")
    with pytest.raises(MarketplaceError) as err:
        exchange_transition(actor=exchange.receiver.user, exchange=exchange, action="dispute")
    assert err.value.code == "reason_required"
    exchange.refresh_from_db()
    assert exchange.status == "done"


# --- confirmation pays the giver ------------------------------------------------------


def test_confirmation_posts_the_transfer_receiver_to_giver(django_capture_on_commit_callbacks):
    exchange = ExchangeFactory(status="done", minutes=45)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_transition(actor=exchange.receiver.user, exchange=exchange, action="confirm")
    transfer = TimeTransfer.objects.get()
    assert transfer.exchange_id == exchange.pk
    assert transfer.minutes == 45
    assert (_balance(exchange.receiver), _balance(exchange.giver)) == (-45, 45)
    assert ledger_integrity_problems() == []
    # the giver hears of it, in their language
    assert mail.outbox[-1].to == [exchange.giver.user.email]


def test_confirmation_over_the_credit_limit_changes_nothing():
    exchange = ExchangeFactory(status="done", minutes=120)
    account = time_account_for_member(membership=exchange.receiver)
    TimeAccount.objects.filter(pk=account.pk).update(credit_limit_minutes=60)
    with pytest.raises(MarketplaceError) as err:
        exchange_transition(actor=exchange.receiver.user, exchange=exchange, action="confirm")
    assert (err.value.code, err.value.status_code) == ("credit_limit", 409)
    exchange.refresh_from_db()
    assert exchange.status == "done"
    assert exchange.closed_at is None
    assert not TimeTransfer.objects.exists()
    assert (_balance(exchange.receiver), _balance(exchange.giver)) == (0, 0)
    assert not AuditEvent.objects.filter(action="marketplace.exchange_confirm").exists()


def test_a_second_confirmation_is_a_conflict_and_pays_once():
    exchange = ExchangeFactory(status="done")
    exchange_transition(actor=exchange.receiver.user, exchange=exchange, action="confirm")
    with pytest.raises(MarketplaceError) as err:
        exchange_transition(actor=exchange.receiver.user, exchange=exchange, action="confirm")
    assert err.value.status_code == 409
    assert TimeTransfer.objects.count() == 1


# --- automatic confirmation -----------------------------------------------------------


def test_auto_confirmation_after_n_days_is_idempotent(settings):
    settings.MARKETPLACE_EXCHANGE_AUTO_CONFIRM_DAYS = 7
    old = ExchangeFactory(status="done", done_at=timezone.now() - timedelta(days=8))
    recent = ExchangeFactory(status="done", done_at=timezone.now() - timedelta(days=2))
    disputed = ExchangeFactory(status="disputed", done_at=timezone.now() - timedelta(days=30))
    # when the task runs twice
    assert exchanges_auto_confirm.delay().get() == 1
    assert exchanges_auto_confirm_due() == 0
    # then
    statuses = dict(Exchange.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "confirmed", recent.pk: "done", disputed.pk: "disputed"}
    assert list(TimeTransfer.objects.values_list("exchange_id", flat=True)) == [old.pk]
    assert AuditEvent.objects.get(action="marketplace.exchange_confirm").actor is None


def test_auto_confirmation_refused_by_the_limit_leaves_the_exchange_done(settings):
    exchange = ExchangeFactory(
        status="done", minutes=3000, done_at=timezone.now() - timedelta(days=8)
    )
    assert exchanges_auto_confirm_due() == 0
    exchange.refresh_from_db()
    assert exchange.status == "done"
    assert not TimeTransfer.objects.exists()


# --- messages -------------------------------------------------------------------------


def test_a_party_writes_and_the_other_is_told_in_their_language(
    django_capture_on_commit_callbacks,
):
    exchange = ExchangeFactory()
    exchange.receiver.user.language = "en"
    exchange.receiver.user.save(update_fields=["language"])
    exchange.giver.user.language = "fr"
    exchange.giver.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        exchange_message_post(actor=exchange.giver.user, exchange=exchange, body="À mardi ?")
        exchange_message_post(actor=exchange.receiver.user, exchange=exchange, body="Yes")
    assert [m.to for m in mail.outbox] == [
        [exchange.receiver.user.email],
        [exchange.giver.user.email],
    ]
    assert mail.outbox[0].subject.startswith("[Terreau] New message")
    assert mail.outbox[1].subject.startswith("[Terreau] Nouveau message")


def test_someone_else_cannot_write_on_an_exchange(coordinator):
    exchange = ExchangeFactory()
    for actor in (MembershipFactory().user, coordinator):
        with pytest.raises(MarketplaceError) as err:
            exchange_message_post(actor=actor, exchange=exchange, body="Hop")
        assert err.value.status_code == 403
    assert not ExchangeMessage.objects.exists()
    assert not mail.outbox


# --- hours a project received ---------------------------------------------------------


def test_project_hours_received_counts_transfers_in_but_not_corrected_ones():
    project = ProjectFactory()
    giver = time_account_for_member(membership=MembershipFactory())
    to_project = time_account_for_project(project=project)
    time_transfer_create(actor=None, payer=giver, payee=to_project, minutes=90)
    mistake = time_transfer_create(actor=None, payer=giver, payee=to_project, minutes=30)
    time_transfer_reverse(actor=None, transfer=mistake)
    assert project_hours_received(project) == 90
    assert project_hours_received(ProjectFactory()) == 0


def test_demo_data_seeds_listings_and_exchanges_once():
    from django.core.management import call_command

    with open("/dev/null", "w") as devnull:
        call_command("seed_demo", stdout=devnull)
        counts = (Listing.objects.count(), Exchange.objects.count(), TimeTransfer.objects.count())
        call_command("seed_demo", stdout=devnull)
    assert (
        Listing.objects.count(),
        Exchange.objects.count(),
        TimeTransfer.objects.count(),
    ) == counts
    # The demo's member listings, and the requests of the selected or running projects'
    # needs (one per project and skill).
    assert (Listing.objects.filter(need_skill__isnull=True).count(), counts[1]) == (4, 4)
    needs = Listing.objects.filter(need_skill__isnull=False)
    assert needs.exists()
    assert {
        listing.project.status
        for listing in needs.select_related("project")
        if listing.status == "open"
    } == {"selected", "in_progress"}
    assert set(Exchange.objects.values_list("status", flat=True)) == {
        "proposed",
        "accepted",
        "done",
        "confirmed",
    }
    assert ledger_integrity_problems() == []
