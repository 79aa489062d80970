import datetime

import pytest
from django.utils import timezone

from events.models import Event


@pytest.fixture
def event_factory(db, coordinator):
    """An event built through the model (the services are what the tests exercise)."""

    def make(**values) -> Event:
        start = values.pop("starts_at", timezone.now() + datetime.timedelta(days=10))
        values.setdefault("kind", "convivial")
        values.setdefault("title", "Fête des pionniers")
        values.setdefault("visibility", "public")
        values.setdefault("commune", "Briançon")
        return Event.objects.create(
            starts_at=start,
            ends_at=values.pop("ends_at", start + datetime.timedelta(hours=3)),
            created_by=coordinator,
            **values,
        )

    return make
