"""The ranking formula on the federation page (registered from ProjectsConfig.ready)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.federation import FederationSection, federation_section_register
from projects.models import RankingSnapshot
from projects.selectors import ranking_extra_criteria


def ranking_formula() -> dict:
    """The criteria of seed 002 and the weights of the latest published ranking."""
    latest = (
        RankingSnapshot.objects.order_by("-published_at", "-id")
        .values(
            "published_at",
            "weight_concern",
            "weight_cost",
            "weight_self_financing",
            "extra_weights",
        )
        .first()
    )
    criteria = [
        ("concern", _("Share of active pioneers concerned by the project")),
        ("cost", _("Estimated cost (the cheapest scores best)")),
        ("self_financing", _("Share of the cost the project can finance itself")),
    ]
    weights = {}
    if latest:
        weights = {
            "concern": latest["weight_concern"],
            "cost": latest["weight_cost"],
            "self_financing": latest["weight_self_financing"],
        }
    # An optional criterion (the compass score) is part of the formula once weighed.
    extra = [
        {"code": term["key"], "label": term["label"], "weight": term["weight"]}
        for term in ranking_extra_criteria((latest or {}).get("extra_weights"))
    ]
    return {
        "formula": _(
            "Each criterion gives a value between 0 and 1; the score is the mean of the "
            "values weighted by the coordinator's published weights (an optional criterion, "
            "such as the compass score, counts only once it is given a weight)."
        ),
        "criteria": [
            {"code": code, "label": label, "weight": weights.get(code)} for code, label in criteria
        ]
        + extra,
        "published_at": latest["published_at"].isoformat() if latest else None,
    }


def register() -> None:
    federation_section_register(
        FederationSection(
            code="ranking",
            title=gettext_lazy("How projects are ranked"),
            template="projects/federation/_ranking.html",
            data=ranking_formula,
            position=30,
        )
    )
