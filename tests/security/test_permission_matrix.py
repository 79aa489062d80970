"""The permission matrix: every URL of the project × every role, with the status expected.

The URLs are discovered from the URL conf (allauth, the admin and the API included), so a
new address cannot be forgotten: a pattern with no row in ``EXPECTED`` fails the test.
Each address is filled with real objects of the security world (tests/security/conftest.py)
and requested with GET by every role; where the GET is refused, a POST must be refused too
(a login redirect, 401, 403, 404 or 405, never a 2xx). No response anywhere is a 500.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import resolve_url

from tests.security.conftest import ROLES
from tests.security.targets import ADMIN_MODELS, TARGETS, admin_targets, kwargs_for
from tests.security.urlmap import discover, url_for

LOGIN = "login"  # 302 to the sign-in page
ADMIN = "admin-login"  # 302 to the admin's sign-in page
REDIRECT = "redirect"  # 302 anywhere else (done already, nothing to show...)
REFUSED = {LOGIN, ADMIN, 401, 403, 404}  # a GET refused to this role
DENIED = {*REFUSED, 405}  # what a POST refused to this role may answer

MEMBERS = (*(r for r in ROLES if r.startswith("member-")), "pioneer", "unmet")


def E(*, all, members=None, **roles) -> dict[str, object]:
    """Expected GET status per role: ``all`` for everyone, ``members`` for the eight
    member roles (each college, the pioneer, the member with unmet duties), then one
    role by name (``member_fondateurs``, ``coordinator``...)."""
    expected = dict.fromkeys(ROLES, all)
    if members is not None:
        expected.update(dict.fromkeys(MEMBERS, members))
    for role, status in roles.items():
        role = role.replace("_", "-")
        assert role in expected, f"unknown role {role}"
        expected[role] = status
    return expected


# The admin pages whose answer to the staff differs from 200 (no such permission: 403;
# no such object in the world: a redirect to the index).
ADMIN_STAFF: dict[str, dict] = {
    "admin:auth_group_changelist": {"coordinator": 403, "superuser": 200},
    "admin:auth_group_add": {"coordinator": 403, "superuser": 200},
    "admin:auth_group_history": {"coordinator": 403, "superuser": 200},
    "admin:auth_group_delete": {"coordinator": 403, "superuser": 200},
    "admin:auth_group_change": {"coordinator": 403, "superuser": 200},
    "admin:auth_user_password_change": {"coordinator": 403, "superuser": 200},
    "admin:accounts_user_changelist": {"coordinator": 403, "superuser": 200},
    "admin:accounts_user_add": {"coordinator": 403, "superuser": 200},
    "admin:accounts_user_history": {"coordinator": 403, "superuser": 200},
    "admin:accounts_user_delete": {"coordinator": 403, "superuser": 200},
    "admin:accounts_user_change": {"coordinator": 403, "superuser": 200},
    "admin:authtoken_tokenproxy_changelist": {"coordinator": 403, "superuser": 200},
    "admin:authtoken_tokenproxy_add": {"coordinator": 403, "superuser": 200},
    "admin:authtoken_tokenproxy_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:authtoken_tokenproxy_delete": {"coordinator": 403, "superuser": REDIRECT},
    "admin:authtoken_tokenproxy_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:account_emailaddress_changelist": {"coordinator": 403, "superuser": 200},
    "admin:account_emailaddress_add": {"coordinator": 403, "superuser": 200},
    "admin:account_emailaddress_history": {"coordinator": 403, "superuser": 200},
    "admin:account_emailaddress_delete": {"coordinator": 403, "superuser": 200},
    "admin:account_emailaddress_change": {"coordinator": 403, "superuser": 200},
    "admin:mfa_authenticator_changelist": {"coordinator": 403, "superuser": 200},
    "admin:mfa_authenticator_add": {"coordinator": 403, "superuser": 200},
    "admin:mfa_authenticator_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:mfa_authenticator_delete": {"coordinator": 403, "superuser": REDIRECT},
    "admin:mfa_authenticator_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:core_auditevent_changelist": {"coordinator": 403, "superuser": 200},
    "admin:core_auditevent_add": {"coordinator": 403, "superuser": 403},
    "admin:core_auditevent_history": {"coordinator": 403, "superuser": 200},
    "admin:core_auditevent_delete": {"coordinator": 403, "superuser": 403},
    "admin:core_auditevent_change": {"coordinator": 403, "superuser": 200},
    "admin:territories_territory_changelist": {"coordinator": 403, "superuser": 200},
    "admin:territories_territory_add": {"coordinator": 403, "superuser": 403},
    "admin:territories_territory_history": {"coordinator": 403, "superuser": 200},
    "admin:territories_territory_delete": {"coordinator": 403, "superuser": 403},
    "admin:territories_territory_change": {"coordinator": 403, "superuser": 200},
    "admin:territories_territorydataset_changelist": {"coordinator": 403, "superuser": 200},
    "admin:territories_territorydataset_add": {"coordinator": 403, "superuser": 403},
    "admin:territories_territorydataset_history": {"coordinator": 403, "superuser": 200},
    "admin:territories_territorydataset_delete": {"coordinator": 403, "superuser": 403},
    "admin:territories_territorydataset_change": {"coordinator": 403, "superuser": 200},
    "admin:observatory_gridversion_changelist": {"coordinator": 403, "superuser": 200},
    "admin:observatory_gridversion_add": {"coordinator": 403, "superuser": 403},
    "admin:observatory_gridversion_history": {"coordinator": 403, "superuser": 200},
    "admin:observatory_gridversion_delete": {"coordinator": 403, "superuser": 403},
    "admin:observatory_gridversion_change": {"coordinator": 403, "superuser": 200},
    "admin:observatory_assessment_changelist": {"coordinator": 200, "superuser": 200},
    "admin:observatory_assessment_add": {"coordinator": 403, "superuser": 403},
    "admin:observatory_assessment_history": {"coordinator": 200, "superuser": 200},
    "admin:observatory_assessment_delete": {"coordinator": 403, "superuser": 403},
    "admin:observatory_assessment_change": {"coordinator": 200, "superuser": 200},
    "admin:core_outboxemail_changelist": {"coordinator": 403, "superuser": 200},
    "admin:core_outboxemail_add": {"coordinator": 403, "superuser": 403},
    # the world's own e-mails (sign-ups, notices, threads, committee decisions) are outbox rows
    "admin:core_outboxemail_history": {"coordinator": 403, "superuser": 200},
    "admin:core_outboxemail_delete": {"coordinator": 403, "superuser": 200},
    "admin:core_outboxemail_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_cooperativesettings_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_cooperativesettings_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_cooperativesettings_history": {"coordinator": 403, "superuser": 200},
    "admin:governance_cooperativesettings_delete": {"coordinator": 403, "superuser": 403},
    "admin:governance_cooperativesettings_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_college_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_college_add": {"coordinator": 403, "superuser": 200},
    "admin:governance_college_history": {"coordinator": 403, "superuser": 200},
    "admin:governance_college_delete": {"coordinator": 403, "superuser": 200},
    "admin:governance_college_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_membership_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_membership_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_membership_history": {"coordinator": 403, "superuser": 200},
    "admin:governance_membership_delete": {"coordinator": 403, "superuser": 200},
    "admin:governance_membership_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_charter_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_charter_add": {"coordinator": 403, "superuser": 200},
    "admin:governance_charter_history": {"coordinator": 403, "superuser": 200},
    "admin:governance_charter_delete": {"coordinator": 403, "superuser": 200},
    "admin:governance_charter_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_charteracceptance_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_charteracceptance_add": {"coordinator": 403, "superuser": 200},
    "admin:governance_charteracceptance_history": {"coordinator": 403, "superuser": 200},
    "admin:governance_charteracceptance_delete": {"coordinator": 403, "superuser": 200},
    "admin:governance_charteracceptance_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_dutyreminder_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_dutyreminder_add": {"coordinator": 403, "superuser": 200},
    "admin:governance_dutyreminder_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:governance_dutyreminder_delete": {"coordinator": 403, "superuser": REDIRECT},
    "admin:governance_dutyreminder_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:governance_coordinatorthread_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_coordinatorthread_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_coordinatorthread_history": {"coordinator": 403, "superuser": 200},
    "admin:governance_coordinatorthread_delete": {"coordinator": 403, "superuser": 200},
    "admin:governance_coordinatorthread_change": {"coordinator": 403, "superuser": 200},
    "admin:governance_representativeelection_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_representativeelection_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_representativeelection_history": {
        "coordinator": REDIRECT,
        "superuser": REDIRECT,
    },
    "admin:governance_representativeelection_delete": {"coordinator": 403, "superuser": 403},
    "admin:governance_representativeelection_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:governance_mandate_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_mandate_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_mandate_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:governance_mandate_delete": {"coordinator": 403, "superuser": 403},
    "admin:governance_mandate_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:governance_sharerefund_changelist": {"coordinator": 403, "superuser": 200},
    "admin:governance_sharerefund_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_sharerefund_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:governance_sharerefund_delete": {"coordinator": 403, "superuser": REDIRECT},
    "admin:governance_sharerefund_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:governance_vote_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_vote_delete": {"coordinator": 403, "superuser": 403},
    "admin:governance_participation_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_participation_delete": {"coordinator": 403, "superuser": 403},
    "admin:governance_voteresult_add": {"coordinator": 403, "superuser": 403},
    "admin:governance_voteresult_delete": {"coordinator": 403, "superuser": 403},
    "admin:pioneers_theme_changelist": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_theme_add": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_theme_history": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_theme_delete": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_theme_change": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_skill_changelist": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_skill_add": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_skill_history": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_skill_delete": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_skill_change": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_criterion_changelist": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_criterion_add": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_criterion_history": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_criterion_delete": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_criterion_change": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_pioneer_add": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_pioneer_delete": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_application_add": {"coordinator": 403, "superuser": 403},
    "admin:pioneers_application_delete": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_importjob_changelist": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_importjob_add": {"coordinator": 403, "superuser": 403},
    "admin:pioneers_importjob_history": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_importjob_delete": {"coordinator": 403, "superuser": 200},
    "admin:pioneers_importjob_change": {"coordinator": 403, "superuser": 200},
    "admin:projects_project_changelist": {"coordinator": 403, "superuser": 200},
    "admin:projects_project_add": {"coordinator": 403, "superuser": 200},
    "admin:projects_project_history": {"coordinator": 403, "superuser": 200},
    "admin:projects_project_delete": {"coordinator": 403, "superuser": 200},
    "admin:projects_project_change": {"coordinator": 403, "superuser": 200},
    "admin:projects_comment_changelist": {"coordinator": 403, "superuser": 200},
    "admin:projects_comment_add": {"coordinator": 403, "superuser": 200},
    "admin:projects_comment_history": {"coordinator": 403, "superuser": 200},
    "admin:projects_comment_delete": {"coordinator": 403, "superuser": 200},
    "admin:projects_comment_change": {"coordinator": 403, "superuser": 200},
    "admin:projects_commentreport_changelist": {"coordinator": 403, "superuser": 200},
    "admin:projects_commentreport_add": {"coordinator": 403, "superuser": 403},
    "admin:projects_commentreport_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:projects_commentreport_delete": {"coordinator": 403, "superuser": 403},
    "admin:projects_commentreport_change": {"coordinator": 403, "superuser": REDIRECT},
    "admin:projects_projectupdate_changelist": {"coordinator": 403, "superuser": 200},
    "admin:projects_projectupdate_add": {"coordinator": 403, "superuser": 200},
    "admin:projects_projectupdate_history": {"coordinator": 403, "superuser": 200},
    "admin:projects_projectupdate_delete": {"coordinator": 403, "superuser": 200},
    "admin:projects_projectupdate_change": {"coordinator": 403, "superuser": 200},
    "admin:projects_rankingsnapshot_changelist": {"coordinator": 403, "superuser": 200},
    "admin:projects_rankingsnapshot_add": {"coordinator": 403, "superuser": 403},
    "admin:projects_rankingsnapshot_history": {"coordinator": 403, "superuser": 200},
    "admin:projects_rankingsnapshot_delete": {"coordinator": 403, "superuser": 403},
    "admin:projects_rankingsnapshot_change": {"coordinator": 403, "superuser": 200},
    "admin:events_event_changelist": {"coordinator": 403, "superuser": 200},
    "admin:events_event_add": {"coordinator": 403, "superuser": 200},
    "admin:events_event_history": {"coordinator": 403, "superuser": 200},
    "admin:events_event_delete": {"coordinator": 403, "superuser": 200},
    "admin:events_event_change": {"coordinator": 403, "superuser": 200},
    "admin:events_registration_changelist": {"coordinator": 403, "superuser": 200},
    "admin:events_registration_add": {"coordinator": 403, "superuser": 403},
    "admin:events_registration_history": {"coordinator": 403, "superuser": 200},
    "admin:events_registration_delete": {"coordinator": 403, "superuser": 403},
    "admin:events_registration_change": {"coordinator": 403, "superuser": 200},
    "admin:marketplace_contributionsettings_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_contributionsettings_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_fund_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_fund_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_contribution_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_contribution_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_payment_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_payment_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_fundallocation_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_fundallocation_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_stripeevent_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_stripeevent_history": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:marketplace_stripeevent_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_stripeevent_change": {"coordinator": REDIRECT, "superuser": REDIRECT},
    "admin:marketplace_receiptcounter_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_receiptcounter_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_timeaccount_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_timeaccount_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_timetransfer_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_timetransfer_delete": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_listing_add": {"coordinator": 403, "superuser": 200},
    "admin:marketplace_listing_delete": {"coordinator": 403, "superuser": 200},
    "admin:marketplace_exchange_add": {"coordinator": 403, "superuser": 403},
    "admin:marketplace_exchange_delete": {"coordinator": 403, "superuser": 403},
}


def _admin_rows() -> dict[str, dict]:
    """The admin's per-model pages: staff only. A coordinator is staff with the model
    permissions the coordinators' group holds; a superuser holds them all."""
    rows = {}
    for label in ADMIN_MODELS:
        app_label, model = label.split(".")
        for view in ("changelist", "add", "history", "delete", "change"):
            name = f"admin:{app_label}_{model}_{view}"
            rows[name] = E(
                all=ADMIN, **ADMIN_STAFF.get(name, {"coordinator": 200, "superuser": 200})
            )
        rows[f"admin/{app_label}/{model}/<path:object_id>/"] = E(
            all=ADMIN, coordinator=REDIRECT, superuser=REDIRECT
        )
    return rows


EXPECTED: dict[str, dict] = {
    "home": E(all=200),
    "about": E(all=200),
    "healthz": E(all=200),
    "set_language": E(all=REDIRECT),
    "javascript-catalog": E(all=200),
    "account_login": E(all=REDIRECT, visitor=200),
    "account_logout": E(all=200, visitor=REDIRECT),
    "account_inactive": E(all=200),
    "account_signup": E(all=REDIRECT, visitor=200),
    "account_reauthenticate": E(all=200, visitor=LOGIN),
    "account_request_reauthentication_code": E(all=200, visitor=LOGIN),
    "account_confirm_reauthentication_code": E(all=REDIRECT, visitor=LOGIN),
    "account_email": E(all=200, visitor=LOGIN),
    "account_email_verification_sent": E(all=200),
    "account_change_password": E(all=200, visitor=LOGIN),
    "account_set_password": E(all=REDIRECT, visitor=LOGIN),
    "account_reset_password": E(all=200),
    "account_confirm_login_code": E(all=REDIRECT, visitor=LOGIN),
    "account_confirm_email": E(all=200),
    "account_reset_password_from_key_done": E(all=200),
    "account_reset_password_from_key": E(all=200),
    "account_reset_password_done": E(all=200),
    "mfa_index": E(all=200, visitor=LOGIN),
    "mfa_authenticate": E(all=REDIRECT, visitor=LOGIN),
    "mfa_reauthenticate": E(all=REDIRECT, visitor=LOGIN),
    "mfa_activate_totp": E(all=REDIRECT, visitor=LOGIN),
    "mfa_deactivate_totp": E(all=404, visitor=LOGIN),
    "mfa_view_recovery_codes": E(all=404, visitor=LOGIN),
    "mfa_generate_recovery_codes": E(all=REDIRECT, visitor=LOGIN),
    "mfa_download_recovery_codes": E(all=404, visitor=LOGIN),
    "governance:dashboard": E(all=200, visitor=LOGIN),
    "dashboard": E(all=200, visitor=LOGIN),
    "privacy:my_data": E(all=200, visitor=LOGIN),
    "privacy:export": E(all=405, visitor=LOGIN),
    "privacy:erase": E(all=200, visitor=LOGIN),
    "privacy:person_erase": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "audit:list": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "audit:export": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:apply": E(all=200, visitor=LOGIN),
    "governance:colleges": E(all=200),
    "governance:charter": E(all=200),
    "governance:federation": E(all=200),
    "governance:subscribe": E(all=200, visitor=LOGIN),
    "governance:threads": E(all=200, visitor=LOGIN),
    "governance:thread_create": E(all=200, visitor=LOGIN, account=REDIRECT),
    "governance:thread_detail": E(all=404, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:thread_close": E(all=405, visitor=LOGIN),
    "governance:thread_attachment": E(all=404, visitor=LOGIN),
    "governance:representative": E(all=200),
    "governance:representative_create": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:representative_detail": E(all=404),
    "governance:representative_stand": E(all=405, visitor=LOGIN),
    "governance:representative_put_to_vote": E(
        all=403, visitor=LOGIN, coordinator=405, superuser=405
    ),
    "governance:representative_withdraw": E(all=405, visitor=LOGIN),
    "governance:members": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:member_create": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:register": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:member_detail": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:member_action": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "governance:assembly_list": E(all=200, visitor=LOGIN),
    "governance:assembly_create": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:assembly_detail": E(all=200, visitor=LOGIN),
    "governance:assembly_proxy": E(all=405, visitor=LOGIN),
    "governance:assembly_checkin": E(all=405, visitor=LOGIN),
    "governance:assembly_vote": E(
        all=200, visitor=LOGIN, account=REDIRECT, coordinator=REDIRECT, superuser=REDIRECT
    ),
    "governance:assembly_console": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:assembly_minutes": E(all=200, visitor=LOGIN),
    "governance:assembly_action": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "governance:resolution_vote": E(all=405, visitor=LOGIN),
    "governance:resolution_result": E(all=200, visitor=LOGIN),
    "governance:resolution_action": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "governance:vote_list": E(all=200, visitor=LOGIN, account=403),
    "governance:vote_create": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "governance:vote_detail": E(all=200, visitor=LOGIN, account=403),
    "governance:vote_ballot": E(
        all=200, visitor=LOGIN, account=403, coordinator=403, superuser=403
    ),
    "governance:vote_receipt": E(all=200, visitor=LOGIN, account=403),
    "governance:vote_results": E(all=200, visitor=LOGIN, account=403),
    "governance:vote_ballots_csv": E(all=200, visitor=LOGIN, account=403),
    "governance:vote_schedule": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "governance:vote_open": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "governance:vote_close": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "governance:vote_outcome_override": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "projects:list": E(all=200),
    "projects:create": E(all=200, visitor=LOGIN, account=REDIRECT),
    "projects:review": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "projects:ranking": E(all=200),
    "projects:detail": E(all=200),
    "projects:edit": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "projects:transition": E(all=405, visitor=LOGIN),
    "projects:concern": E(all=405, visitor=LOGIN),
    "projects:attachment_add": E(all=405, visitor=LOGIN),
    "projects:comment_create": E(all=405, visitor=LOGIN),
    "projects:comment_edit": E(all=405, visitor=LOGIN),
    "projects:comment_report": E(all=405, visitor=LOGIN),
    "projects:comment_hide": E(all=405, visitor=LOGIN),
    "projects:update_create": E(all=405, visitor=LOGIN),
    "projects:milestone_create": E(all=405, visitor=LOGIN),
    "projects:milestone_done": E(all=405, visitor=LOGIN),
    "pioneers:directory": E(all=200),
    "territories:list": E(all=200),
    "territories:detail": E(all=200),
    "observatory:index": E(all=200),
    "observatory:export_csv": E(all=200),
    "observatory:export_json": E(all=200),
    "observatory:grid": E(all=200),
    "observatory:grid_publish": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "observatory:mine": E(all=200, visitor=LOGIN),
    "observatory:fill": E(all=403, visitor=LOGIN, pioneer=200, coordinator=200, superuser=200),
    "observatory:review_list": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "observatory:review": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "observatory:refresh": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "pioneers:map": E(all=200),
    "pioneers:me": E(all=200, visitor=LOGIN),
    "pioneers:become": E(all=200),
    "pioneers:applications": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "pioneers:application_detail": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "pioneers:application_score": E(all=405, visitor=LOGIN),
    "pioneers:application_decision": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "pioneers:import": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "pioneers:import_detail": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "pioneers:detail": E(all=200),
    "pioneers:photo": E(all=404),
    "admin:index": E(all=ADMIN, coordinator=200, superuser=200),
    "admin:login": E(all=403, visitor=LOGIN, coordinator=REDIRECT, superuser=REDIRECT),
    "admin:logout": E(all=REDIRECT, coordinator=405, superuser=405),
    "admin:password_change": E(all=ADMIN, coordinator=200, superuser=200),
    "admin:password_change_done": E(all=ADMIN, coordinator=200, superuser=200),
    "admin:autocomplete": E(all=ADMIN, coordinator=403, superuser=403),
    "admin:jsi18n": E(all=ADMIN, coordinator=200, superuser=200),
    "admin:view_on_site": E(all=ADMIN, coordinator=REDIRECT, superuser=REDIRECT),
    "admin:auth_user_password_change": E(all=ADMIN, coordinator=403, superuser=200),
    "admin:app_list": E(all=ADMIN, coordinator=404, superuser=200),
    "commons:resource_list": E(all=200),
    "commons:resource_suggest": E(all=200, visitor=LOGIN),
    "commons:start": E(all=200),
    "commons:grid": E(all=200),
    "commons:export_csv": E(all=200),
    "commons:export_jsonld": E(all=200),
    "commons:committee": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "commons:committee_appoint": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "commons:committee_end": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "commons:session_create": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "commons:resource_detail": E(all=200),
    "commons:resource_edit": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "commons:resource_feedback": E(all=405, visitor=LOGIN),
    "commons:resource_review": E(all=403, visitor=LOGIN, superuser=200),
    "commons:resource_decide": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "commons:directory": E(all=200),
    "commons:directory_map": E(all=200),
    "commons:entry_new": E(all=200, visitor=LOGIN),
    "commons:moderation": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "commons:entry_detail": E(all=200),
    "commons:entry_edit": E(all=200, visitor=LOGIN),
    "commons:entry_history": E(all=200),
    "commons:entry_report": E(all=405, visitor=LOGIN),
    "commons:entry_moderate": E(all=403, visitor=LOGIN, coordinator=405, superuser=405),
    "commons:resource_detail[proposed]": E(all=404, coordinator=200, superuser=200),
    "commons:resource_detail[refused]": E(all=404, coordinator=200, superuser=200),
    "commons:entry_detail[hidden]": E(all=404, coordinator=200, superuser=200),
    "commons:entry_history[hidden]": E(all=404, coordinator=200, superuser=200),
    "api:resource-list": E(all=200),
    "api:resource-detail": E(all=200),
    "api:resource-detail[proposed]": E(all=404),
    "api:resource-feedback": E(all=405, visitor=401),
    "api:entry-list": E(all=200),
    "api:entry-map": E(all=200),
    "api:entry-report": E(all=405, visitor=401),
    "marketplace:contribute_resource": E(all=200),
    "admin/(?P<url>.*)$": E(all=ADMIN, coordinator=404, superuser=404),
    "api:auth-token": E(all=405),
    "api:me": E(all=200, visitor=401),
    "api:me-data": E(all=200, visitor=401),
    "api:me-data-archive": E(all=200, visitor=401),
    "api:me-erase": E(all=405, visitor=401),
    "api:user-erase": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:audit-events": E(all=403, visitor=401, coordinator=200, superuser=200),
    "api:college-list": E(all=200),
    "api:college-detail": E(all=200),
    "api:share-subscription-create": E(all=405, visitor=401),
    "api:federation": E(all=200),
    "api:coordinator-thread-list": E(all=200, visitor=401),
    "api:coordinator-thread-detail": E(all=404, visitor=401, coordinator=200, superuser=200),
    "api:coordinator-thread-messages": E(all=405, visitor=401),
    "api:representative-election-list": E(all=200),
    "api:representative-candidacy-list": E(all=200),
    "api:representative-candidacy-withdraw": E(all=405, visitor=401),
    "api:member-list": E(all=200, visitor=401, account=403),
    "api:member-me": E(all=200, visitor=401, account=404, coordinator=404, superuser=404),
    "api:member-duties": E(all=403, visitor=401, coordinator=200, superuser=200),
    "api:assembly-create": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:assembly-convene": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:assembly-open": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:assembly-close": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:assembly-attendance": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:assembly-resolutions": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:resolution-open": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:resolution-close": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:resolution-votes": E(all=405, visitor=401),
    "api:resolution-result": E(all=200, visitor=401),
    "api:vote-list": E(all=200, visitor=401, account=403),
    "api:vote-detail": E(all=200, visitor=401, account=403),
    "api:vote-close": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:vote-outcome": E(all=403, visitor=401, coordinator=405, superuser=405),
    "api:vote-ballots": E(all=409, visitor=401, account=403),
    "api:vote-results": E(all=200, visitor=401, account=403),
    "api:contribution-create": E(all=405),
    "api:contribution-detail": E(all=404, coordinator=200, superuser=200),
    "api:funds": E(all=200),
    "api:fund-allocations": E(all=200),
    "api:account-list": E(all=403, visitor=401, coordinator=200, superuser=200),
    "api:account-me": E(all=200, visitor=401, account=403, coordinator=403, superuser=403),
    "api:account-transfers": E(all=403, visitor=401, coordinator=200, superuser=200),
    "api:transfer-create": E(all=405, visitor=401),
    "api:transfer-reverse": E(all=405, visitor=401),
    "api:listing-list": E(all=200),
    "api:listing-respond": E(all=405, visitor=401),
    "api:exchange-list": E(all=200, visitor=401),
    "api:exchange-detail": E(all=403, visitor=401, coordinator=200, superuser=200),
    "api:exchange-messages": E(all=405, visitor=401),
    "api:exchange-accept": E(all=405, visitor=401),
    "api:exchange-done": E(all=405, visitor=401),
    "api:exchange-confirm": E(all=405, visitor=401),
    "api:exchange-cancel": E(all=405, visitor=401),
    "api:exchange-dispute": E(all=405, visitor=401),
    "api:project-list": E(all=200),
    "api:observatory": E(all=200),
    "api:observatory-grids": E(all=200),
    "api:project-ranking": E(all=200),
    "api:project-ranking-history": E(all=200),
    "api:project-detail": E(all=200),
    "api:project-transition": E(all=405, visitor=401),
    "api:project-concern": E(all=405, visitor=401),
    "api:pioneer-list": E(all=200),
    "api:pioneer-map": E(all=200),
    "api:pioneer-me": E(all=404, visitor=401, pioneer=200),
    "api:pioneer-application-create": E(all=405, visitor=401),
    "api:pioneer-detail": E(all=200),
    "api-schema": E(all=200),
    "api-docs": E(all=200),
    "marketplace:contribute": E(all=200),
    "marketplace:contribute_project": E(all=200),
    "marketplace:contribution_success": E(all=200),
    "marketplace:contribution_cancel": E(all=200),
    "marketplace:funds": E(all=200),
    "marketplace:funds_export": E(all=200),
    "marketplace:funds_manage": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:payment_record": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:manual_contribution": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:allocation_record": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:stripe_webhook": E(all=405),
    "marketplace:time_account": E(
        all=200, visitor=LOGIN, account=403, coordinator=403, superuser=403
    ),
    "marketplace:give_hours": E(
        all=200, visitor=LOGIN, account=403, coordinator=403, superuser=403
    ),
    "marketplace:ledger_figures": E(all=200),
    "marketplace:time_accounts_manage": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:time_account_detail": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:time_account_export": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:time_limit_edit": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:listing_list": E(all=200),
    "marketplace:listing_new": E(
        all=200, visitor=LOGIN, account=403, coordinator=403, superuser=403
    ),
    "marketplace:listing_detail": E(all=200),
    "marketplace:listing_edit": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:listing_respond": E(all=405, visitor=LOGIN),
    "marketplace:my_exchanges": E(all=200, visitor=LOGIN),
    "marketplace:exchange_detail": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "marketplace:exchange_message": E(all=405, visitor=LOGIN),
    "marketplace:exchange_action": E(all=405, visitor=LOGIN),
    "governance:assembly_detail[closed]": E(all=200, visitor=LOGIN),
    "governance:vote_detail[closed]": E(all=200, visitor=LOGIN, account=403),
    "governance:vote_results[open]": E(all=REDIRECT, visitor=LOGIN, account=403),
    "projects:detail[draft]": E(all=404, coordinator=200, superuser=200),
    "projects:detail[in_review]": E(all=200),
    "projects:edit[draft]": E(all=404, visitor=LOGIN, coordinator=200, superuser=200),
    "pioneers:detail[imported]": E(all=200),
    "api:project-detail[draft]": E(all=404, coordinator=200, superuser=200),
    "marketplace:contribution_cancel[unknown]": E(all=404),
    "events:list": E(all=200),
    "events:create": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "events:calendar": E(all=200, visitor=LOGIN),
    "events:detail": E(all=200),
    # A members' event: hidden (404) from visitors and from accounts that are not members.
    "events:detail[members]": E(all=404, members=200, coordinator=200, superuser=200),
    "events:edit": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    "events:register": E(all=405, visitor=LOGIN),
    "events:unregister": E(all=405, visitor=LOGIN),
    "events:close": E(all=403, visitor=LOGIN, coordinator=200, superuser=200),
    # The feeds: the public one, and a member's private one whose secret is the address.
    "calendar:public": E(all=200),
    "calendar:private": E(all=200),
    "digest:preference": E(all=200, visitor=LOGIN),
    # The signed token in the address is the proof (one-click unsubscribe from an e-mail).
    "digest:unsubscribe": E(all=200),
    "api:event-list": E(all=200),
    "api:event-detail": E(all=200),
    "api:event-detail[members]": E(all=404, members=200, coordinator=200, superuser=200),
    "api:event-registration": E(all=405, visitor=401),
}

EXPECTED.update(_admin_rows())
# Uploaded files are served by Django only when DEBUG is on (settings.DEBUG at import).
DEBUG_ONLY = {"^media/(?P<path>.*)$"}
EXPECTED["^media/(?P<path>.*)$"] = E(all=404)

FOUND = {found.key: found for found in discover()}


def _outcome(response) -> object:
    if response.status_code in (301, 302):
        location = response.headers["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN
        return REDIRECT
    return response.status_code


def test_every_url_pattern_has_a_row():
    """A new URL (or a new model in the admin) fails here until its row says who may see it."""
    missing = sorted(key for key in FOUND if key not in EXPECTED)
    assert not missing, f"URL patterns with no expected statuses: {missing}"
    stale = sorted(
        key for key in EXPECTED if key.split("[")[0] not in FOUND and key not in DEBUG_ONLY
    )
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"
    unfilled = sorted(
        key
        for key, found in FOUND.items()
        if found.params and key not in TARGETS and key not in admin_targets()
    )
    assert not unfilled, f"URL patterns with parameters and no objects to fill them: {unfilled}"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(k for k in EXPECTED if k.split("[")[0] in FOUND))
def test_permission_matrix(world, key):
    found = FOUND[key.split("[")[0]]
    url = url_for(found, kwargs_for(key, world))
    api = url.startswith("/api/")
    wrong = []
    for role in ROLES:
        expected = EXPECTED[key][role]
        cache.clear()  # rate-limit counters: each role starts with none
        got = _outcome(world.client(role, api=api).get(url))
        if got != expected:
            wrong.append(f"GET {role}: expected {expected}, got {got}")
        if expected in REFUSED or got == 405:
            # Refused to read (or a POST-only address): a POST must be refused too, or
            # at least never break.
            cache.clear()
            response = world.client(role, api=api).post(url, {})
            posted = _outcome(response)
            if expected in REFUSED and posted not in DENIED:
                wrong.append(f"POST {role}: expected a refusal, got {posted}")
            elif response.status_code >= 500:
                wrong.append(f"POST {role}: server error {response.status_code}")
    assert not wrong, f"{url}:\n" + "\n".join(wrong)
