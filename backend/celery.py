"""The Celery application: configured from Django's settings (``CELERY_*``)."""

import logging
import os
import time

from celery import Celery, Task
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

logger = logging.getLogger(__name__)

_UNREACHABLE = (OperationalError, RedisError, ConnectionError)
# After a failed send, the next tasks run in the process without trying the broker for
# this long: an outage costs one connection attempt per pause, not one per task.
RETRY_BROKER_AFTER_SECONDS = 5.0


class ResilientTask(Task):
    """A task whose sending survives a broker outage.

    Services enqueue side effects with ``transaction.on_commit(lambda: task.delay(…))``:
    if Redis is down at that moment, the write has already committed and the message
    would be lost (and the page would fail after the fact). Instead the task runs here
    and now, in the calling process — every task is safe to run twice, and the periodic
    catch-up tasks pick up whatever still fails. Its own errors are logged, not raised:
    the request that enqueued it has already succeeded."""

    broker_down_until = 0.0  # shared by every task of the process (set on the base class)

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None,
                    link_error=None, shadow=None, **options):  # fmt: skip
        if time.monotonic() < ResilientTask.broker_down_until:
            return self._run_here(args, kwargs, task_id)
        try:
            return super().apply_async(
                args, kwargs, task_id=task_id, producer=producer, link=link,
                link_error=link_error, shadow=shadow, **options,
            )  # fmt: skip
        except (*_UNREACHABLE, RuntimeError) as exc:
            # Celery's Redis result backend gives up with a RuntimeError whose cause is
            # the connection error; any other RuntimeError is a bug and goes up.
            if isinstance(exc, RuntimeError) and not isinstance(exc.__cause__, _UNREACHABLE):
                raise
            logger.warning("Broker unreachable (%s): running %s in this process", exc, self.name)
            ResilientTask.broker_down_until = time.monotonic() + RETRY_BROKER_AFTER_SECONDS
            return self._run_here(args, kwargs, task_id)

    def _run_here(self, args, kwargs, task_id):
        result = self.apply(args, kwargs, task_id=task_id, throw=False)
        if result.failed():
            logger.error(
                "%s failed while the broker was down (%r); its catch-up retries it",
                self.name,
                result.result,
            )
        return result


app = Celery("terreau", task_cls=ResilientTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
