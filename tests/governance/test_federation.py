"""« Fonctionnement de la fédération » (issue 15 §7): one public page and
GET /api/v1/federation/, built from live data with a bounded number of queries."""

import datetime

import pytest
from django.utils import timezone

from governance.assemblies.models import Assembly, AssemblyStatus
from governance.threads.models import CoordinatorThread

pytestmark = pytest.mark.django_db


def _assembly(title: str, days_ago: int, status=AssemblyStatus.CLOSED) -> Assembly:
    return Assembly.objects.create(
        title=title, date=timezone.now() - datetime.timedelta(days=days_ago), status=status
    )


def test_the_api_answers_from_live_data(api_client, colleges, coordinator, member):
    _assembly("AG de printemps", 30)
    _assembly("AG d'il y a deux ans", 800)
    _assembly("AG à venir", -10, status=AssemblyStatus.CONVENED)
    thread = CoordinatorThread.objects.create(
        author=member, subject="s", last_message_at=timezone.now()
    )
    CoordinatorThread.objects.filter(pk=thread.pk).update(
        first_answer_at=thread.created_at + datetime.timedelta(minutes=42)
    )
    from projects.models import RankingSnapshot

    RankingSnapshot.objects.create(weight_concern=3, weight_cost=2, weight_self_financing=1)
    data = api_client.get("/api/v1/federation/").json()
    assert [c["slug"] for c in data["colleges"]] == list(colleges)
    assert sum(c["vote_weight"] for c in data["colleges"]) == 100
    assert data["weights_valid"] is True
    assert len(data["rights"]) == 4
    assert [d["code"] for d in data["duties"]][:2] == ["shares", "charter"]
    assert data["representative"] is None
    assert [c["name"] for c in data["coordinators"]] == [coordinator.display_name]
    assert data["assemblies"]["held_last_12_months"] == 1
    assert data["assemblies"]["enough"] is False
    assert data["coordinator_door"]["median_first_answer_minutes"] == 42
    assert [c["weight"] for c in data["ranking"]["criteria"]] == [3, 2, 1]
    assert data["funds"] == {"received_cents": 0, "allocated_cents": 0, "available_cents": 0}
    assert isinstance(data["admission_criteria"], list)
    assert data["selection_rule"]


def test_the_page_is_public_and_warns_only_the_coordinator(client, colleges, coordinator):
    html = client.get("/membres/fonctionnement/").content.decode()
    assert "Fonctionnement de la fédération" in html
    assert "deux fois par an une assemblée générale" not in html
    assert "aucun élu pour l’instant" in html or "aucun élu pour l'instant" in html
    client.force_login(coordinator)
    html = client.get("/membres/fonctionnement/").content.decode()
    assert "deux fois par an une assemblée générale" in html
    _assembly("AG 1", 20)
    _assembly("AG 2", 200)
    html = client.get("/membres/fonctionnement/").content.decode()
    assert "deux fois par an une assemblée générale" not in html


def test_the_page_and_api_cost_a_bounded_number_of_queries(
    client, api_client, colleges, coordinator, member, django_assert_max_num_queries
):
    for i in range(15):
        _assembly(f"AG {i}", 10 + i)
        CoordinatorThread.objects.create(
            author=member, subject=f"s{i}", last_message_at=timezone.now()
        )
    with django_assert_max_num_queries(13):  # 12, and the representative's mandate
        assert api_client.get("/api/v1/federation/").status_code == 200
    client.force_login(coordinator)
    with django_assert_max_num_queries(18):
        assert client.get("/membres/fonctionnement/").status_code == 200
