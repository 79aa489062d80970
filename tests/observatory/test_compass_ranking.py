"""The coordinator weighs the compass score in the impact ranking from its page and the
API: at 0 (the default) nothing changes; above 0 it changes the order and the published
formula shows its term."""

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from projects.models import RankingSnapshot

YEAR = timezone.localdate().year


def _order(snapshot) -> list[tuple[int, int]]:
    return list(snapshot.entries.order_by("rank", "project_id").values_list("project_id", "rank"))


def test_the_ranking_page_weighs_the_compass_score(
    grid, coordinator, member, client, project_assessed
):
    low = project_assessed(1, "Projet Bas")
    high = project_assessed(5, "Projet Haut")
    client.force_login(coordinator)
    page = client.get(reverse("projects:ranking"))
    field = page.context["form"].fields["weight_extra_compass"]
    assert field.initial == 0
    base = {"weight_concern": 1, "weight_cost": 1, "weight_self_financing": 1, "note": ""}
    assert client.post(reverse("projects:ranking"), base).status_code == 302
    without = RankingSnapshot.objects.latest("id")
    zero = client.post(reverse("projects:ranking"), {**base, "weight_extra_compass": 0})
    assert zero.status_code == 302
    at_zero = RankingSnapshot.objects.latest("id")
    assert at_zero.extra_weights == {}
    assert _order(at_zero) == _order(without) == sorted([(low.pk, 1), (high.pk, 1)])
    html = client.get(reverse("projects:ranking")).content.decode()
    assert 'class="ranking-formula"' not in html
    weighed = client.post(reverse("projects:ranking"), {**base, "weight_extra_compass": 3})
    assert weighed.status_code == 302
    snapshot = RankingSnapshot.objects.latest("id")
    assert snapshot.extra_weights == {"compass": 3}
    assert _order(snapshot) == [(high.pk, 1), (low.pk, 2)]
    entry = snapshot.entries.get(project=high)
    # 1/6 compass share × score 1.0 on top of the tied criteria's part.
    tied = snapshot.entries.get(project=low).criteria
    assert entry.criteria["compass"]["value"] == 1.0
    assert tied["compass"]["value"] == 0.2
    html = client.get(reverse("projects:ranking")).content.decode()
    assert 'class="ranking-formula"' in html
    assert "+ 3 × " in html
    assert "1 + 1 + 1 + 3" in html
    from projects.federation import ranking_formula

    criteria = {c["code"]: c["weight"] for c in ranking_formula()["criteria"]}
    assert criteria == {"concern": 1, "cost": 1, "self_financing": 1, "compass": 3}
    negative = client.post(reverse("projects:ranking"), {**base, "weight_extra_compass": -1})
    assert negative.status_code == 400
    assert RankingSnapshot.objects.count() == 3


def test_the_ranking_api_takes_the_compass_weight(grid, coordinator, member, project_assessed):
    low = project_assessed(1, "Projet Bas")
    high = project_assessed(5, "Projet Haut")
    api = APIClient()
    api.force_authenticate(coordinator)
    weights = {"concern": 1, "cost": 1, "self_financing": 1}
    plain = api.post(reverse("api:project-ranking"), {"weights": weights}, format="json")
    assert plain.status_code == 201, plain.json()
    assert plain.json()["weights"]["extra"] == {}
    assert {e["rank"] for e in plain.json()["entries"]} == {1}
    body = {"weights": {**weights, "extra": {"compass": 2}}}
    weighed = api.post(reverse("api:project-ranking"), body, format="json")
    assert weighed.status_code == 201, weighed.json()
    assert weighed.json()["weights"]["extra"] == {"compass": 2}
    assert [e["project"] for e in weighed.json()["entries"]] == [high.pk, low.pk]
    unknown = api.post(
        reverse("api:project-ranking"),
        {"weights": {**weights, "extra": {"nope": 1}}},
        format="json",
    )
    assert unknown.status_code == 400
    assert RankingSnapshot.objects.count() == 2
