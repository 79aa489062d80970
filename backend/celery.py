"""The Celery application: configured from Django's settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("terreau")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
