import pytest
from django.core import mail

from backend.core.tasks import email_send


@pytest.mark.django_db  # the e-mail task records that it sent (SentEmail)
def test_without_redis_tasks_run_eagerly_in_the_calling_process():
    result = email_send.delay(
        subject="Bonjour", body="Corps", to=["a@example.org"], from_email="t@example.org"
    )
    assert result.get() == 1
    assert mail.outbox[-1].subject == "Bonjour"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)  # the worker's thread records the SentEmail marker
def test_a_task_runs_through_a_real_worker_on_redis():
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app

    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    # Tasks left in the queue by earlier processes (a live server finishing a request
    # after its test ended) are not this test's: the worker must only see its own.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        result = email_send.delay(
            subject="Par le worker",
            body="Corps",
            to=["b@example.org"],
            html="<p>Corps</p>",
            from_email="t@example.org",
        )
        assert result.get(timeout=30) == 1
    sent = [m for m in mail.outbox if m.subject == "Par le worker"]
    assert len(sent) == 1
    assert sent[0].alternatives[0][1] == "text/html"
