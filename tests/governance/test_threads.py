"""The jardinier's door (issue 15 §3): private threads between a pioneer or member and
the coordinators. Someone else's thread is a 404, in pages and API."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backend.core.models import OutboxEmail
from governance.threads import selectors, services
from governance.threads.models import CoordinatorThread, ThreadMessage, ThreadStatus

pytestmark = pytest.mark.django_db

API = "/api/v1/coordinator-threads/"


@pytest.fixture
def other_member(db, colleges):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="autre@example.org")
    MembershipFactory(user=user, college=colleges["salaries"], shares=1)
    return user


@pytest.fixture
def thread(member, coordinator):
    return services.thread_open(author=member, subject="Une question", body="Bonjour jardinier")


def test_a_member_opens_a_thread_through_the_api(api_client, member, coordinator):
    api_client.force_authenticate(member)
    response = api_client.post(
        API, {"subject": "Ma part", "body": "Comment payer ?"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open"
    assert [m["body"] for m in body["messages"]] == ["Comment payer ?"]
    # the coordinator is told, in their own language
    email = OutboxEmail.objects.get()
    assert email.to == [coordinator.email]
    assert "Ma part" in email.subject


def test_others_threads_are_404_in_the_api(api_client, thread, other_member):
    api_client.force_authenticate(other_member)
    assert api_client.get(f"{API}{thread.pk}/").status_code == 404
    reply = api_client.post(f"{API}{thread.pk}/messages/", {"body": "intrus"}, format="json")
    assert reply.status_code == 404
    assert api_client.get(API).json()["results"] == []
    assert ThreadMessage.objects.filter(thread=thread).count() == 1


def test_others_threads_are_404_in_the_pages(client, thread, other_member):
    client.force_login(other_member)
    assert client.get(f"/membres/jardinier/{thread.pk}/").status_code == 404
    assert client.post(f"/membres/jardinier/{thread.pk}/", {"body": "intrus"}).status_code == 404
    assert client.post(f"/membres/jardinier/{thread.pk}/fermer/").status_code == 404
    message = thread.messages.get()
    assert client.get(f"/membres/jardinier/pieces/{message.pk}/").status_code == 404
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN
    assert thread.message_count == 1
    assert "Une question" not in client.get("/membres/jardinier/").content.decode()


def test_the_coordinator_answers_and_the_author_reads_it(api_client, thread, member, coordinator):
    api_client.force_authenticate(coordinator)
    inbox = api_client.get(API).json()["results"]
    assert [t["id"] for t in inbox] == [thread.pk]
    OutboxEmail.objects.all().delete()
    answer = api_client.post(f"{API}{thread.pk}/messages/", {"body": "Voici"}, format="json")
    assert answer.status_code == 201
    assert answer.json()["from_coordinator"] is True
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.ANSWERED
    assert thread.first_answer_at is not None
    assert OutboxEmail.objects.get().to == [member.email]
    api_client.force_authenticate(member)
    detail = api_client.get(f"{API}{thread.pk}/").json()
    assert [m["body"] for m in detail["messages"]] == ["Bonjour jardinier", "Voici"]
    assert detail["status"] == "answered"
    # the author writes again: open again, awaiting the coordinator
    api_client.post(f"{API}{thread.pk}/messages/", {"body": "Merci"}, format="json")
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN


def test_bad_input_is_400_and_writes_nothing(api_client, member):
    api_client.force_authenticate(member)
    for body in ({"subject": "", "body": "x"}, {"subject": "x", "body": "  "}, {"subject": "x"}):
        assert api_client.post(API, body, format="json").status_code == 400
    assert CoordinatorThread.objects.count() == 0


def test_an_attachment_must_be_what_it_claims(api_client, member, coordinator):
    api_client.force_authenticate(member)
    fake = SimpleUploadedFile("photo.png", b"<?php echo 1; ?>", content_type="image/png")
    response = api_client.post(
        API, {"subject": "Pièce", "body": "ci-joint", "attachment": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert CoordinatorThread.objects.count() == 0
    pdf = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    ok = api_client.post(
        API, {"subject": "Pièce", "body": "ci-joint", "attachment": pdf}, format="multipart"
    )
    assert ok.status_code == 201
    url = ok.json()["messages"][0]["attachment"]
    from django.test import Client

    owner = Client()
    owner.force_login(member)
    assert owner.get(url).status_code == 200


def test_visitors_who_are_not_members_cannot_write(api_client, visitor_user):
    api_client.force_authenticate(visitor_user)
    response = api_client.post(API, {"subject": "x", "body": "y"}, format="json")
    assert response.status_code == 403
    assert CoordinatorThread.objects.count() == 0


def test_the_pages_journey(client, member, coordinator):
    client.force_login(member)
    response = client.post(
        "/membres/jardinier/nouveau/", {"subject": "Par la page", "body": "Bonjour"}
    )
    assert response.status_code == 302
    thread = CoordinatorThread.objects.get()
    client.force_login(coordinator)
    inbox = client.get("/membres/jardinier/").content.decode()
    assert "Par la page" in inbox
    client.post(f"/membres/jardinier/{thread.pk}/", {"body": "Réponse du jardinier"})
    client.force_login(member)
    page = client.get(f"/membres/jardinier/{thread.pk}/").content.decode()
    assert "Réponse du jardinier" in page
    client.post(f"/membres/jardinier/{thread.pk}/fermer/")
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED


def test_the_unanswered_count_is_in_the_coordinators_menu(
    client, thread, coordinator, member, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    html = client.get("/membres/jardinier/").content.decode()
    assert 'data-testid="menu-badge">1' in html
    client.force_login(member)
    assert "menu-badge" not in client.get("/membres/jardinier/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_reply(actor=coordinator, thread=thread, body="ok")
    assert selectors.unanswered_count() == 0


def test_the_unanswered_count_is_cached(thread, django_assert_max_num_queries):
    assert selectors.unanswered_count() == 1
    with django_assert_max_num_queries(0):
        assert selectors.unanswered_count() == 1


def test_median_first_answer_over_90_days(member, coordinator):
    now = timezone.now()
    for minutes, days_ago in ((10, 1), (30, 2), (50, 3), (1000, 120)):
        t = CoordinatorThread.objects.create(author=member, subject="s", last_message_at=now)
        opened = now - datetime.timedelta(days=days_ago)
        CoordinatorThread.objects.filter(pk=t.pk).update(
            created_at=opened, first_answer_at=opened + datetime.timedelta(minutes=minutes)
        )
    CoordinatorThread.objects.create(author=member, subject="unanswered", last_message_at=now)
    assert selectors.median_first_answer_minutes(now=now) == 30


def test_lists_cost_a_bounded_number_of_queries(
    api_client, client, member, coordinator, django_assert_max_num_queries
):
    for i in range(12):
        services.thread_open(author=member, subject=f"Sujet {i}", body="texte")
    api_client.force_authenticate(coordinator)
    with django_assert_max_num_queries(8):
        assert len(api_client.get(API).json()["results"]) == 12
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        assert client.get("/membres/jardinier/").status_code == 200
    thread = CoordinatorThread.objects.first()
    for i in range(10):
        services.thread_reply(actor=coordinator, thread=thread, body=f"r{i}")
    with django_assert_max_num_queries(8):
        assert len(api_client.get(f"{API}{thread.pk}/").json()["messages"]) == 11


def test_the_digest_lists_the_jardiniers_answers_of_the_period(thread, member, coordinator):
    from governance.threads.digest import thread_answers_items

    now = timezone.now()
    week_ago = now - datetime.timedelta(days=7)
    # given: only the author's own message so far
    assert thread_answers_items(member, week_ago, now + datetime.timedelta(seconds=1)) == []
    # when: the coordinator answers twice
    services.thread_reply(actor=coordinator, thread=thread, body="Voici une réponse")
    services.thread_reply(actor=coordinator, thread=thread, body="Et un complément")
    until = timezone.now() + datetime.timedelta(seconds=1)
    # then: one item for the thread, counting the two answers; others see nothing
    items = thread_answers_items(member, week_ago, until)
    assert [item.title for item in items] == ["Une question"]
    assert "2" in items[0].note
    assert items[0].url.endswith(f"/{thread.pk}/")
    assert thread_answers_items(coordinator, week_ago, until) == []
    assert thread_answers_items(member, until, until + datetime.timedelta(days=1)) == []


def test_the_pages_answer_400_with_the_error_on_its_field(client, member, thread):
    """The one form pattern: the page again, the error on its field, status 400."""
    client.force_login(member)
    # the form refuses: nothing to send
    response = client.post("/membres/jardinier/nouveau/", {"subject": "Sans message"})
    assert response.status_code == 400
    assert response.context["form"].errors["body"]
    # the service refuses: a file of a type it does not take, said on the field
    exe = SimpleUploadedFile("outil.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(
        "/membres/jardinier/nouveau/", {"subject": "Pièce", "body": "Voici", "attachment": exe}
    )
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert "Ce type de fichier" in response.content.decode()
    assert CoordinatorThread.objects.count() == 1
    # a reply without a body: the thread's page again, nothing added
    response = client.post(f"/membres/jardinier/{thread.pk}/", {"body": ""})
    assert response.status_code == 400
    assert response.context["thread"] == thread
    assert response.context["form"].errors["body"]
    assert ThreadMessage.objects.filter(thread=thread).count() == 1
