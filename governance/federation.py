"""« Fonctionnement de la fédération »: how the cooperative works, built from live data.

Governance knows the colleges, rights and duties, the coordinators, the assemblies and
the jardinier's door. What apps to its right own (the pioneers' admission criteria, the
projects' ranking formula, the funds) comes through ``federation_section_register``, so
governance imports nothing from them: each app registers a section from its
AppConfig.ready, with a function returning JSON-ready data in a fixed number of queries.

The representative of the community is the live mandate (``governance/representative``),
or null while none runs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.roles import coordinators as coordinators_all
from governance.assemblies.models import Assembly, AssemblyStatus
from governance.duties import duties_all
from governance.models import CooperativeSettings
from governance.representative.selectors import mandate_current, mandate_data
from governance.selectors import college_list, college_weights_check
from governance.threads.selectors import MEDIAN_WINDOW_DAYS, median_first_answer_minutes

ASSEMBLIES_PER_YEAR = 2


@dataclass(frozen=True)
class FederationSection:
    code: str
    title: str | Promise
    template: str
    data: Callable[[], dict | list | None]
    position: int = 100


_REGISTRY: dict[str, FederationSection] = {}


def federation_section_register(section: FederationSection) -> None:
    """Add or replace a section (apps call it from their AppConfig.ready)."""
    _REGISTRY[section.code] = section


def federation_sections_all() -> list[FederationSection]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.position, s.code))


def rights() -> list[str]:
    # The rights of seed 002 (« Les droits des pionniers »).
    return [
        _("Take part in the choice of the common project."),
        _(
            "Be informed of the allocation of funds, of the selection method and of the "
            "definition of a pioneer."
        ),
        _("A privileged contact with the coordinator."),
        _("Submit a project."),
    ]


def selection_rule(max_in_progress: int = 1) -> str:
    return " ".join(
        [
            _(
                "Pioneers propose projects; the coordinator ranks the proposals by impact with "
                "the published formula; members vote on the projects put to the vote."
            ),
            _(
                "When the vote closes, its winner is selected and the other projects are not; "
                "a tie the counting method cannot break is left to the coordinator, who may "
                "also override the count, only with a public written reason."
            ),
            ngettext(
                "The selected projects are carried out one by one, in order of impact: at most "
                "%(n)d in progress at a time, the first of the published ranking next; starting "
                "another one needs a public reason.",
                "The selected projects are carried out in order of impact: at most %(n)d in "
                "progress at a time, the first of the published ranking next; starting another "
                "one needs a public reason.",
                max_in_progress,
            )
            % {"n": max_in_progress},
        ]
    )


def federation_overview(*, now=None) -> dict:
    """Everything the page and ``GET /api/v1/federation/`` show, as plain data."""
    now = now or timezone.now()
    coop = CooperativeSettings.load()
    check = college_weights_check()
    colleges = [
        {
            "name": c.name,
            "slug": c.slug,
            "description": c.description,
            "vote_weight": float(c.vote_weight),
            "member_count": c.member_count,
            "is_pioneers": c.is_pioneers,
        }
        for c in college_list(active_only=True)
    ]
    coordinators = [{"name": u.display_name} for u in coordinators_all().order_by("id")[:10]]
    since = now - timedelta(days=365)
    held = list(
        Assembly.objects.filter(status=AssemblyStatus.CLOSED, date__gte=since, date__lte=now)
        .order_by("-date")
        .values("title", "date", "kind")[:20]
    )
    data = {
        "name": coop.name,
        "legal_form": coop.get_legal_form_display(),
        "share_nominal_cents": coop.share_nominal_cents,
        "min_shares": coop.min_shares,
        "max_shares": coop.max_shares,
        "colleges": colleges,
        "weights_total": float(check.total),
        "weights_valid": check.ok,
        "rights": rights(),
        "duties": [{"code": d.code, "label": str(d.label)} for d in duties_all()],
        "selection_rule": selection_rule(coop.max_projects_in_progress),
        "representative": mandate_data(mandate_current()),
        "coordinators": coordinators,
        "assemblies": {
            "held_last_12_months": len(held),
            "expected_per_year": ASSEMBLIES_PER_YEAR,
            "enough": len(held) >= ASSEMBLIES_PER_YEAR,
            "list": [
                {"title": a["title"], "date": a["date"].isoformat(), "kind": a["kind"]}
                for a in held
            ],
        },
        "coordinator_door": {
            "median_first_answer_minutes": median_first_answer_minutes(now=now),
            "window_days": MEDIAN_WINDOW_DAYS,
        },
    }
    for section in federation_sections_all():
        data[section.code] = section.data()
    return data
