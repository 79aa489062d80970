"""Every write of the projects app, one module per concern."""

from projects.services.concern import (
    concern_flag,
    concern_shares_refresh,
    concern_unflag,
)
from projects.services.discussion import (
    COMMENT_EDIT_WINDOW,
    comment_create,
    comment_edit,
    comment_hide,
    comment_report,
)
from projects.services.followup import milestone_create, milestone_set_done, project_update_create
from projects.services.lifecycle import project_transition
from projects.services.proposals import (
    attachment_add,
    project_create,
    project_update,
)
from projects.services.ranking import ranking_publish

__all__ = [
    "COMMENT_EDIT_WINDOW",
    "attachment_add",
    "comment_create",
    "comment_edit",
    "comment_hide",
    "comment_report",
    "concern_flag",
    "concern_shares_refresh",
    "concern_unflag",
    "milestone_create",
    "milestone_set_done",
    "project_create",
    "project_transition",
    "project_update",
    "project_update_create",
    "ranking_publish",
]
