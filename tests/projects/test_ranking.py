"""The impact ranking, without a database: hand-worked examples, properties, speed."""

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.ranking import (
    ProjectFigures,
    RankingError,
    Weights,
    apply_moves,
    rank_projects,
)

PROPERTIES = settings(max_examples=80, deadline=None)
SEED_WEIGHTS = Weights(concern=50, cost=30, self_financing=20)


def by_id(ranked):
    return {item.project_id: item for item in ranked}


def test_three_projects_worked_by_hand():
    # given: weights 50/30/20, i.e. shares 0.5, 0.3 and 0.2; costs 1,000 €, 3,000 €, 2,000 €
    projects = [
        ProjectFigures(1, concerned_share=0.6, cost_cents=100_000, self_financing_cents=50_000),
        ProjectFigures(2, concerned_share=0.9, cost_cents=300_000, self_financing_cents=0),
        ProjectFigures(3, concerned_share=0.5, cost_cents=200_000, self_financing_cents=200_000),
    ]
    # when
    ranked = rank_projects(projects, SEED_WEIGHTS)
    # then: 1 → 0.5×0.6 + 0.3×1 + 0.2×0.5 = 0.70; 3 → 0.25 + 0.3×0.5 + 0.2×1 = 0.60;
    # 2 → 0.5×0.9 + 0 + 0 = 0.45
    assert [(r.project_id, r.rank, r.score) for r in ranked] == [
        (1, 1, 0.7),
        (3, 2, 0.6),
        (2, 3, 0.45),
    ]
    why = ranked[1].criteria_dict()
    assert why == {
        "concern": {"value": 0.5, "weight": 0.5, "contribution": 0.25},
        "cost": {"value": 0.5, "weight": 0.3, "contribution": 0.15},
        "self_financing": {"value": 1.0, "weight": 0.2, "contribution": 0.2},
    }


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    projects = [
        ProjectFigures(7, 0.5, 1000, 0),
        ProjectFigures(4, 0.5, 1000, 0),
        ProjectFigures(9, 0.1, 1000, 0),
    ]
    ranked = rank_projects(projects, Weights(1, 1, 1))
    assert [(r.project_id, r.rank) for r in ranked] == [(4, 1), (7, 1), (9, 3)]


def test_all_projects_costing_the_same_get_full_marks_on_cost():
    ranked = rank_projects(
        [ProjectFigures(1, 0, 500, 0), ProjectFigures(2, 0, 500, 0)], Weights(0, 1, 0)
    )
    assert {r.score for r in ranked} == {1.0}


def test_a_project_costing_nothing_needs_no_financing():
    (only,) = rank_projects([ProjectFigures(1, 0, 0, 0)], Weights(0, 0, 1))
    assert only.score == 1.0
    assert only.rank == 1


def test_only_the_concern_weight_ranks_by_concern():
    ranked = rank_projects(
        [ProjectFigures(1, 0.2, 10, 10), ProjectFigures(2, 0.8, 99_999, 0)], Weights(1, 0, 0)
    )
    assert [r.project_id for r in ranked] == [2, 1]
    assert ranked[0].score == 0.8


def test_no_project_no_ranking():
    assert rank_projects([], SEED_WEIGHTS) == []


@pytest.mark.parametrize("weights", [(0, 0, 0), (-1, 1, 1), (1, -0.5, 2)])
def test_weights_must_be_positive_somewhere_and_never_negative(weights):
    with pytest.raises(RankingError):
        Weights(*weights)


def test_a_project_cannot_be_ranked_twice_nor_with_a_negative_cost():
    with pytest.raises(RankingError):
        rank_projects([ProjectFigures(1, 0, 1, 0), ProjectFigures(1, 0, 1, 0)], SEED_WEIGHTS)
    with pytest.raises(RankingError):
        rank_projects([ProjectFigures(1, 0, -1, 0)], SEED_WEIGHTS)


def test_moving_a_project_gives_it_the_chosen_place_and_shifts_the_others():
    ranked = rank_projects(
        [ProjectFigures(i, i / 10, 1000, 0) for i in range(1, 5)], Weights(1, 0, 0)
    )
    assert [r.project_id for r in ranked] == [4, 3, 2, 1]
    final = apply_moves(ranked, {1: 2})
    assert [(r.project_id, r.rank, moved) for r, moved in final] == [
        (4, 1, False),
        (1, 2, True),
        (3, 3, False),
        (2, 4, False),
    ]


@pytest.mark.parametrize("moves", [{99: 1}, {1: 0}, {1: 5}, {1: 2, 2: 2}])
def test_impossible_moves_are_refused(moves):
    ranked = rank_projects([ProjectFigures(i, 0.1, 1, 0) for i in range(1, 5)], SEED_WEIGHTS)
    with pytest.raises(RankingError):
        apply_moves(ranked, moves)


# ---------------------------------------------------------------- properties

figures = st.builds(
    lambda share, cost, self_pct: (share, cost, cost * self_pct // 100),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.integers(min_value=0, max_value=10_000_000),
    st.integers(min_value=0, max_value=100),
)
projects_lists = st.lists(figures, min_size=1, max_size=25).map(
    lambda rows: [ProjectFigures(i + 1, *row) for i, row in enumerate(rows)]
)
weights_st = (
    st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
    .filter(lambda w: sum(w) > 0)
    .map(lambda w: Weights(*w))
)


@PROPERTIES
@given(projects_lists, weights_st)
def test_scores_lie_between_zero_and_one_and_contributions_add_up(projects, weights):
    for item in rank_projects(projects, weights):
        assert 0 <= item.score <= 1
        total = sum(d.contribution for d in item.criteria.values())
        assert total == pytest.approx(item.score, abs=1e-8)


@PROPERTIES
@given(projects_lists, weights_st, st.randoms(use_true_random=False))
def test_input_order_does_not_matter(projects, weights, rnd):
    shuffled = projects[:]
    rnd.shuffle(shuffled)
    assert rank_projects(shuffled, weights) == rank_projects(projects, weights)


@PROPERTIES
@given(projects_lists, weights_st, st.data())
def test_raising_the_concerned_share_never_lowers_a_score_nor_its_rank(projects, weights, data):
    index = data.draw(st.integers(0, len(projects) - 1))
    target = projects[index]
    higher = data.draw(st.floats(min_value=target.concerned_share, max_value=1))
    raised = projects[:]
    raised[index] = ProjectFigures(
        target.project_id, higher, target.cost_cents, target.self_financing_cents
    )
    before = by_id(rank_projects(projects, weights))[target.project_id]
    after = by_id(rank_projects(raised, weights))[target.project_id]
    assert after.score >= before.score
    assert after.rank <= before.rank


@PROPERTIES
@given(projects_lists, weights_st)
def test_ranks_follow_scores_and_ties_share_a_rank(projects, weights):
    ranked = rank_projects(projects, weights)
    assert ranked[0].rank == 1
    for position, (a, b) in enumerate(itertools.pairwise(ranked), start=2):
        assert a.score >= b.score
        assert b.rank == (a.rank if a.score == b.score else position)


def test_ten_thousand_projects_are_all_ranked():
    # Speed is measured by the benchmark suite, never asserted here.
    rnd = random.Random(2)
    projects = [
        ProjectFigures(i, rnd.random(), rnd.randrange(0, 5_000_000), rnd.randrange(0, 100_000))
        for i in range(10_000)
    ]
    ranked = rank_projects(projects, SEED_WEIGHTS)
    assert sorted(r.project_id for r in ranked) == list(range(10_000))
    assert [r.rank for r in ranked][:1] == [1]
