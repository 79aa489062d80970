import pytest
from django.core import mail

from backend.core.tasks import email_send


def test_without_redis_tasks_run_eagerly_in_the_calling_process():
    result = email_send.delay(
        subject="Bonjour", body="Corps", to=["a@example.org"], from_email="t@example.org"
    )
    assert result.get() == 1
    assert mail.outbox[-1].subject == "Bonjour"


@pytest.mark.celery_worker
def test_a_task_runs_through_a_real_worker_on_redis(monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from backend.celery import app

    assert app.conf.task_always_eager is False
    assert app.conf.broker_url.startswith("redis://")
    # Tasks left in the queue by earlier processes (a live server finishing a request
    # after its test ended) are not this test's: the worker must only see its own.
    app.control.purge()
    # The worker runs Django's system checks on start; on PostgreSQL they ask the server
    # its version, a database access this database-free test does not allow (CI runs the
    # checks on their own).
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
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
