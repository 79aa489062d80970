"""Governance's part of a person's data (backend.accounts.privacy).

Erasure keeps the membership (its number identifies the line of the share register the
law requires), the shares, attendances, proxies and votes: only the motivation text
goes, and audit labels that named the person. Secret ballots are not linked to anyone:
the export lists only that the person voted (``Participation``).
"""

from collections import defaultdict

from backend.accounts.privacy import PrivacySection, Rows, audit_scrub
from governance.models import (
    Attendance,
    Ballot,
    BallotEntry,
    CharterAcceptance,
    DutyReminder,
    Membership,
    MembershipEvent,
    Participation,
    Proxy,
    ResolutionVote,
    ShareRefund,
    ShareSubscription,
)


def governance_export(user) -> dict[str, Rows]:
    membership = Membership.objects.select_related("college").filter(user=user).first()
    if membership is None:
        return {"membership": []}
    m = membership
    public_ballots = list(
        Ballot.objects.filter(voter=m, vote__secret=False).select_related("vote").order_by("vote")
    )
    entries: dict[object, list[dict]] = defaultdict(list)
    for entry in (
        BallotEntry.objects.filter(ballot__in=public_ballots)
        .select_related("option")
        .order_by("option__position")
    ):
        entries[entry.ballot_id].append({"option": entry.option.label, "value": entry.value})
    return {
        "membership": [
            {
                "number": m.number,
                "kind": m.kind,
                "organisation_name": m.organisation_name,
                "college": m.college.name,
                "status": m.status,
                "motivation": m.motivation,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
                "shares_held": m.shares_held,
                "created_at": m.created_at,
            }
        ],
        "membership_history": [
            {
                "when": e.created_at,
                "kind": e.kind,
                "from": e.from_value,
                "to": e.to_value,
                "note": e.note,
            }
            for e in MembershipEvent.objects.filter(membership=m).order_by("created_at", "id")
        ],
        "share_subscriptions": [
            {
                "subscribed_on": s.subscribed_on,
                "quantity": s.quantity,
                "unit_value_cents": s.unit_value_cents,
                "amount_cents": s.amount_cents,
                "paid_on": s.paid_on,
                "payment_reference": s.payment_reference,
            }
            for s in ShareSubscription.objects.filter(membership=m).order_by("subscribed_on", "id")
        ],
        "share_refunds": [
            {
                "refunded_on": r.refunded_on,
                "quantity": r.quantity,
                "unit_value_cents": r.unit_value_cents,
                "amount_cents": r.amount_cents,
                "reference": r.reference,
            }
            for r in ShareRefund.objects.filter(membership=m).order_by("refunded_on", "id")
        ],
        "charter_acceptances": [
            {"version": a.charter.version, "title": a.charter.title, "accepted_at": a.accepted_at}
            for a in CharterAcceptance.objects.filter(membership=m)
            .select_related("charter")
            .order_by("accepted_at", "id")
        ],
        "assembly_attendances": [
            {"assembly": a.assembly.title, "date": a.assembly.date, "recorded_at": a.recorded_at}
            for a in Attendance.objects.filter(membership=m)
            .select_related("assembly")
            .order_by("recorded_at", "id")
        ],
        "proxies": [
            {
                "assembly": p.assembly.title,
                "role": "giver" if p.giver_id == m.pk else "holder",
                "giver_number": p.giver.number,
                "holder_number": p.holder.number,
                "created_at": p.created_at,
                "revoked_at": p.revoked_at,
            }
            for p in (Proxy.objects.filter(giver=m) | Proxy.objects.filter(holder=m))
            .select_related("assembly", "giver", "holder")
            .order_by("created_at", "id")
        ],
        "resolution_votes": [
            {
                "assembly": v.resolution.assembly.title,
                "resolution": v.resolution.title,
                "choice": v.choice,
                "cast_by_proxy": v.cast_by_id != m.pk,
                "updated_at": v.updated_at,
            }
            for v in ResolutionVote.objects.filter(member=m)
            .select_related("resolution__assembly")
            .order_by("resolution__assembly__date", "resolution__position", "id")
        ],
        "votes_taken_part_in": [
            {
                "vote": p.vote.title,
                "method": p.vote.method,
                "secret": p.vote.secret,
                "voted_at": p.created_at,
            }
            for p in Participation.objects.filter(membership=m)
            .select_related("vote")
            .order_by("created_at", "id")
        ],
        # Public votes only: who voted what is part of their published result.
        "public_ballots": [
            {
                "vote": b.vote.title,
                "method": b.vote.method,
                "receipt_id": b.receipt_id,
                "entries": entries[b.pk],
            }
            for b in public_ballots
        ],
        "duty_reminders": [
            {"duty": r.duty, "sent_at": r.sent_at}
            for r in DutyReminder.objects.filter(membership=m).order_by("sent_at", "id")
        ],
    }


def governance_erase(user) -> dict[str, int]:
    memberships = list(Membership.objects.filter(user=user).values_list("pk", flat=True))
    cleared = (
        Membership.objects.filter(pk__in=memberships).exclude(motivation="").update(motivation="")
    )
    return {"motivation": cleared, "audit_labels": audit_scrub(Membership, memberships)}


SECTION = PrivacySection(
    name="governance", export=governance_export, erase=governance_erase, order=10
)
