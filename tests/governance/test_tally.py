"""The tally engine, without a database: worked examples, properties, cross-checks.

Cross-checks: the `pref_voting` package (Holliday & Pacuit) recounts Schulze (its beat path
with winning votes as path strength), plurality, approval and majority judgment winners;
literal reference implementations below recount what it does not cover (majority
judgment's whole ranking with its tie-break details, Schulze's strongest paths by listing
every path).
"""

import itertools
import json
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_methods import majority_judgement as pv_majority_judgement
from pref_voting.grade_profiles import GradeProfile
from pref_voting.margin_based_methods import beat_path, beat_path_defeat
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.scoring_methods import plurality_ranking

from governance.tally import (
    DEFAULT_GRADES,
    InvalidBallot,
    MajorityJudgmentOption,
    TallyError,
    TallyResult,
    approval,
    majority_judgment,
    plurality,
    schulze,
)

PROPERTIES = settings(max_examples=60, deadline=None)
RANDOM_ELECTIONS = 3000

À_REJETER, INSUFFISANT, PASSABLE, ASSEZ_BIEN, BIEN, TRÈS_BIEN, EXCELLENT = range(7)


def ranks(result: TallyResult) -> dict:
    return {placed.option: placed.rank for placed in result.ranking}


def order(result: TallyResult) -> list:
    return [placed.option for placed in result.ranking]


def details(result: TallyResult, option) -> object:
    return next(placed.details for placed in result.ranking if placed.option == option)


def columns_to_ballots(grades_by_option: dict[str, list[int]]) -> list[dict[str, int]]:
    """Voter i gives each option the i-th grade of its column."""
    voters = len(next(iter(grades_by_option.values())))
    return [{o: column[i] for o, column in grades_by_option.items()} for i in range(voters)]


# --- Majority judgment: published examples -------------------------------------------


def test_mj_mieuxvoter_readme_example():
    # MieuxVoter's majority-judgment library, README: grades 0..3 (higher is better),
    # expected order Chips, Pasta, Pizza, Bread. Worked by hand, 10 grades each, so the
    # lower median is the 5th grade (sorted index k = 4) and the medians then come from
    # sorted indexes 4, 5, 3, 6, 2, 7...:
    #   Chips 0 0 1 1 [2] 2 2 2 3 3 -> median 2, the only one: first.
    #   Pizza 0 0 0 1 [1] 2 2 3 3 3 -> median 1, then 2, 1, 2, then 0
    #   Pasta 0 0 1 1 [1] 2 2 3 3 3 -> median 1, then 2, 1, 2, then 1: above Pizza once
    #         four medians (1, 2, 1, 2) are removed from each.
    #   Bread 0 0 1 1 [1] 1 2 2 2 3 -> median 1, then 1: below Pizza's 2 at the 2nd median.
    grades_by_option = {
        "Pizza": [0, 0, 0, 1, 1, 2, 2, 3, 3, 3],
        "Chips": [0, 0, 1, 1, 2, 2, 2, 2, 3, 3],
        "Pasta": [0, 0, 1, 1, 1, 2, 2, 3, 3, 3],
        "Bread": [0, 0, 1, 1, 1, 1, 2, 2, 2, 3],
    }
    result = majority_judgment(
        grades_by_option, grades=["0", "1", "2", "3"], ballots=columns_to_ballots(grades_by_option)
    )

    assert order(result) == ["Chips", "Pasta", "Pizza", "Bread"]
    assert list(ranks(result).values()) == [1, 2, 3, 4]
    pasta, pizza, bread = (details(result, o) for o in ("Pasta", "Pizza", "Bread"))
    assert pasta.profile == (2, 3, 2, 3)
    assert (pasta.majority_grade, pasta.higher, pasta.lower, pasta.gauge) == (1, 5, 2, "+")
    # Pasta and Pizza have the same gauge (median 1, 5 of 10 grades above): only the
    # removal of medians separates them.
    assert (pizza.majority_grade, pizza.higher, pizza.higher_share) == (1, 5, 0.5)
    assert (pasta.separation.removed, pasta.separation.versus) == (0, "Chips")
    assert pizza.separation.to_dict() == {
        "versus": "Pasta",
        "removed": 4,
        "removed_profile": [0, 2, 2, 0],
        "grade": 0,
        "versus_grade": 1,
    }
    assert (bread.separation.removed, bread.separation.grade, bread.separation.versus_grade) == (
        1,
        1,
        2,
    )


def test_mj_balinski_laraki_book_example():
    # Balinski & Laraki, "Majority Judgment", §1.5 (quoted by MieuxVoter's library): grades
    # out of 20, five judges. Their majority values are 9, 9, 11, 7, 11 and 9, 9, 10, 8, 11:
    # sorted 7 9 [9] 11 11 -> 9; remove it: 7 [9] 11 11 -> 9; then 7 [11] 11 -> 11, ...
    #        8 9 [9] 10 11 -> 9; then 8 [9] 10 11 -> 9; then 8 [10] 11 -> 10.
    # Tied after two removals of a 9, separated at the third median: 11 > 10.
    grades_by_option = {"x": [7, 11, 9, 9, 11], "y": [8, 11, 9, 9, 10]}
    result = majority_judgment(
        ["y", "x"],
        grades=[str(g) for g in range(21)],
        ballots=columns_to_ballots(grades_by_option),
    )

    assert order(result) == ["x", "y"]
    separation = details(result, "y").separation
    assert (separation.removed, separation.grade, separation.versus_grade) == (2, 10, 11)
    assert separation.removed_profile == tuple(2 if g == 9 else 0 for g in range(21))


@pytest.mark.parametrize(
    ("grades_by_option", "expected"),
    [
        # MieuxVoter's doctests. 10 grades: lower median = 5th. A 0 0 0 1 [1] ... -> 1,
        # B 0 0 1 1 [2] ... -> 2.
        ({"A": [3, 3, 3, 0, 0, 0, 1, 1, 2, 2], "B": [0, 0, 1, 1, 2, 2, 2, 2, 3, 3]}, ["B", "A"]),
        # 37 grades, median = 19th: 81 has 9 grades <= 2 and 21 <= 3 -> 3; 82 has 13 <= 3
        # and 21 <= 4 -> 4.
        (
            {
                "81": [0, 1, 1, 1, 1, 1, 1, 2, 2, *[3] * 12, *[4] * 8, *[5] * 8],
                "82": [0, *[1] * 8, 2, 2, 3, 3, *[4] * 8, *[5] * 16],
            },
            ["82", "81"],
        ),
        # Two grades each, the lower median is the lower grade: 0 against 2 (MieuxVoter's
        # "reverse" example, grades turned round so that higher is better).
        ({"A": [4, 0], "B": [3, 2]}, ["B", "A"]),
    ],
)
def test_mj_mieuxvoter_doctests(grades_by_option, expected):
    result = majority_judgment(
        grades_by_option,
        grades=["0", "1", "2", "3", "4", "5"],
        ballots=columns_to_ballots(grades_by_option),
    )

    assert order(result) == expected
    assert [placed.rank for placed in result.ranking] == [1, 2]


# --- Majority judgment: hand-worked examples on the default scale ---------------------

# Five voters, grades 0 (À rejeter) .. 6 (Excellent). Sorted, the median is the 3rd grade
# (index 2) and the next medians come from indexes 1, 3, 0, 4 (odd count: below first).
#   A  2 3 3 4 5  -> majority value 3, 3, 4, 2, 5
#   E  same grades as A, given by other voters: identical profile, same rank as A
#   C  1 3 3 4 5  -> 3, 3, 4, 1, 5: equal to A until the 4th median (1 < 2)
#   B  2 3 3 3 6  -> 3, 3, 3, 2, 6: below C at the 3rd median (3 < 4)
#   D  2 2 3 4 5  -> 3, 2, 4, 2, 5: below B at the 2nd median (2 < 3)
#   F  0 2 2 6 6  -> 2: the lowest majority grade, last whatever its Excellents
# Gauges (higher | lower): A 2|1 "+", C 2|1 "+", B 1|1 "-", D 2|2 "-": A and C are tied by
# the gauge, the removals separate them.
HAND_COLUMNS = {
    "A": [2, 3, 3, 4, 5],
    "B": [6, 3, 2, 3, 3],
    "C": [3, 1, 5, 3, 4],
    "D": [4, 2, 3, 5, 2],
    "E": [5, 4, 3, 2, 3],
    "F": [6, 0, 2, 6, 2],
}


def test_mj_hand_example_ranks_and_separations():
    result = majority_judgment(HAND_COLUMNS, ballots=columns_to_ballots(HAND_COLUMNS))

    assert order(result) == ["A", "E", "C", "B", "D", "F"]
    assert ranks(result) == {"A": 1, "E": 1, "C": 3, "B": 4, "D": 5, "F": 6}
    assert details(result, "A").profile == details(result, "E").profile == (0, 0, 1, 2, 1, 1, 0)
    assert details(result, "A").separation is details(result, "E").separation is None
    separations = {}
    for option in "CBDF":
        s = details(result, option).separation
        separations[option] = (s.versus, s.removed, s.removed_profile, s.grade, s.versus_grade)
    assert separations == {
        # broken at the 4th median: three removed (3, 3, 4), then 1 against 2
        "C": ("E", 3, (0, 0, 0, 2, 1, 0, 0), INSUFFISANT, PASSABLE),
        # broken at the 3rd median: two 3s removed, then 3 against 4
        "B": ("C", 2, (0, 0, 0, 2, 0, 0, 0), ASSEZ_BIEN, BIEN),
        # broken at the 2nd median: one 3 removed, then 2 against 3
        "D": ("B", 1, (0, 0, 0, 1, 0, 0, 0), PASSABLE, ASSEZ_BIEN),
        # majority grades differ
        "F": ("D", 0, (0,) * 7, PASSABLE, ASSEZ_BIEN),
    }
    gauges = {o: (details(result, o).higher, details(result, o).lower) for o in "ABCD"}
    assert {o: details(result, o).gauge for o in "ABCD"} == {"A": "+", "B": "-", "C": "+", "D": "-"}
    assert gauges == {"A": (2, 1), "B": (1, 1), "C": (2, 1), "D": (2, 2)}
    assert result.details.grades == DEFAULT_GRADES
    assert result.ballot_count == 5


def test_mj_counts_give_the_same_result_as_ballots():
    counts = {o: Counter(column) for o, column in HAND_COLUMNS.items()}

    from_counts = majority_judgment(HAND_COLUMNS, grade_counts=counts)
    from_profiles = majority_judgment(
        HAND_COLUMNS, grade_counts={o: [c[g] for g in range(7)] for o, c in counts.items()}
    )

    from_ballots = majority_judgment(HAND_COLUMNS, ballots=columns_to_ballots(HAND_COLUMNS))
    assert from_counts.to_dict() == from_profiles.to_dict() == from_ballots.to_dict()


def test_mj_even_number_of_grades_takes_the_lower_median():
    # 4 grades: Bien, Bien, Excellent, Excellent -> the 2nd grade, Bien (not Très bien).
    result = majority_judgment(["x"], grade_counts={"x": {BIEN: 2, EXCELLENT: 2}})

    assert details(result, "x").majority_grade == BIEN
    assert (details(result, "x").higher, details(result, "x").lower) == (2, 0)


def test_mj_without_any_ballot_every_option_shares_the_first_rank():
    result = majority_judgment(["x", "y", "z"], ballots=[])

    assert ranks(result) == {"x": 1, "y": 1, "z": 1}
    assert result.ballot_count == 0
    x = details(result, "x")
    assert (x.profile, x.majority_grade, x.gauge, x.higher_share) == ((0,) * 7, None, None, 0.0)


def test_mj_an_option_nobody_graded_counts_as_rejected_by_everyone():
    # The GROUP BY has no row for z; two ballots were cast.
    result = majority_judgment(
        ["x", "y", "z"], grade_counts={"x": {BIEN: 2}, "y": {PASSABLE: 1}}, ballot_count=2
    )

    assert details(result, "z").profile == (2, 0, 0, 0, 0, 0, 0)
    assert details(result, "y").profile == (1, 0, 1, 0, 0, 0, 0)  # one ballot left y out
    assert order(result) == ["x", "y", "z"]
    assert details(result, "z").majority_grade == À_REJETER


def test_mj_a_ballot_that_omits_an_option_grades_it_a_rejeter():
    result = majority_judgment(["x", "y"], ballots=[{"x": BIEN, "y": BIEN}, {"x": BIEN}])

    assert details(result, "y").profile == (1, 0, 0, 0, 1, 0, 0)
    assert details(result, "y").majority_grade == À_REJETER
    assert order(result) == ["x", "y"]


@pytest.mark.parametrize(
    ("ballots", "code", "message"),
    [
        ([{"x": 1}, {"w": 2}], "unknown_option", "Ballot 2: unknown option 'w'."),
        (
            [{"x": 7}],
            "grade_out_of_range",
            "Ballot 1: grade 7 for option 'x' is not between 0 and 6.",
        ),
        ([{"x": 1}, {"x": -1}], "grade_out_of_range", "Ballot 2: grade -1"),
        ([{"x": "3"}], "grade_out_of_range", "Ballot 1: grade '3'"),
        ([{"x": 1.0}], "grade_out_of_range", "Ballot 1: grade 1.0"),
        ([{"x": 1}, ["x"]], "malformed_ballot", "Ballot 2: a ballot maps"),
    ],
)
def test_mj_invalid_ballot(ballots, code, message):
    with pytest.raises(InvalidBallot) as error:
        majority_judgment(["x", "y"], ballots=ballots)

    assert error.value.code == code
    assert str(error.value).startswith(message)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"grade_counts": {"w": {0: 1}}}, "unknown_option"),
        ({"grade_counts": {"x": {7: 1}}}, "grade_out_of_range"),
        ({"grade_counts": {"x": [0] * 8}}, "grade_out_of_range"),
        ({"grade_counts": {"x": {0: -1}}}, "invalid_count"),
        ({"grade_counts": {"x": {0: 3}}, "ballot_count": 2}, "invalid_count"),
        ({"grade_counts": {}, "grades": ["seul"]}, "invalid_grades"),
    ],
)
def test_mj_invalid_counts(kwargs, code):
    with pytest.raises(TallyError) as error:
        majority_judgment(["x", "y"], **kwargs)

    assert error.value.code == code


def test_mj_needs_exactly_one_source():
    with pytest.raises(TypeError, match="either"):
        majority_judgment(["x"])
    with pytest.raises(TypeError, match="either"):
        majority_judgment(["x"], ballots=[], grade_counts={})
    with pytest.raises(TypeError, match="either"):
        majority_judgment(["x"], ballots=[], ballot_count=0)


@pytest.mark.parametrize(
    ("options", "code"), [([], "no_options"), (["x", "y", "x"], "duplicate_option")]
)
def test_options_must_be_distinct_and_present(options, code):
    for count in (
        lambda: majority_judgment(options, ballots=[]),
        lambda: approval(options, ballots=[]),
        lambda: plurality(options, choices=[]),
        lambda: schulze(options, []),
    ):
        with pytest.raises(TallyError) as error:
            count()
        assert error.value.code == code


def test_mj_100_000_ballots_over_10_options_from_counts_is_instant():
    # Not a timing test (that is the benchmark's job): the comparison works on counts, so
    # profiles of 100,000 grades are compared without building any list of grades.
    rng = random.Random(6)
    counts = {o: [rng.randrange(20_000) for _ in range(7)] for o in range(10)}
    total = max(sum(c) for c in counts.values())

    result = majority_judgment(range(10), grade_counts=counts, ballot_count=total)

    assert result.ballot_count == total
    assert sorted(ranks(result).values()) == list(range(1, 11))


# --- Schulze ----------------------------------------------------------------------------

# The well-known example of the Schulze method (Wikipedia, "Schulze method"): 45 voters.
WIKIPEDIA_BALLOTS = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def wikipedia_rankings() -> list[list[str]]:
    return [list(ranking) for count, ranking in WIKIPEDIA_BALLOTS for _ in range(count)]


def test_schulze_wikipedia_example():
    result = schulze("ABCDE", wikipedia_rankings())

    assert result.details.pairwise == (
        (0, 20, 26, 30, 22),
        (25, 0, 16, 33, 18),
        (19, 29, 0, 17, 24),
        (15, 12, 28, 0, 14),
        (23, 27, 21, 31, 0),
    )
    assert result.details.strongest_paths == (
        (0, 28, 28, 30, 24),
        (25, 0, 28, 33, 24),
        (25, 29, 0, 29, 24),
        (25, 28, 28, 0, 24),
        (25, 28, 28, 31, 0),
    )
    assert order(result) == ["E", "A", "C", "B", "D"]
    assert list(ranks(result).values()) == [1, 2, 3, 4, 5]
    assert result.winners() == ["E"]
    assert details(result, "E").beats == ("A", "B", "C", "D")
    assert details(result, "D").beats == ()
    assert result.ballot_count == 45
    assert (result.details.d("E", "A"), result.details.p("A", "C")) == (23, 28)


def test_schulze_unranked_options_come_last_tied_together():
    # [A] twice: A above B and C, nothing between B and C. [B, C] once: B > C > A.
    # d: A>B 2, A>C 2, B>A 1, B>C 1, C>A 1, C>B 0 -> A beats both, B beats C.
    result = schulze(["A", "B", "C"], [["A"], ["A"], ["B", "C"]])

    assert result.details.pairwise == ((0, 2, 2), (1, 0, 1), (1, 0, 0))
    assert result.details.strongest_paths == ((0, 2, 2), (0, 0, 1), (0, 0, 0))
    assert ranks(result) == {"A": 1, "B": 2, "C": 3}


@pytest.mark.parametrize(
    "rankings",
    [
        [],  # no ballot
        [[], []],  # blank ballots: no preference at all
        [["A", "B", "C"], ["C", "B", "A"]],  # opposite ballots cancel out
        [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]],  # a cycle of equal strengths
    ],
)
def test_schulze_full_tie(rankings):
    result = schulze(["A", "B", "C"], rankings)

    assert ranks(result) == {"A": 1, "B": 1, "C": 1}
    assert order(result) == ["A", "B", "C"]  # ties keep the given order


def test_schulze_tie_with_two_options_one_of_which_beats_the_other():
    # d: B>C 1-0; A-B 1-1 and A-C 1-1 are ties. B beats C, A beats and is beaten by
    # nobody: A and B are unbeaten and share rank 1; C, beaten by B, comes 3rd.
    result = schulze(["A", "B", "C"], [["A"], ["B", "C"], [], []])

    assert ranks(result) == {"A": 1, "B": 1, "C": 3}
    assert details(result, "A").beats == ()


@pytest.mark.parametrize(
    ("rankings", "code", "message"),
    [
        ([["A"], ["A", "Z"]], "unknown_option", "Ballot 2: unknown option 'Z'."),
        ([["A", "B", "A"]], "duplicate_option", "Ballot 1: option 'A' is ranked twice."),
    ],
)
def test_schulze_invalid_ballot(rankings, code, message):
    with pytest.raises(InvalidBallot) as error:
        schulze(["A", "B"], rankings)

    assert (error.value.code, str(error.value), error.value.ballot_index) == (
        code,
        message,
        len(rankings) - 1,
    )


# --- Approval and plurality -------------------------------------------------------------


def test_approval_ties_share_a_rank():
    ballots = [["a", "b"], ["a", "b", "c"], ["c"], [], ["b", "a"]]

    result = approval(["c", "b", "a", "d"], ballots=ballots)

    assert [(p.option, p.rank, p.details.count) for p in result.ranking] == [
        ("b", 1, 3),
        ("a", 1, 3),
        ("c", 3, 2),
        ("d", 4, 0),
    ]
    assert details(result, "a").share == 3 / 5  # of the 5 ballots cast, the blank one too
    assert result.ballot_count == 5
    assert (
        approval(["c", "b", "a", "d"], counts={"a": 3, "b": 3, "c": 2}, ballot_count=5).to_dict()
        == result.to_dict()
    )


@pytest.mark.parametrize(
    ("ballots", "code", "message"),
    [
        ([["a"], ["a", "z"]], "unknown_option", "Ballot 2: unknown option 'z'."),
        ([["a", "b", "a"]], "duplicate_option", "Ballot 1: option 'a' is approved twice."),
    ],
)
def test_approval_invalid_ballot(ballots, code, message):
    with pytest.raises(InvalidBallot) as error:
        approval(["a", "b"], ballots=ballots)

    assert (error.value.code, str(error.value)) == (code, message)


def test_approval_counts_need_the_ballot_count_and_cannot_exceed_it():
    with pytest.raises(TypeError, match="ballot_count"):
        approval(["a"], counts={"a": 1})
    with pytest.raises(TallyError) as error:
        approval(["a"], counts={"a": 3}, ballot_count=2)
    assert error.value.code == "invalid_count"


def test_plurality_ties_share_a_rank():
    result = plurality([1, 2, 3, 4], choices=[3, 1, 3, 1, 2])

    assert [(p.option, p.rank, p.details.count) for p in result.ranking] == [
        (1, 1, 2),
        (3, 1, 2),
        (2, 3, 1),
        (4, 4, 0),
    ]
    assert details(result, 2).share == 0.2
    assert plurality([1, 2, 3, 4], counts={1: 2, 3: 2, 2: 1}).to_dict() == result.to_dict()


def test_plurality_invalid_choice():
    with pytest.raises(InvalidBallot) as error:
        plurality([1, 2], choices=[1, 2, 5, 1])

    assert (error.value.code, error.value.ballot_index) == ("unknown_option", 2)
    with pytest.raises(TallyError) as error:
        plurality([1, 2], counts={1: -2})
    assert error.value.code == "invalid_count"


def test_results_are_json_ready():
    results = [
        majority_judgment(HAND_COLUMNS, ballots=columns_to_ballots(HAND_COLUMNS)),
        schulze("ABCDE", wikipedia_rankings()),
        approval([1, 2], ballots=[[1]]),
        plurality([1, 2], choices=[2]),
    ]

    for result in results:
        stored = result.to_dict()
        assert json.loads(json.dumps(stored)) == stored
        assert stored["method"] == result.method
        assert [row["rank"] for row in stored["ranking"]] == [p.rank for p in result.ranking]
    assert results[1].to_dict()["options"] == list("ABCDE")
    assert results[0].to_dict()["ranking"][2]["separation"]["removed"] == 3


# --- Properties ---------------------------------------------------------------------------


@st.composite
def graded_elections(draw, max_options=5, max_voters=12):
    """(options, grade scale, ballots grading every option)."""
    options = list(range(draw(st.integers(1, max_options))))
    grades = [str(g) for g in range(draw(st.integers(2, 7)))]
    grade = st.integers(0, len(grades) - 1)
    ballot = st.fixed_dictionaries(dict.fromkeys(options, grade))
    return options, grades, draw(st.lists(ballot, max_size=max_voters))


@st.composite
def ranked_elections(draw, max_options=5, max_voters=12):
    """(options, rankings best first, some leaving options unranked)."""
    options = list("ABCDEF"[: draw(st.integers(1, max_options))])
    ranking = st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda kept: order[:kept])
    )
    return options, draw(st.lists(ranking, max_size=max_voters))


@st.composite
def approval_elections(draw, max_options=5, max_voters=12):
    options = list(range(draw(st.integers(1, max_options))))
    ballot = st.lists(st.sampled_from(options), unique=True)
    return options, draw(st.lists(ballot, max_size=max_voters))


@st.composite
def plurality_elections(draw, max_options=5, max_voters=12):
    options = list(range(draw(st.integers(1, max_options))))
    return options, draw(st.lists(st.sampled_from(options), max_size=max_voters))


def count_mj(election, ballots=None):
    options, grades, cast = election
    return majority_judgment(options, grades=grades, ballots=cast if ballots is None else ballots)


def count_schulze(election, ballots=None):
    options, cast = election
    return schulze(options, cast if ballots is None else ballots)


def count_approval(election, ballots=None):
    options, cast = election
    return approval(options, ballots=cast if ballots is None else ballots)


def count_plurality(election, ballots=None):
    options, cast = election
    return plurality(options, choices=cast if ballots is None else ballots)


METHODS = [
    pytest.param(graded_elections(), count_mj, id="majority_judgment"),
    pytest.param(ranked_elections(), count_schulze, id="schulze"),
    pytest.param(approval_elections(), count_approval, id="approval"),
    pytest.param(plurality_elections(), count_plurality, id="plurality"),
]


def assert_competition_ranking(result: TallyResult, options: list) -> None:
    assert sorted(order(result), key=str) == sorted(options, key=str)  # each option once
    given_ranks = [placed.rank for placed in result.ranking]
    assert given_ranks == sorted(given_ranks)
    for rank in given_ranks:
        assert rank == 1 + sum(1 for other in given_ranks if other < rank)


@pytest.mark.parametrize(("elections", "count"), METHODS)
def test_ranks_are_a_standard_competition_ranking(elections, count):
    @PROPERTIES
    @given(elections)
    def check(election):
        result = count(election)
        assert_competition_ranking(result, election[0])
        assert result.ballot_count == len(election[-1])

    check()


@pytest.mark.parametrize(("elections", "count"), METHODS)
def test_the_order_of_the_ballots_does_not_matter(elections, count):
    @PROPERTIES
    @given(elections, st.randoms(use_true_random=False))
    def check(election, rnd):
        ballots = list(election[-1])
        rnd.shuffle(ballots)
        assert count(election, ballots).to_dict() == count(election).to_dict()

    check()


@PROPERTIES
@given(graded_elections())
def test_mj_counts_and_ballots_give_identical_results(election):
    options, grades, ballots = election
    counts = {o: Counter(ballot[o] for ballot in ballots) for o in options}

    from_counts = majority_judgment(options, grades=grades, grade_counts=counts)

    assert from_counts.to_dict() == count_mj(election).to_dict()


@PROPERTIES
@given(graded_elections(), st.data())
def test_mj_a_ballot_giving_x_the_top_grade_and_others_the_worst_never_lowers_x(election, data):
    # True of majority judgment (and checked here, not assumed). Sketch: let x >= y, with
    # sorted grades; the new ballot appends the top grade to x's and prepends the worst
    # to y's, so at each sorted position x' >= x and y' <= y. Positions where x and y
    # agreed before their first difference form a block around the middle which, shifted
    # by one for y, is exactly the set of positions read first in the new majority
    # values; there x' >= y', and equality throughout would contradict x > y. So x >= y
    # stays true, and no option ranked below or with x passes it. (A ballot merely
    # grading x above the others can lower x: majority judgment fails participation.)
    options, grades, ballots = election
    x = data.draw(st.sampled_from(options))
    before = count_mj(election).rank_of(x)

    boosting = {o: len(grades) - 1 if o == x else 0 for o in options}
    after = majority_judgment(options, grades=grades, ballots=[*ballots, boosting]).rank_of(x)

    assert after <= before


@PROPERTIES
@given(approval_elections(), st.data())
def test_approving_x_alone_or_choosing_x_never_lowers_x(election, data):
    options, ballots = election
    x = data.draw(st.sampled_from(options))

    assert approval(options, ballots=[*ballots, [x]]).rank_of(x) <= approval(
        options, ballots=ballots
    ).rank_of(x)
    choices = [b[0] for b in ballots if b]
    assert plurality(options, choices=[*choices, x]).rank_of(x) <= plurality(
        options, choices=choices
    ).rank_of(x)


@PROPERTIES
@given(ranked_elections())
def test_schulze_ranks_a_condorcet_winner_first_alone(election):
    options, rankings = election
    result = schulze(options, rankings)
    d = result.details.d

    condorcet = [w for w in options if all(d(w, o) > d(o, w) for o in options if o != w)]

    if condorcet:
        assert result.winners() == condorcet
    assert result.winners()  # somebody always wins


@PROPERTIES
@given(ranked_elections())
def test_schulze_beats_is_transitive_and_puts_the_winner_above(election):
    options, rankings = election
    result = schulze(options, rankings)
    beats = {placed.option: set(placed.details.beats) for placed in result.ranking}

    for a, b in itertools.permutations(options, 2):
        if b in beats[a]:
            assert a not in beats[b]
            assert beats[b] <= beats[a]  # transitive
            assert result.rank_of(a) < result.rank_of(b)


# --- Cross-checks on random elections ------------------------------------------------------


def literal_majority_value(grades: list[int]) -> list[int]:
    """Balinski-Laraki by the letter: take the lower median away, one grade at a time."""
    remaining, value = sorted(grades), []
    while remaining:
        median = remaining[(len(remaining) - 1) // 2]
        value.append(median)
        remaining.remove(median)
    return value


def gauge(option: MajorityJudgmentOption) -> tuple[str | None, int]:
    return option.gauge, option.higher if option.gauge == "+" else option.lower


def reference_mj(options, grade_total, ballots):
    """Ranks and separations, from ballots expanded into lists of grades."""
    values = {o: literal_majority_value([b.get(o, 0) for b in ballots]) for o in options}
    ordered = sorted(options, key=lambda o: values[o], reverse=True)  # stable: given order
    expected, previous_group = {}, None
    for position, option in enumerate(ordered):
        if position and values[option] == values[ordered[position - 1]]:
            expected[option] = expected[ordered[position - 1]]
            continue
        separation = None
        if position:
            previous_group = ordered[position - 1]
            versus = values[previous_group]
            removed = next(
                t for t, (a, b) in enumerate(zip(values[option], versus, strict=True)) if a != b
            )
            kept = Counter(values[option][:removed])
            separation = (
                previous_group,
                removed,
                tuple(kept[g] for g in range(grade_total)),
                values[option][removed],
                versus[removed],
            )
        expected[option] = (position + 1, separation)
    return expected


def random_graded_election(rng: random.Random):
    options = list(range(rng.randint(1, 6)))
    grade_total = rng.randint(2, 7)
    top = rng.randint(1, grade_total - 1)  # a narrow range of grades makes more ties
    ballots = [
        {o: rng.randint(0, top) for o in options if rng.random() > 0.05}
        for _ in range(rng.randint(0, 15))
    ]
    return options, grade_total, ballots


def test_mj_matches_the_literal_procedure_and_pref_voting():
    rng = random.Random(2024)
    pref_voting_checked = 0
    for _ in range(RANDOM_ELECTIONS):
        options, grade_total, ballots = random_graded_election(rng)
        result = majority_judgment(
            options, grades=[str(g) for g in range(grade_total)], ballots=ballots
        )

        got = {}
        for placed in result.ranking:
            s = placed.details.separation
            got[placed.option] = (
                placed.rank,
                s and (s.versus, s.removed, s.removed_profile, s.grade, s.versus_grade),
            )
        assert got == reference_mj(options, grade_total, ballots), (options, ballots)

        if not ballots:
            continue
        # pref_voting's majority judgement breaks ties with the gauge only (share above
        # the majority grade when larger than the share below, else minus the share
        # below): its winners include ours, and any extra one has the same majority
        # grade and gauge.
        full = [{o: b.get(o, 0) for o in options} for b in ballots]
        profile = GradeProfile(full, list(range(grade_total)), candidates=options)
        theirs, ours = set(pv_majority_judgement(profile)), set(result.winners())
        assert ours <= theirs
        first = details(result, result.ranking[0].option)
        for option in theirs:
            mine = details(result, option)
            assert profile.median(option) == mine.majority_grade
            assert gauge(mine) == gauge(first)
        pref_voting_checked += 1
    assert pref_voting_checked > RANDOM_ELECTIONS * 0.8


def reference_schulze(options, rankings):
    """d by comparing places (unranked: after every ranked one); p over every simple path."""
    d = {(a, b): 0 for a in options for b in options}
    for ranking in rankings:
        place = {o: ranking.index(o) if o in ranking else len(ranking) for o in options}
        for a, b in itertools.permutations(options, 2):
            d[a, b] += place[a] < place[b]
    link = {(a, b): d[a, b] for a, b in d if d[a, b] > d[b, a]}
    p = {}
    for a, b in itertools.permutations(options, 2):
        others = [o for o in options if o not in (a, b)]
        strengths = [0]
        for size in range(len(others) + 1):
            for middle in itertools.permutations(others, size):
                path = [a, *middle, b]
                steps = list(itertools.pairwise(path))
                if all(step in link for step in steps):
                    strengths.append(min(link[step] for step in steps))
        p[a, b] = max(strengths)
    return d, p


def random_ranked_election(rng: random.Random):
    options = list(range(rng.randint(1, 5)))
    pool = [rng.sample(options, rng.randint(0, len(options))) for _ in range(rng.randint(1, 4))]
    rankings = [
        rng.choice(pool)
        if rng.random() < 0.5
        else rng.sample(options, rng.randint(0, len(options)))
        for _ in range(rng.randint(0, 15))
    ]
    return options, rankings


def test_schulze_matches_every_path_and_pref_voting():
    rng = random.Random(1789)
    for _ in range(RANDOM_ELECTIONS):
        options, rankings = random_ranked_election(rng)
        result = schulze(options, rankings)
        beats = {(p.option, b) for p in result.ranking for b in p.details.beats}

        d, p = reference_schulze(options, rankings)
        assert all(result.details.d(a, b) == d[a, b] for a, b in d)
        assert all(result.details.p(a, b) == p[a, b] for a, b in p)
        if not rankings:
            continue
        # pref_voting: beat path with winning votes (support) as strength; unranked
        # options are given explicitly, tied after the ranked ones.
        profile = ProfileWithTies(
            [
                {o: ranking.index(o) if o in ranking else len(ranking) for o in options}
                for ranking in rankings
            ],
            candidates=options,
        )
        defeats = beat_path_defeat(profile, strength_function=profile.support)
        assert beats == set(defeats.edges()), (options, rankings)
        assert result.winners() == beat_path(profile, strength_function=profile.support)


def test_approval_and_plurality_match_pref_voting():
    rng = random.Random(1848)
    for _ in range(RANDOM_ELECTIONS):
        options = list(range(rng.randint(1, 6)))
        voters = rng.randint(1, 15)
        ballots = [[o for o in options if rng.random() < 0.4] for _ in range(voters)]
        choices = [rng.choice(options) for _ in range(voters)]

        result = approval(options, ballots=ballots)
        grades = GradeProfile(
            [{o: int(o in b) for o in options} for b in ballots], [0, 1], candidates=options
        )
        assert {p.option: p.details.count for p in result.ranking} == grades.approval_scores()
        assert result.winners() == pv_approval(grades)

        result = plurality(options, choices=choices)
        theirs = plurality_ranking(ProfileWithTies([{c: 1} for c in choices], candidates=options))
        for a, b in itertools.permutations(options, 2):
            assert (result.rank_of(a) < result.rank_of(b)) == (theirs.rmap[a] < theirs.rmap[b])
