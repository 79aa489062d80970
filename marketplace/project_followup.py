"""What the marketplace tells a project's follow-up: hours and money received."""

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from backend.core.money import format_cents, format_minutes
from marketplace.models import Fund, FundAllocation
from marketplace.selectors.listings import project_hours_received
from projects.followup import FollowupFigure
from projects.models import Project


def project_followup_figures(project: Project) -> list[FollowupFigure]:
    """Three aggregate queries, whatever the history's length."""
    fund = Fund.objects.filter(project=project).only("received_cents").first()
    allocated = FundAllocation.objects.filter(project=project).aggregate(
        total=Coalesce(Sum("amount_cents"), 0)
    )["total"]
    return [
        FollowupFigure(
            _("Hours given to the project"), format_minutes(project_hours_received(project))
        ),
        FollowupFigure(
            _("Contributions received for the project"),
            format_cents(fund.received_cents if fund else 0),
        ),
        FollowupFigure(_("Money allocated to the project"), format_cents(allocated)),
    ]
