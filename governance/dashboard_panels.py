"""Governance's panels on the member dashboard: standing and duties, votes to cast,
assemblies to come (registered from GovernanceConfig.ready)."""

import rules
from django.utils.translation import gettext_lazy as _

from backend.core.dashboard import PANEL_LIMIT, DashboardPanel, dashboard_panel_register
from governance import selectors
from governance.assemblies.selectors import assembly_list_upcoming
from governance.duties import duty_states, in_good_standing
from governance.votes.selectors import vote_list_awaiting_ballot


def membership_panel(user) -> dict:
    membership = selectors.membership_of(user)
    states = duty_states(membership) if membership else []
    return {
        "membership": membership,
        "states": states,
        "unmet": [s for s in states if s.state == "unmet"],
        "good_standing": membership is not None and in_good_standing(membership),
    }


def _is_member(user) -> bool:
    return selectors.is_active_member(user)


def votes_panel(user) -> dict | None:
    if not user.has_perm("governance.see_votes"):
        return None
    votes = list(vote_list_awaiting_ballot(user=user)[: PANEL_LIMIT + 1])
    return {"votes": votes[:PANEL_LIMIT], "more": len(votes) > PANEL_LIMIT}


def assemblies_panel(user) -> dict | None:
    if not _is_member(user):
        return None
    assemblies = list(assembly_list_upcoming(user=user)[: PANEL_LIMIT + 1])
    return {"assemblies": assemblies[:PANEL_LIMIT], "more": len(assemblies) > PANEL_LIMIT}


def door_panel(user) -> dict | None:
    """The jardinier's door: my latest conversations (the coordinator: the inbox)."""
    from governance.threads.selectors import thread_list_for, thread_may_write

    if not thread_may_write(user):
        return None
    threads = list(thread_list_for(user)[: PANEL_LIMIT + 1])
    return {
        "threads": threads[:PANEL_LIMIT],
        "more": len(threads) > PANEL_LIMIT,
        "inbox": rules.has_perm("governance.answer_threads", user),
    }


def register() -> None:
    dashboard_panel_register(
        DashboardPanel(
            code="coordinator_door",
            title=_("The jardinier's door"),
            template="governance/dashboard/_door.html",
            context=door_panel,
            position=20,
        )
    )
    dashboard_panel_register(
        DashboardPanel(
            code="membership",
            title=_("My membership and duties"),
            template="governance/dashboard/_membership.html",
            context=membership_panel,
            position=10,
        )
    )
    dashboard_panel_register(
        DashboardPanel(
            code="votes",
            title=_("Votes awaiting my ballot"),
            template="governance/dashboard/_votes.html",
            context=votes_panel,
            position=30,
        )
    )
    dashboard_panel_register(
        DashboardPanel(
            code="assemblies",
            title=_("Assemblies to come"),
            template="governance/dashboard/_assemblies.html",
            context=assemblies_panel,
            position=40,
        )
    )


__all__ = ["register"]
