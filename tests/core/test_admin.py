"""Every admin screen opens for the superuser (the coordinator's back office)."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(user)
    return client


def test_every_changelist_and_a_change_page_open_on_the_demo_data(superuser_client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    opened_rows = 0
    for model in MODEL_ADMINS:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = superuser_client.get(reverse(f"{prefix}_changelist"))
        assert response.status_code == 200, (model._meta.label, response.status_code)
        obj = model._default_manager.first()
        if obj is not None:
            response = superuser_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
            assert response.status_code == 200, (model._meta.label, "change", response.status_code)
            opened_rows += 1
    # the demo fills most tables: the change pages were really exercised
    assert opened_rows >= len(MODEL_ADMINS) // 2


def test_members_cannot_open_the_admin(member_client):
    response = member_client.get("/admin/projects/project/")
    assert response.status_code in (302, 403)
