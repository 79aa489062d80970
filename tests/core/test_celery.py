import pytest
from django.core import mail

from backend.core.models import OutboxEmail
from backend.core.outbox import outbox_enqueue
from backend.core.tasks import outbox_send


@pytest.mark.django_db
def test_without_redis_tasks_run_eagerly_in_the_calling_process():
    email = outbox_enqueue(key=None, to=["a@example.org"], subject="Bonjour", body="Corps")
    assert outbox_send.delay(email.pk).get() is True
    assert mail.outbox[-1].subject == "Bonjour"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)  # the worker's thread reads and marks the outbox row
def test_an_outbox_email_is_sent_through_a_real_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app

    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    # Tasks left in the queue by earlier processes (a live server finishing a request
    # after its test ended) are not this test's: the worker must only see its own.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # committed (no transaction around it): the commit hands the row to the worker
        email = outbox_enqueue(
            key="worker:1",
            to=["b@example.org"],
            subject="Par le worker",
            body="Corps",
            html="<p>Corps</p>",
        )
        # a second delivery of the same task (a redelivery) finds it sent
        assert outbox_send.delay(email.pk).get(timeout=30) is False
    sent = [m for m in mail.outbox if m.subject == "Par le worker"]
    assert len(sent) == 1
    assert sent[0].alternatives[0][1] == "text/html"
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
