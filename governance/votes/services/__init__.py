"""Every write of the votes (one module per concern, re-exported here)."""

from governance.votes.services.casting import CastReceipt, vote_cast
from governance.votes.services.lifecycle import (
    MAX_GRADES,
    MAX_OPTIONS,
    OptionInput,
    vote_close,
    vote_create,
    vote_notice_send,
    vote_open,
    vote_schedule,
    vote_sync,
    votes_remind_closing,
    votes_sync_due,
)
from governance.votes.services.outcome import (
    OVERRIDE_REASON_MIN_LENGTH,
    vote_outcome_apply,
    vote_outcome_override,
)

__all__ = [
    "MAX_GRADES",
    "MAX_OPTIONS",
    "OVERRIDE_REASON_MIN_LENGTH",
    "CastReceipt",
    "OptionInput",
    "vote_cast",
    "vote_close",
    "vote_create",
    "vote_notice_send",
    "vote_open",
    "vote_outcome_apply",
    "vote_outcome_override",
    "vote_schedule",
    "vote_sync",
    "votes_remind_closing",
    "votes_sync_due",
]
