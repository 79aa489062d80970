"""HTML pages: the contribution form, success and cancel, the funds page and CSV,
and the coordinator's bookkeeping pages."""

import csv
import io
from datetime import date

import pytest
from django.core import mail

from marketplace.models import Contribution, ContributionSettings, Fund, FundAllocation, Payment

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "amount_choice": "2000",
        "other_amount": "",
        "email": "ami@example.org",
        "name": "Ami",
        "message": "Courage !",
        "public": "on",
        "idempotency_token": "tok-1",
    }
    data.update(overrides)
    return data


# --- the contribution form ------------------------------------------------------------


def test_cooperative_form_offers_suggested_amounts_and_a_free_amount(client):
    ContributionSettings.objects.create(pk=1, suggested_amounts_cents=[700, 1500])
    html = client.get("/contribuer/").content.decode()
    assert "<h1>Soutenir la coopérative</h1>" in html
    assert 'value="700"' in html
    assert 'value="1500"' in html
    assert 'name="other_amount"' in html
    assert '<label for="id_other_amount"' in html
    assert 'name="email"' in html
    # no Stripe keys: only the bank transfer route
    assert 'name="method"' not in html
    assert "virement" in html


def test_the_form_is_in_english_on_demand(client):
    html = client.get("/contribuer/?lang=en").content.decode()
    assert "Support the cooperative" in html
    assert "Another amount" in html


def test_a_logged_in_member_is_not_asked_for_an_email(member_client):
    assert 'name="email"' not in member_client.get("/contribuer/").content.decode()


def test_with_stripe_the_form_offers_card_and_transfer(client, fake_stripe):
    html = client.get("/contribuer/").content.decode()
    assert 'name="method"' in html


def test_project_form_and_closed_projects(client, project, project_factory):
    response = client.get(f"/contribuer/projet/{project.slug}/")
    assert response.status_code == 200
    assert "Atelier vélo" in response.content.decode()
    draft = project_factory(status="draft")
    assert client.get(f"/contribuer/projet/{draft.slug}/").status_code == 404
    assert client.get("/contribuer/projet/nulle-part/").status_code == 404


def test_manual_contribution_through_the_form(client):
    response = client.post("/contribuer/", _form(amount_choice="other", other_amount="12,50"))
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contribuer/merci/{contribution.public_token}/"
    assert contribution.amount_cents == 1250
    assert (contribution.channel, contribution.public, contribution.name) == ("manual", True, "Ami")
    html = client.get(response["Location"]).content.decode()
    assert f"TERREAU-{contribution.pk}" in html


def test_card_contribution_redirects_to_stripe_checkout(client, fake_stripe, project):
    response = client.post(f"/contribuer/projet/{project.slug}/", _form(method="card"))
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == contribution.checkout_url
    assert response["Location"].startswith("https://checkout.stripe.com/")
    assert contribution.fund.project == project


def test_a_double_submit_creates_one_contribution_and_one_session(client, fake_stripe):
    first = client.post("/contribuer/", _form(method="card"))
    second = client.post("/contribuer/", _form(method="card"))
    assert first["Location"] == second["Location"]
    assert Contribution.objects.count() == 1
    assert len(fake_stripe.sessions) == 1


def test_choosing_transfer_with_stripe_on_gives_the_transfer_page(client, fake_stripe):
    response = client.post("/contribuer/", _form(method="transfer"))
    assert response["Location"].startswith("/contribuer/merci/")
    assert Contribution.objects.get().channel == "manual"
    assert fake_stripe.sessions == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount_choice": "other", "other_amount": "0,50"}, "entre"),
        ({"amount_choice": "other", "other_amount": "99999"}, "entre"),
        ({"amount_choice": "other", "other_amount": "douze"}, "montant en euros"),
        ({"amount_choice": "other", "other_amount": "12,345"}, "montant en euros"),
        ({"amount_choice": "other", "other_amount": ""}, "Choisissez un montant"),
        ({"email": ""}, "obligatoire"),
    ],
)
def test_bad_input_re_renders_the_form_with_a_message(client, data, message):
    response = client.post("/contribuer/", _form(**data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_form_is_rate_limited(client):
    for _ in range(30):
        client.post("/contribuer/", _form(amount_choice="other", other_amount="0"))
    response = client.post("/contribuer/", _form())
    assert response.status_code == 429
    assert not Contribution.objects.exists()


def test_success_page_after_a_card_payment(client, card_contribution):
    from tests.marketplace.conftest import post_webhook, session_event

    url = f"/contribuer/merci/{card_contribution.public_token}/"
    assert "en cours de confirmation" in client.get(url).content.decode()
    post_webhook(client, session_event("checkout.session.completed", card_contribution))
    html = client.get(url).content.decode()
    assert "Merci" in html
    card_contribution.refresh_from_db()
    assert card_contribution.receipt_number in html


def test_cancel_page_offers_to_try_again(client, card_contribution, project):
    html = client.get(f"/contribuer/annulation/{card_contribution.public_token}/").content.decode()
    assert "rien n'a été débité" in html
    assert f"/contribuer/projet/{project.slug}/" in html


def test_unknown_tokens_are_404(client):
    token = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/contribuer/merci/{token}/").status_code == 404
    assert client.get(f"/contribuer/annulation/{token}/").status_code == 404


# --- the public funds page ------------------------------------------------------------


def test_home_page_links_to_the_funds_page(client):
    assert 'href="/fonds/"' in client.get("/").content.decode()


def test_funds_page_shows_money_in_and_out(client, coordinator, project, paid_contribution_factory):
    from marketplace.services.funds import fund_allocation_create

    paid_contribution_factory(amount_cents=10_000, name="Mairie de Die", message="Bravo")
    paid_contribution_factory(amount_cents=2_000, public=False, name="Secret")
    fund_allocation_create(
        actor=coordinator,
        project=project,
        amount_cents=3_000,
        allocated_on=date(2026, 5, 1),
        note="Achat de vélos",
    )
    html = client.get("/fonds/").content.decode()
    assert "120\xa0€" in html  # received
    assert "30\xa0€" in html  # allocated
    assert "90\xa0€" in html  # available
    assert "Mairie de Die" in html
    assert "Bravo" in html
    assert "Secret" not in html
    assert "Contributeur anonyme" in html
    assert "Achat de vélos" in html
    assert '<th scope="col">' in html


@pytest.mark.parametrize("rows", [10, 100])
def test_funds_page_query_count_does_not_grow(
    client,
    coordinator,
    project_factory,
    paid_contribution_factory,
    rows,
    django_assert_max_num_queries,
):
    from marketplace.services.funds import fund_allocation_create

    projects = project_factory.create_batch(rows // 10)
    for index in range(rows):
        paid_contribution_factory(project=projects[index % len(projects)], amount_cents=1_000)
    paid_contribution_factory(amount_cents=rows * 1_000)
    for index in range(rows):
        fund_allocation_create(
            actor=coordinator,
            project=projects[index % len(projects)],
            amount_cents=100,
            allocated_on=date(2026, 5, 1),
        )
    with django_assert_max_num_queries(8):
        assert client.get("/fonds/").status_code == 200


def test_csv_export_lists_every_movement(client, coordinator, project, paid_contribution_factory):
    from marketplace.services.funds import fund_allocation_create

    paid_contribution_factory(amount_cents=10_000, name="=HYPERLINK(1)")
    fund_allocation_create(
        actor=coordinator, project=project, amount_cents=3_000, allocated_on=date(2026, 5, 1)
    )
    response = client.get("/fonds/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "date",
        "type",
        "fund",
        "counterpart",
        "amount_cents",
        "currency",
        "method",
        "note",
    ]
    kinds = sorted((row[1], row[4]) for row in rows[1:])
    assert kinds == [("allocation", "-3000"), ("payment", "10000")]
    assert any(row[3] == "'=HYPERLINK(1)" for row in rows[1:])


def test_csv_export_query_count_does_not_grow(
    client, paid_contribution_factory, django_assert_max_num_queries
):
    for _ in range(30):
        paid_contribution_factory(amount_cents=1_000)
    with django_assert_max_num_queries(3):
        response = client.get("/fonds/export.csv")
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == 31


# --- coordinator pages ----------------------------------------------------------------

COORDINATOR_PAGES = [
    "/fonds/gestion/",
    "/fonds/gestion/contribution-manuelle/",
    "/fonds/gestion/affectation/",
]


@pytest.mark.parametrize("url", COORDINATOR_PAGES)
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("member", 403), ("coordinator", 200)]
)
def test_coordinator_pages_permissions(client, member, coordinator, url, who, status):
    if who != "anonymous":
        client.force_login({"member": member, "coordinator": coordinator}[who])
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403)])
def test_others_cannot_post_to_coordinator_pages(client, member, project, who, status):
    from marketplace.services.contributions import contribution_start

    pledge = contribution_start(actor=member, project=None, amount_cents=2000, card=False)
    if who == "member":
        client.force_login(member)
    for url in [*COORDINATOR_PAGES, f"/fonds/gestion/contributions/{pledge.pk}/paiement/"]:
        assert client.post(url, {"amount": "20", "method": "cash"}).status_code == status
    assert not Payment.objects.exists()


@pytest.mark.parametrize("url", ["/fonds/", "/contribuer/", "/fonds/export.csv"])
@pytest.mark.parametrize("who", ["anonymous", "member", "coordinator"])
def test_public_pages_answer_everyone(client, member, coordinator, url, who):
    if who != "anonymous":
        client.force_login({"member": member, "coordinator": coordinator}[who])
    assert client.get(url).status_code == 200


def test_coordinator_records_a_bank_transfer_and_the_receipt_is_sent(
    coordinator_client, member, django_capture_on_commit_callbacks
):
    from marketplace.services.contributions import contribution_start

    pledge = contribution_start(actor=member, project=None, amount_cents=2000, card=False)
    manage = coordinator_client.get("/fonds/gestion/").content.decode()
    assert f"TERREAU-{pledge.pk}" in manage
    url = f"/fonds/gestion/contributions/{pledge.pk}/paiement/"
    assert coordinator_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url,
            {
                "method": "bank_transfer",
                "amount": "20",
                "reference": "VIR-42",
                "received_on": "2026-05-02",
            },
        )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.status, pledge.amount_received_cents) == ("paid", 2000)
    payment = Payment.objects.get()
    assert (payment.reference, payment.recorded_by, payment.received_on) == (
        "VIR-42",
        payment.recorded_by,
        date(2026, 5, 2),
    )
    assert mail.outbox[0].to == [member.email]
    # recording it twice is refused, nothing more is counted
    again = coordinator_client.post(
        url,
        {
            "method": "bank_transfer",
            "amount": "20",
            "reference": "VIR-43",
            "received_on": "2026-05-02",
        },
    )
    assert again.status_code == 409
    assert "déjà enregistré" in again.content.decode()
    assert Fund.objects.get().received_cents == 2000


def test_a_transfer_reference_cannot_be_recorded_twice(coordinator_client, member):
    from marketplace.services.contributions import contribution_start

    first = contribution_start(actor=member, project=None, amount_cents=2000, card=False)
    second = contribution_start(actor=member, project=None, amount_cents=3000, card=False)
    data = {
        "method": "bank_transfer",
        "amount": "20",
        "reference": "VIR-1",
        "received_on": "2026-05-02",
    }
    coordinator_client.post(f"/fonds/gestion/contributions/{first.pk}/paiement/", data)
    response = coordinator_client.post(
        f"/fonds/gestion/contributions/{second.pk}/paiement/", data | {"amount": "30"}
    )
    assert response.status_code == 409
    second.refresh_from_db()
    assert second.status == "pending"
    assert Fund.objects.get().received_cents == 2000


def test_a_transfer_needs_a_reference(coordinator_client, member):
    from marketplace.services.contributions import contribution_start

    pledge = contribution_start(actor=member, project=None, amount_cents=2000, card=False)
    response = coordinator_client.post(
        f"/fonds/gestion/contributions/{pledge.pk}/paiement/",
        {"method": "cheque", "amount": "20", "reference": "", "received_on": "2026-05-02"},
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_card_contributions_have_no_manual_payment_page(coordinator_client, card_contribution):
    url = f"/fonds/gestion/contributions/{card_contribution.pk}/paiement/"
    assert coordinator_client.get(url).status_code == 404


def test_coordinator_records_cash_received_without_a_pledge(
    coordinator_client, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            "/fonds/gestion/contribution-manuelle/",
            {
                "target": str(project.pk),
                "method": "cash",
                "amount": "35",
                "reference": "",
                "received_on": "2026-05-03",
                "name": "Marché de Crest",
                "email": "crest@example.org",
                "public": "on",
            },
        )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.amount_received_cents) == ("paid", 3500)
    assert contribution.fund.project == project
    assert mail.outbox[0].to == ["crest@example.org"]


def test_coordinator_allocates_through_the_page(
    coordinator_client, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=5_000)
    fund = Fund.objects.get()
    page = coordinator_client.get("/fonds/gestion/affectation/").content.decode()
    assert project.title in page
    data = {
        "source": str(fund.pk),
        "project": str(project.pk),
        "amount": "60",
        "allocated_on": "2026-05-04",
        "note": "Trop",
        "idempotency_token": "t1",
    }
    refused = coordinator_client.post("/fonds/gestion/affectation/", data)
    assert refused.status_code == 409
    assert "disponible" in refused.content.decode()
    assert not FundAllocation.objects.exists()
    accepted = coordinator_client.post(
        "/fonds/gestion/affectation/", data | {"amount": "50", "idempotency_token": "t2"}
    )
    assert accepted.status_code == 302
    assert Fund.objects.get().available_cents == 0


def test_allocation_form_sent_twice_allocates_once(
    coordinator_client, project, paid_contribution_factory
):
    paid_contribution_factory(amount_cents=5_000)
    fund = Fund.objects.get()
    data = {
        "source": str(fund.pk),
        "project": str(project.pk),
        "amount": "20",
        "allocated_on": "2026-05-04",
        "note": "Outils",
        "idempotency_token": "t1",
    }
    first = coordinator_client.post("/fonds/gestion/affectation/", data)
    assert coordinator_client.post("/fonds/gestion/affectation/", data).status_code == 302
    assert first.status_code == 302
    # the same token with another amount (the page sent again from the history)
    reused = coordinator_client.post("/fonds/gestion/affectation/", data | {"amount": "30"})
    assert reused.status_code == 409
    assert "Ce formulaire a déjà été envoyé avec d’autres valeurs" in reused.content.decode()
    assert reused.context["form"].is_bound
    assert FundAllocation.objects.count() == 1
    assert Fund.objects.get().allocated_cents == 2_000


@pytest.mark.parametrize("rows", [10, 60])
def test_manage_page_query_count_does_not_grow(
    coordinator_client, member, paid_contribution_factory, rows, django_assert_max_num_queries
):
    from marketplace.services.contributions import contribution_start

    for _ in range(rows):
        contribution_start(actor=member, project=None, amount_cents=2000, card=False)
        paid_contribution_factory(amount_cents=1_000)
    with django_assert_max_num_queries(12):
        assert coordinator_client.get("/fonds/gestion/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/marketplace/contribution/",
        "/admin/marketplace/fund/",
        "/admin/marketplace/payment/",
        "/admin/marketplace/fundallocation/",
        "/admin/marketplace/stripeevent/",
        "/admin/marketplace/receiptcounter/",
        "/admin/marketplace/contributionsettings/",
    ],
)
def test_admin_screens_for_the_coordinator(coordinator_client, paid_contribution_factory, url):
    paid_contribution_factory(amount_cents=1_000)
    assert coordinator_client.get(url).status_code == 200


def test_admin_money_history_is_read_only(coordinator_client, paid_contribution_factory):
    contribution = paid_contribution_factory(amount_cents=1_000)
    payment = Payment.objects.get()
    assert coordinator_client.get("/admin/marketplace/payment/add/").status_code == 403
    response = coordinator_client.post(
        f"/admin/marketplace/payment/{payment.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    response = coordinator_client.post(
        f"/admin/marketplace/contribution/{contribution.pk}/change/", {"status": "refunded"}
    )
    assert response.status_code == 403
    assert Payment.objects.count() == 1


def test_the_forms_token_with_another_pledge_is_a_409_and_writes_nothing(client):
    first = client.post("/contribuer/", _form())
    assert first.status_code == 302
    # the same token (a page kept open, sent again) with another amount
    reused = client.post("/contribuer/", _form(amount_choice="other", other_amount="35"))
    assert reused.status_code == 409
    assert "Ce formulaire a déjà été envoyé avec d’autres valeurs" in reused.content.decode()
    assert Contribution.objects.count() == 1
    # the same token and pledge: the first contribution's page again
    again = client.post("/contribuer/", _form())
    assert again["Location"] == first["Location"]
    assert Contribution.objects.count() == 1


def test_a_guests_token_from_another_address_is_another_contribution(client):
    client.post("/contribuer/", _form())
    other = client.post("/contribuer/", _form(email="autre@example.org"))
    assert other.status_code == 302
    assert Contribution.objects.count() == 2


def test_the_rate_limit_says_so_in_the_page(client):
    for _ in range(30):
        client.post("/contribuer/", _form(amount_choice="other", other_amount="0"))
    response = client.post("/contribuer/", _form())
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
