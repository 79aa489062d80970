"""Permissions on projects (django-rules autodiscovers this module).

Who a person is for a project (author, active member, active pioneer) is read in
``projects/roles.py``; this module turns it into named permissions. The lifecycle table
(``projects/lifecycle.py``) then says which step each role may take, and the services
check the state (a 409 is about the state, a 403 about the person).
"""

import rules

from backend.accounts.roles import is_coordinator
from projects import roles
from projects.lifecycle import PRIVATE_STATES


@rules.predicate
def is_project_author(user, project) -> bool:
    return project is not None and roles.is_author(user, project)


@rules.predicate
def is_public_project(user, project) -> bool:
    return project is not None and project.status not in PRIVATE_STATES


@rules.predicate
def is_active_member(user) -> bool:
    return roles.is_active_member(user)


@rules.predicate
def is_active_pioneer(user) -> bool:
    return roles.is_active_pioneer(user)


is_participant = rules.is_authenticated & (is_active_member | is_coordinator)

# Seeing a project: drafts only to their authors and the coordinator. (The names differ
# from the admin's model permissions, add_/change_/view_project, on purpose.)
rules.add_perm("projects.see_project", is_public_project | is_project_author | is_coordinator)
# Proposing a project: active members (and the coordinator).
rules.add_perm("projects.propose_project", is_participant)
# Editing it: its authors (in the states the services allow) and the coordinator (always).
rules.add_perm("projects.edit_project", is_project_author | is_coordinator)
# Moving it along the lifecycle: its authors and the coordinator, each for their steps.
rules.add_perm("projects.transition_project", is_project_author | is_coordinator)
# Follow-up (updates, milestones) and attachments: its authors and the coordinator.
rules.add_perm("projects.follow_up_project", is_project_author | is_coordinator)
# The coordinator's side: the review screen, every draft, edits in any state.
rules.add_perm("projects.review_project", is_coordinator)
# The discussion: members comment on a project they can see, and report comments;
# the coordinator moderates.
rules.add_perm(
    "projects.comment_project",
    is_participant & (is_public_project | is_project_author | is_coordinator),
)
rules.add_perm("projects.report_comment", is_participant)
rules.add_perm("projects.moderate_comment", is_coordinator)
# "This project concerns me": active pioneers.
rules.add_perm("projects.flag_concern", rules.is_authenticated & is_active_pioneer)
# The impact ranking: the coordinator publishes it.
rules.add_perm("projects.publish_ranking", is_coordinator)
