"""What a ballot says, checked: the payload of each method turned into entries.

The tally engine is the judge of a ballot's validity (the same code counts it at the
close); its English messages are for developers, so its error `code` picks a translated
message here. Only what the engine accepts by design is refused here first: a majority
judgment ballot must grade every option (the engine counts a missing grade as the worst).
"""

import secrets
from collections import Counter
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from governance.errors import GovernanceError
from governance.tally import InvalidBallot, approval, majority_judgment, plurality, schulze
from governance.votes.models import Vote, VoteMethod
from governance.votes.selectors import receipt_hash

FIELD_OF_METHOD = {
    VoteMethod.MAJORITY_JUDGMENT: "grades",
    VoteMethod.APPROVAL: "approved",
    VoteMethod.SCHULZE: "ranking",
    VoteMethod.PLURALITY: "choice",
}

_MISSING = object()


def _invalid(field: str, message: str, code: str) -> GovernanceError:
    return GovernanceError(message, code=code, errors={field: [message]})


def _as_option_id(value: object) -> object:
    """An option id as the API or a form sends it ("12" or 12); anything else unchanged,
    so that the engine reports it as an unknown option."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _engine_error(exc: InvalidBallot, *, field: str, vote: Vote, offending: object) -> None:
    messages = {
        "unknown_option": _("Option %(option)s is not on this ballot.") % {"option": offending},
        "duplicate_option": _("Option %(option)s appears twice on the ballot.")
        % {"option": offending},
        "grade_out_of_range": _("Each grade is a whole number from 0 to %(top)d.")
        % {"top": len(vote.grades) - 1},
        "malformed_ballot": _("This ballot could not be read."),
    }
    message = messages.get(exc.code, _("This ballot is not valid."))
    raise _invalid(field, message, exc.code) from None


def _first_unknown(options: Sequence[int], values: Sequence[object]) -> object:
    known = set(options)
    return next((v for v in values if v not in known), "")


def _first_duplicate(values: Sequence[object]) -> object:
    return next((v for v, n in Counter(values).items() if n > 1), "")


def ballot_entries_clean(
    *,
    vote: Vote,
    option_ids: Sequence[int],
    grades: object = None,
    approved: object = None,
    ranking: object = None,
    choice: object = None,
) -> dict[int, int]:
    """The entries (option id -> value, see BallotEntry) of a valid ballot, or a 400."""
    field = FIELD_OF_METHOD[vote.method]
    given = {
        name
        for name, value in (
            ("grades", grades),
            ("approved", approved),
            ("ranking", ranking),
            ("choice", choice),
        )
        if value is not None
    }
    if given - {field}:
        message = _("This vote is counted by %(method)s: send “%(field)s”, nothing else.") % {
            "method": vote.get_method_display(),
            "field": field,
        }
        raise _invalid(field, message, "wrong_ballot_kind")
    if vote.method == VoteMethod.MAJORITY_JUDGMENT:
        return _grades_clean(vote, option_ids, grades)
    if vote.method == VoteMethod.APPROVAL:
        ids = _id_list(field, approved)
        try:
            approval(option_ids, ballots=[ids])
        except InvalidBallot as exc:
            offending = (
                _first_unknown(option_ids, ids)
                if exc.code == "unknown_option"
                else _first_duplicate(ids)
            )
            _engine_error(exc, field=field, vote=vote, offending=offending)
        return dict.fromkeys(ids, 1)
    if vote.method == VoteMethod.SCHULZE:
        ids = _id_list(field, ranking)
        try:
            schulze(option_ids, [ids])
        except InvalidBallot as exc:
            offending = (
                _first_unknown(option_ids, ids)
                if exc.code == "unknown_option"
                else _first_duplicate(ids)
            )
            _engine_error(exc, field=field, vote=vote, offending=offending)
        return {option: place for place, option in enumerate(ids)}
    if choice is None or choice == "":
        raise _invalid(field, _("Choose one option."), "missing_choice")
    chosen = _as_option_id(choice)
    try:
        plurality(option_ids, choices=[chosen])
    except InvalidBallot as exc:
        _engine_error(exc, field=field, vote=vote, offending=chosen)
    return {chosen: 1}


def _id_list(field: str, value: object) -> list:
    if value is None:
        value = []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise _invalid(field, _("Send a list of option ids."), "malformed_ballot")
    return [_as_option_id(v) for v in value]


def _grades_clean(vote: Vote, option_ids: Sequence[int], grades: object) -> dict[int, int]:
    field = "grades"
    if grades is None:
        grades = {}
    if not isinstance(grades, Mapping):
        raise _invalid(field, _("Send a grade for each option."), "malformed_ballot")
    ballot = {_as_option_id(option): grade for option, grade in grades.items()}
    try:
        majority_judgment(option_ids, grades=vote.grades, ballots=[ballot])
    except InvalidBallot as exc:
        offending = _first_unknown(option_ids, list(ballot))
        _engine_error(exc, field=field, vote=vote, offending=offending)
    if missing := [option for option in option_ids if option not in ballot]:
        message = _("Give a grade to every option: %(count)d are not graded.") % {
            "count": len(missing)
        }
        raise _invalid(field, message, "missing_grade")
    return ballot


def ranking_from_places(places: Mapping[int, int]) -> list[int]:
    """A Schulze ranking from the places a form gives (option id -> 1, 2...): best first;
    gaps are fine, two options at the same place are not (a ranking has one per place)."""
    taken = Counter(places.values())
    if shared := sorted(place for place, n in taken.items() if n > 1):
        message = _("Two options cannot share place %(place)d: give each place once.") % {
            "place": shared[0]
        }
        raise _invalid("ranking", message, "duplicate_place")
    return [option for option, _place in sorted(places.items(), key=lambda item: item[1])]


# ---------------------------------------------------------------- receipts

# No 0/O, 1/I/L: a receipt number is read aloud and copied by hand.
_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_ID_LENGTH = 10


def receipt_new() -> tuple[str, str, str]:
    """A new receipt: (code given to the voter, public number, hash kept on the ballot).

    The number (before the dash) is printed in the published ballot list; the rest is a
    128-bit secret. Only the hash of the whole code is stored, so neither the published
    list nor the database lets anyone else replace the ballot.
    """
    receipt_id = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(RECEIPT_ID_LENGTH))
    code = f"{receipt_id}-{secrets.token_urlsafe(16)}"
    return code, receipt_id, receipt_hash(code)
