"""The counting rule of resolutions, on hand-computed cases and properties (no database)."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.assemblies.counting import CollegeCount, count_resolution, quorum_reached


def test_within_a_college_abstentions_are_not_votes_cast():
    result = count_resolution([CollegeCount("a", Decimal(100), yes=1, no=1, abstain=50)])
    assert result.weighted_yes == Fraction(1, 2)
    assert result.adopted is False  # exactly half is not "strictly more than half"


def test_weights_are_rescaled_over_the_colleges_that_voted():
    # A (40 %) votes 3 yes 1 no → 3/4; B (20 %) votes 0 yes 2 no → 0; C (40 %) is silent.
    # Weights over A and B: 40/60 and 20/60 → 2/3 × 3/4 + 1/3 × 0 = 1/2.
    colleges = [
        CollegeCount("a", Decimal(40), yes=3, no=1),
        CollegeCount("b", Decimal(20), no=2),
        CollegeCount("c", Decimal(40)),
    ]
    result = count_resolution(colleges)
    assert result.weighted_yes == Fraction(1, 2)
    assert [c["effective_weight"] for c in result.colleges] == [
        pytest.approx(2 / 3),
        pytest.approx(1 / 3),
        None,
    ]


def test_statutes_may_count_a_silent_college_as_no():
    colleges = [
        CollegeCount("a", Decimal(40), yes=3, no=1),
        CollegeCount("b", Decimal(20), no=2),
        CollegeCount("c", Decimal(40)),
    ]
    result = count_resolution(colleges, silent_college_counts_as_no=True)
    # 40 % × 3/4 + 20 % × 0 + 40 % × 0 = 30 %
    assert result.weighted_yes == Fraction(3, 10)


def test_head_count_and_weighted_majorities_can_disagree():
    # 9 pioneers say no, the 3 founders and 2 local authorities say yes:
    # 5 yes against 9 no by head count (rejected), but weighted:
    # founders 30 % × 1 + authorities 30 % × 1 + pioneers 40 % × 0 = 60 % → adopted.
    colleges = [
        CollegeCount("fondateurs", Decimal(30), yes=3),
        CollegeCount("collectivites", Decimal(30), yes=2),
        CollegeCount("beneficiaires", Decimal(40), no=9),
    ]
    result = count_resolution(colleges)
    head_count_yes = Fraction(5, 14)
    assert head_count_yes < Fraction(1, 2)
    assert result.weighted_yes == Fraction(3, 5)
    assert result.adopted is True


def test_two_thirds_is_reached_at_exactly_two_thirds():
    colleges = [
        CollegeCount("a", Decimal(50), yes=2, no=1),
        CollegeCount("b", Decimal(50), yes=2, no=1),
    ]
    result = count_resolution(colleges, majority="two_thirds")
    assert result.weighted_yes == Fraction(2, 3)
    assert result.adopted is True
    colleges[0] = CollegeCount("a", Decimal(50), yes=2, no=2)
    assert count_resolution(colleges, majority="two_thirds").adopted is False


def test_without_colleges_one_member_one_vote():
    result = count_resolution([CollegeCount("tous", None, yes=6, no=4, abstain=3)])
    assert result.weighted is False
    assert result.weighted_yes == Fraction(3, 5)
    assert result.adopted is True


def test_no_vote_cast_adopts_nothing():
    result = count_resolution(
        [CollegeCount("a", Decimal(50), abstain=3), CollegeCount("b", Decimal(50))]
    )
    assert result.weighted_yes == 0
    assert result.adopted is False


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="negative"):
        CollegeCount("a", Decimal(50), yes=-1)
    with pytest.raises(ValueError, match="majority"):
        count_resolution([], majority="unanimity")


def test_quorum():
    assert quorum_reached(present_or_represented=2, with_voting_rights=10, threshold=Fraction(1, 5))
    assert not quorum_reached(
        present_or_represented=1, with_voting_rights=10, threshold=Fraction(1, 5)
    )
    assert quorum_reached(present_or_represented=0, with_voting_rights=10, threshold=Fraction(0))
    assert not quorum_reached(
        present_or_represented=0, with_voting_rights=0, threshold=Fraction(1, 4)
    )


college_counts = st.lists(
    st.tuples(st.integers(10, 50), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(college_counts, st.booleans(), st.sampled_from(["simple", "two_thirds"]))
def test_weighted_yes_stays_between_0_and_1(rows, silent_as_no, majority):
    colleges = [
        CollegeCount(f"c{i}", Decimal(w), yes=y, no=n, abstain=a)
        for i, (w, y, n, a) in enumerate(rows)
    ]
    result = count_resolution(colleges, majority=majority, silent_college_counts_as_no=silent_as_no)
    assert 0 <= result.weighted_yes <= 1


@settings(max_examples=200, deadline=None)
@given(college_counts, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_of_votes(rows, rng: random.Random):
    # Expand into individual votes, shuffle them, and count them back per college.
    votes = [
        (i, choice)
        for i, (_w, y, n, a) in enumerate(rows)
        for choice in ["yes"] * y + ["no"] * n + ["abstain"] * a
    ]
    rng.shuffle(votes)
    recount = {i: {"yes": 0, "no": 0, "abstain": 0} for i in range(len(rows))}
    for i, choice in votes:
        recount[i][choice] += 1
    original = count_resolution(
        [
            CollegeCount(f"c{i}", Decimal(w), yes=y, no=n, abstain=a)
            for i, (w, y, n, a) in enumerate(rows)
        ]
    )
    shuffled = count_resolution(
        [
            CollegeCount(f"c{i}", Decimal(rows[i][0]), **recount[i])
            for i in reversed(range(len(rows)))
        ]
    )
    assert original.weighted_yes == shuffled.weighted_yes
    assert original.adopted == shuffled.adopted
