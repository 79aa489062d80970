"""The tally engine: pure Python (no Django), one module per counting method.

Each function takes the options (their ids, in display order) and the ballots, or for
majority judgment, approval and plurality the per-option counts an aggregate query gives,
and returns a `TallyResult`: every option with its rank (1 is the best; equal options
share a rank: 1, 1, 3...) and what explains it. `TallyResult.to_dict()` is JSON-ready, for
the vote to store at close. Bad input raises `InvalidBallot` (one ballot is wrong) or
`TallyError` (the counts or options are), both `ValueError`s with a `code`.
"""

from governance.tally.approval import approval
from governance.tally.majority_judgment import (
    DEFAULT_GRADES,
    MajorityJudgmentDetails,
    MajorityJudgmentOption,
    MajorityJudgmentResult,
    Separation,
    majority_judgment,
)
from governance.tally.plurality import plurality
from governance.tally.schulze import SchulzeDetails, SchulzeOption, SchulzeResult, schulze
from governance.tally.types import (
    CountDetails,
    InvalidBallot,
    Method,
    NoDetails,
    OptionId,
    RankedOption,
    TallyError,
    TallyResult,
)

__all__ = [
    "DEFAULT_GRADES",
    "CountDetails",
    "InvalidBallot",
    "MajorityJudgmentDetails",
    "MajorityJudgmentOption",
    "MajorityJudgmentResult",
    "Method",
    "NoDetails",
    "OptionId",
    "RankedOption",
    "SchulzeDetails",
    "SchulzeOption",
    "SchulzeResult",
    "Separation",
    "TallyError",
    "TallyResult",
    "approval",
    "majority_judgment",
    "plurality",
    "schulze",
]
