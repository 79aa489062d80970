import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(3000, 1, 1, tzinfo=datetime.UTC)


class EventDateTimeField(serializers.DateTimeField):
    """The date and time of something the cooperative schedules (an assembly, a vote).

    Limited to the years 2000–2999: an earlier date is a typing error, and a date before
    1911 would come back with Paris mean time's offset (+00:09:21), which is no ISO 8601
    offset a client can read."""

    default_error_messages = {"out_of_range": _("Give a date between the years 2000 and 2999.")}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment < LATEST:
            self.fail("out_of_range")
        return moment
