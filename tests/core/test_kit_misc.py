"""The kit's locks, money formatting and permission helpers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from backend.core import locks
from backend.core.locks import LockOrderError, lock_row, lock_rows
from backend.core.models import AuditEvent, OutboxEmail
from backend.core.money import format_cents
from backend.core.permissions import HasRule, coordinator_required, rule_required


@pytest.mark.parametrize(
    ("language", "cents", "expected"),
    [
        ("fr", 1250, "12,50\u00a0€"),
        ("fr", 1500, "15\u00a0€"),
        ("fr", 123456700, "1\u202f234\u202f567\u00a0€"),
        ("en", 1250, "€12.50"),
        ("en", 123456700, "€1,234,567"),
        ("fr", None, ""),
    ],
)
def test_format_cents(language, cents, expected):
    with translation.override(language):
        result = format_cents(cents)

    # Separators come from Django's locale data: compare without caring which space.
    def normalise(text):
        return text.replace("\u202f", " ").replace("\u00a0", " ")

    assert normalise(result) == normalise(expected)


def test_format_cents_other_currency():
    with translation.override("en"):
        assert format_cents(990, "CHF") == "9.90\u00a0CHF"


@pytest.mark.django_db
def test_lock_rows_returns_the_rows_in_pk_order(user_factory):
    ids = [AuditEvent.objects.create(action=f"a{i}").pk for i in range(3)]
    with transaction.atomic():
        rows = lock_rows(AuditEvent, reversed(ids))
        assert [row.pk for row in rows] == sorted(ids)
        assert lock_row(AuditEvent.objects.filter(action="a1")).pk == ids[1]


@pytest.mark.django_db(transaction=True)
def test_lock_order_is_checked_within_a_transaction(settings, monkeypatch):
    settings.TERREAU_LOCK_ORDER_CHECK = True
    monkeypatch.setattr(locks, "LOCK_ORDER", ("core.AuditEvent", "core.OutboxEmail"))
    with transaction.atomic():
        lock_rows(AuditEvent)
        lock_rows(OutboxEmail)  # forwards: fine
        with pytest.raises(LockOrderError):
            lock_rows(AuditEvent)  # backwards: refused
    with transaction.atomic():
        lock_rows(OutboxEmail)  # a new transaction starts afresh
    monkeypatch.setattr(locks, "LOCK_ORDER", ("core.AuditEvent",))
    with transaction.atomic(), pytest.raises(LockOrderError):
        lock_rows(OutboxEmail)  # a table missing from the order


def _ok(request, **kwargs):
    return HttpResponse("ok")


@pytest.mark.django_db
def test_rule_required_sends_visitors_to_login_and_refuses_others(user_factory, coordinator):
    factory = RequestFactory()
    request = factory.get("/secret/")
    request.user = AnonymousUser()
    response = coordinator_required(_ok)(request)
    assert response.status_code == 302
    assert "/secret/" in response["Location"]
    request.user = user_factory()
    with pytest.raises(PermissionDenied):
        coordinator_required(_ok)(request)
    request.user = coordinator
    assert coordinator_required(_ok)(request).status_code == 200


@pytest.mark.django_db
def test_rule_required_checks_the_object(user_factory):
    import rules

    owner, other = user_factory(), user_factory()
    rules.add_perm("kit_test.own", rules.predicate(lambda user, obj: obj == user.pk))
    try:
        view = rule_required("kit_test.own", fn=lambda request, pk: pk)(_ok)
        request = RequestFactory().get("/x/")
        request.user = owner
        assert view(request, pk=owner.pk).status_code == 200
        request.user = other
        with pytest.raises(PermissionDenied):
            view(request, pk=owner.pk)
    finally:
        rules.remove_perm("kit_test.own")


@pytest.mark.django_db
def test_has_rule_permission_class(user_factory, coordinator):
    permission = HasRule("accounts.coordinate")()
    request = RequestFactory().get("/api/")
    request.user = user_factory()
    assert permission.has_permission(request, view=None) is False
    request.user = coordinator
    assert permission.has_permission(request, view=None) is True
