"""What fills each URL's parameters: real objects of the security tests' world."""

import uuid

from django.apps import apps

# The models registered in the admin, each with its six addresses (list, add, page,
# history, delete and the bare address that redirects to the page). Listed here on
# purpose: registering a model in the admin without adding it here fails the matrix.
ADMIN_MODELS = (
    "auth.group",
    "accounts.user",
    "authtoken.tokenproxy",
    "account.emailaddress",
    "mfa.authenticator",
    "core.auditevent",
    "core.outboxemail",
    "territories.territory",
    "territories.territorydataset",
    "observatory.gridversion",
    "observatory.assessment",
    "governance.cooperativesettings",
    "governance.college",
    "governance.membership",
    "governance.charter",
    "governance.charteracceptance",
    "governance.dutyreminder",
    "governance.sharerefund",
    "governance.coordinatorthread",
    "governance.representativeelection",
    "governance.mandate",
    "governance.vote",
    "governance.participation",
    "governance.voteresult",
    "pioneers.theme",
    "pioneers.skill",
    "pioneers.criterion",
    "pioneers.pioneer",
    "pioneers.application",
    "pioneers.importjob",
    "projects.project",
    "projects.comment",
    "projects.commentreport",
    "projects.projectupdate",
    "projects.rankingsnapshot",
    "events.event",
    "events.registration",
    "commons.axis",
    "commons.audience",
    "commons.reviewcriterion",
    "commons.resource",
    "commons.entry",
    "marketplace.contributionsettings",
    "marketplace.fund",
    "marketplace.contribution",
    "marketplace.payment",
    "marketplace.fundallocation",
    "marketplace.stripeevent",
    "marketplace.receiptcounter",
    "marketplace.timeaccount",
    "marketplace.timetransfer",
    "marketplace.listing",
    "marketplace.exchange",
)
ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")


def admin_object_id(label: str) -> str:
    model = apps.get_model(label)
    first = model._default_manager.order_by("pk").first()
    if first is None:
        return "0"  # none in the world: the admin answers "does not exist"
    return str(getattr(first, "user_id", None) if label == "authtoken.tokenproxy" else first.pk)


def _o(name: str, attr: str = "pk"):
    return lambda w: getattr(w.objects[name], attr)


# key -> {param: value or function of the world}. Variants "key[label]" test the same
# address with other objects (a project in another state, a closed vote...).
TARGETS: dict[str, dict] = {
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "0", "key": "not-a-real-key"},
    "governance:member_detail": {"pk": _o("membership")},
    "privacy:person_erase": {"user_id": _o("membership", "user_id")},
    "api:user-erase": {"user_id": _o("membership", "user_id")},
    "governance:member_action": {"pk": _o("membership"), "action": "status"},
    "governance:assembly_detail": {"pk": _o("assembly")},
    "governance:assembly_detail[closed]": {"pk": _o("assembly_closed")},
    "governance:assembly_proxy": {"pk": _o("assembly")},
    "governance:assembly_checkin": {"pk": _o("assembly")},
    "governance:assembly_vote": {"pk": _o("assembly")},
    "governance:assembly_console": {"pk": _o("assembly")},
    "governance:assembly_minutes": {"pk": _o("assembly_closed")},
    "governance:assembly_action": {"pk": _o("assembly"), "action": "open"},
    "governance:resolution_vote": {"pk": _o("resolution_draft")},
    "governance:resolution_result": {"pk": _o("resolution")},
    "governance:resolution_action": {"pk": _o("resolution_draft"), "action": "open"},
    "governance:thread_detail": {"pk": _o("thread")},
    "governance:thread_close": {"pk": _o("thread")},
    "governance:thread_attachment": {"pk": _o("thread_message")},
    "api:coordinator-thread-detail": {"pk": _o("thread")},
    # The world holds no representative election: its pages answer for a missing one.
    "governance:representative_detail": {"pk": 999_999},
    "governance:representative_stand": {"pk": 999_999},
    "governance:representative_put_to_vote": {"pk": 999_999},
    "governance:representative_withdraw": {"pk": 999_999},
    "api:representative-candidacy-withdraw": {"pk": 999_999},
    "api:coordinator-thread-messages": {"pk": _o("thread")},
    "governance:vote_detail": {"pk": _o("vote")},
    "governance:vote_detail[closed]": {"pk": _o("vote_closed")},
    "governance:vote_ballot": {"pk": _o("vote")},
    "governance:vote_receipt": {"pk": _o("vote")},
    "governance:vote_results": {"pk": _o("vote_closed")},
    "governance:vote_results[open]": {"pk": _o("vote")},
    "governance:vote_ballots_csv": {"pk": _o("vote_closed")},
    "governance:vote_schedule": {"pk": _o("vote")},
    "governance:vote_open": {"pk": _o("vote")},
    "governance:vote_close": {"pk": _o("vote")},
    "governance:vote_outcome_override": {"pk": _o("vote_closed")},
    "projects:detail": {"slug": _o("project", "slug")},
    "projects:detail[draft]": {"slug": _o("project_draft", "slug")},
    "projects:detail[in_review]": {"slug": _o("project_in_review", "slug")},
    "projects:edit": {"slug": _o("project", "slug")},
    "projects:edit[draft]": {"slug": _o("project_draft", "slug")},
    "projects:transition": {"slug": _o("project_in_review", "slug")},
    "projects:concern": {"slug": _o("project", "slug")},
    "projects:attachment_add": {"slug": _o("project", "slug")},
    "projects:comment_create": {"slug": _o("project", "slug")},
    "projects:comment_edit": {
        "slug": lambda w: w.objects["comment"].project.slug,
        "pk": _o("comment"),
    },
    "projects:comment_report": {
        "slug": lambda w: w.objects["comment"].project.slug,
        "pk": _o("comment"),
    },
    "projects:comment_hide": {
        "slug": lambda w: w.objects["comment"].project.slug,
        "pk": _o("comment"),
    },
    "projects:update_create": {"slug": _o("project", "slug")},
    "projects:milestone_create": {"slug": _o("project", "slug")},
    "projects:milestone_done": {
        "slug": lambda w: w.objects["milestone"].project.slug,
        "pk": _o("milestone"),
    },
    "pioneers:application_detail": {"pk": _o("application")},
    "pioneers:application_score": {"pk": _o("application")},
    "pioneers:application_decision": {"pk": _o("application")},
    "pioneers:import_detail": {"pk": _o("import_job")},
    "pioneers:detail": {"pk": _o("pioneer")},
    "territories:detail": {"key": "dep-26"},
    "observatory:fill": {"pk": _o("assessment")},
    "observatory:review": {"pk": _o("assessment")},
    "pioneers:detail[imported]": {"pk": _o("pioneer_imported")},
    "pioneers:photo": {"pk": _o("pioneer")},
    "commons:committee_end": {"pk": _o("committee_member")},
    "commons:resource_detail": {"slug": _o("resource", "slug")},
    "commons:resource_detail[proposed]": {"slug": _o("resource_proposed", "slug")},
    "commons:resource_detail[refused]": {"slug": _o("resource_refused", "slug")},
    "commons:resource_edit": {"slug": _o("resource", "slug")},
    "commons:resource_feedback": {"slug": _o("resource", "slug")},
    "commons:resource_review": {"slug": _o("resource_proposed", "slug")},
    "commons:resource_decide": {"slug": _o("resource_proposed", "slug")},
    "commons:entry_detail": {"pk": _o("entry")},
    "commons:entry_detail[hidden]": {"pk": _o("entry_hidden")},
    "commons:entry_edit": {"pk": _o("entry")},
    "commons:entry_history": {"pk": _o("entry")},
    "commons:entry_history[hidden]": {"pk": _o("entry_hidden")},
    "commons:entry_report": {"pk": _o("entry")},
    "commons:entry_moderate": {"pk": _o("entry_hidden")},
    "api:resource-detail": {"pk": _o("resource")},
    "api:resource-detail[proposed]": {"pk": _o("resource_proposed")},
    "api:resource-feedback": {"pk": _o("resource")},
    "api:entry-report": {"pk": _o("entry")},
    "marketplace:contribute_resource": {"slug": _o("resource", "slug")},
    "admin:view_on_site": {
        "content_type_id": _o("content_type"),
        "object_id": _o("project"),
    },
    "admin:app_list": {"app_label": "governance"},
    "admin:auth_user_password_change": {"id": lambda w: w.users["account"].pk},
    "admin/(?P<url>.*)$": {"url": "nowhere/"},
    "api:college-detail": {"slug": "fondateurs"},
    "api:member-duties": {"pk": _o("membership")},
    "api:assembly-convene": {"pk": _o("assembly")},
    "api:assembly-open": {"pk": _o("assembly")},
    "api:assembly-close": {"pk": _o("assembly")},
    "api:assembly-attendance": {"pk": _o("assembly")},
    "api:assembly-resolutions": {"pk": _o("assembly")},
    "api:resolution-open": {"pk": _o("resolution_draft")},
    "api:resolution-close": {"pk": _o("resolution_draft")},
    "api:resolution-votes": {"pk": _o("resolution_draft")},
    "api:resolution-result": {"pk": _o("resolution")},
    "api:vote-detail": {"pk": _o("vote")},
    "api:vote-close": {"pk": _o("vote")},
    "api:vote-outcome": {"pk": _o("vote_closed")},
    "api:vote-ballots": {"pk": _o("vote")},
    "api:vote-results": {"pk": _o("vote_closed")},
    "api:contribution-detail": {"pk": _o("contribution")},
    "api:account-transfers": {"pk": _o("account")},
    "api:transfer-reverse": {"pk": _o("transfer")},
    "api:listing-respond": {"pk": _o("listing")},
    "api:exchange-detail": {"pk": _o("exchange")},
    "api:exchange-messages": {"pk": _o("exchange")},
    "api:exchange-accept": {"pk": _o("exchange_proposed")},
    "api:exchange-done": {"pk": _o("exchange")},
    "api:exchange-confirm": {"pk": _o("exchange")},
    "api:exchange-cancel": {"pk": _o("exchange")},
    "api:exchange-dispute": {"pk": _o("exchange")},
    "api:project-detail": {"pk": _o("project")},
    "api:project-detail[draft]": {"pk": _o("project_draft")},
    "api:project-transition": {"pk": _o("project_in_review")},
    "api:project-concern": {"pk": _o("project")},
    "api:pioneer-detail": {"pk": _o("pioneer")},
    "marketplace:contribute_project": {"slug": _o("project", "slug")},
    "marketplace:contribution_success": {"token": _o("contribution", "public_token")},
    "marketplace:contribution_cancel": {"token": _o("contribution_pending", "public_token")},
    "marketplace:contribution_cancel[unknown]": {"token": uuid.UUID(int=1)},
    "events:detail": {"pk": _o("event")},
    "events:detail[members]": {"pk": _o("event_members")},
    "events:edit": {"pk": _o("event")},
    "events:register": {"pk": _o("event")},
    "events:unregister": {"pk": _o("event")},
    "events:close": {"pk": _o("event")},
    "calendar:private": {"token": _o("calendar_token", "token")},
    "digest:unsubscribe": {"token": lambda w: w.objects["digest_token"]},
    "api:event-detail": {"pk": _o("event")},
    "api:event-detail[members]": {"pk": _o("event_members")},
    "api:event-registration": {"pk": _o("event")},
    "marketplace:payment_record": {"pk": _o("contribution_pending")},
    "marketplace:time_account_detail": {"pk": _o("account")},
    "marketplace:time_account_export": {"pk": _o("account")},
    "marketplace:time_limit_edit": {"pk": _o("account")},
    "marketplace:listing_detail": {"pk": _o("listing")},
    "marketplace:listing_edit": {"pk": _o("listing")},
    "marketplace:listing_respond": {"pk": _o("listing")},
    "marketplace:exchange_detail": {"pk": _o("exchange")},
    "marketplace:exchange_message": {"pk": _o("exchange")},
    "marketplace:exchange_action": {"pk": _o("exchange"), "action": "done"},
    "^media/(?P<path>.*)$": {"path": "nothing-here.png"},
}


def admin_targets() -> dict[str, dict]:
    targets: dict[str, dict] = {}
    for label in ADMIN_MODELS:
        app_label, model = label.split(".")
        object_id = {"object_id": lambda _w, label=label: admin_object_id(label)}
        for view in ADMIN_VIEWS:
            name = f"admin:{app_label}_{model}_{view}"
            targets[name] = {} if view in ("changelist", "add") else object_id
        targets[f"admin/{app_label}/{model}/<path:object_id>/"] = object_id
    return targets


def kwargs_for(key: str, world) -> dict:
    spec = TARGETS.get(key) or admin_targets().get(key) or {}
    return {param: value(world) if callable(value) else value for param, value in spec.items()}
