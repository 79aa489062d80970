"""The stored result of a closed vote, read back for the API, the page and its charts."""

from dataclasses import dataclass, field

from governance.votes.models import Vote, VoteMethod, VoteOption

# Worst grade red to best grade green (contrast checked against white separators).
_GRADE_PALETTE = ["#a11d1d", "#c8502a", "#d9822b", "#c9a227", "#7fa83a", "#3f8f46", "#1f6b3a"]
CHART_WIDTH = 1000
BAR_HEIGHT = 26
ROW_HEIGHT = 58


def grade_colours(count: int) -> list[str]:
    if count <= 1:
        return _GRADE_PALETTE[-1:]
    last = len(_GRADE_PALETTE) - 1
    return [_GRADE_PALETTE[round(i * last / (count - 1))] for i in range(count)]


def percent(share: float) -> float:
    return round(100 * share, 1)


def participation(vote: Vote) -> dict:
    result = vote.result
    return {
        "ballots": result.ballot_count,
        "electorate": result.electorate_count,
        "rate": round(result.participation_rate, 4),
    }


def _options_by_id(vote: Vote) -> dict[int, VoteOption]:
    return {option.pk: option for option in vote.options.all()}


def results_data(vote: Vote) -> dict:
    """The API's results: the engine's stored dict, each ranked option with its label."""
    data = dict(vote.result.data)
    options = _options_by_id(vote)
    grades = data.get("grades") or []
    ranking = []
    for placed in data["ranking"]:
        option = options[placed["option"]]
        row = {
            "option": option.pk,
            "label": option.label,
            "project": option.project_ref,
            **{k: v for k, v in placed.items() if k != "option"},
        }
        if vote.method == VoteMethod.MAJORITY_JUDGMENT:
            grade = placed.get("majority_grade")
            row["majority_grade_label"] = grades[grade] if grade is not None else None
        ranking.append(row)
    data.update(
        vote=vote.pk,
        closed_at=vote.closed_at.isoformat(),
        participation=participation(vote),
        ranking=ranking,
    )
    return data


# ---------------------------------------------------------------- page view-models


@dataclass
class Segment:
    grade: int
    name: str
    count: int
    x: float
    width: float
    colour: str


@dataclass
class RankedRow:
    rank: int
    option: VoteOption
    details: dict
    segments: list[Segment] = field(default_factory=list)
    y: int = 0
    bar_y: int = 0
    bar_width: float = 0.0  # approval / plurality bars
    beats: list[VoteOption] = field(default_factory=list)  # Schulze


@dataclass
class ResultsPage:
    rows: list[RankedRow]
    grades: list[dict]
    chart_height: int
    matrix: list[dict] = field(default_factory=list)
    matrix_options: list[VoteOption] = field(default_factory=list)


def results_page(vote: Vote) -> ResultsPage:
    data = vote.result.data
    options = _options_by_id(vote)
    names = data.get("grades") or []
    colours = grade_colours(len(names))
    ballots = data["ballot_count"]
    rows = []
    for index, placed in enumerate(data["ranking"]):
        details = {k: v for k, v in placed.items() if k not in ("option", "rank")}
        row = RankedRow(
            rank=placed["rank"],
            option=options[placed["option"]],
            details=details,
            y=index * ROW_HEIGHT,
            bar_y=index * ROW_HEIGHT + 22,
        )
        if vote.method == VoteMethod.MAJORITY_JUDGMENT:
            grade = details.get("majority_grade")
            details["majority_grade_label"] = names[grade] if grade is not None else ""
            details["higher_percent"] = percent(details["higher_share"])
            details["lower_percent"] = percent(details["lower_share"])
            x = 0.0
            for grade, count in enumerate(details["profile"]):
                width = CHART_WIDTH * count / ballots if ballots else 0.0
                row.segments.append(
                    Segment(
                        grade=grade,
                        name=names[grade],
                        count=count,
                        x=round(x, 2),
                        width=round(width, 2),
                        colour=colours[grade],
                    )
                )
                x += width
        elif vote.method == VoteMethod.SCHULZE:
            row.beats = [options[o] for o in details["beats"]]
        else:
            row.bar_width = round(CHART_WIDTH * details["share"], 2)
            details["share_percent"] = percent(details["share"])
        rows.append(row)
    page = ResultsPage(
        rows=rows,
        grades=[{"index": i, "name": n, "colour": colours[i]} for i, n in enumerate(names)],
        chart_height=max(len(rows) * ROW_HEIGHT, ROW_HEIGHT),
    )
    if vote.method == VoteMethod.SCHULZE:
        order = data["options"]
        page.matrix_options = [options[o] for o in order]
        page.matrix = [
            {
                "option": options[a],
                "cells": [
                    {
                        "same": i == j,
                        "count": data["pairwise"][i][j],
                        "path": data["strongest_paths"][i][j],
                        "wins": data["pairwise"][i][j] > data["pairwise"][j][i],
                        "beats": data["strongest_paths"][i][j] > data["strongest_paths"][j][i],
                        "versus": options[b],
                    }
                    for j, b in enumerate(order)
                ],
            }
            for i, a in enumerate(order)
        ]
    return page


def ballot_cells(vote: Vote, ballot_entries: dict[int, int], options: list[VoteOption]) -> list:
    """One ballot as one cell per option, in option order, for a person to read: the grade
    name, the place (1 = first), ✔ for an approval or the choice, "" otherwise."""
    cells = []
    for option in options:
        value = ballot_entries.get(option.pk)
        if value is None:
            cells.append("")
        elif vote.method == VoteMethod.MAJORITY_JUDGMENT:
            cells.append(vote.grades[value])
        elif vote.method == VoteMethod.SCHULZE:
            cells.append(str(value + 1))
        else:
            cells.append("✔")
    return cells


def csv_cells(vote: Vote, ballot_entries: dict[int, int], options: list[VoteOption]) -> list:
    """One ballot for the CSV export, a column per option: majority judgment, the grade
    name; Schulze, the place (1 = first, empty = unranked); approval and plurality, 1 or 0."""
    cells = []
    for option in options:
        value = ballot_entries.get(option.pk)
        if vote.method == VoteMethod.MAJORITY_JUDGMENT:
            cells.append(vote.grades[value] if value is not None else "")
        elif vote.method == VoteMethod.SCHULZE:
            cells.append(value + 1 if value is not None else "")
        else:
            cells.append(1 if value is not None else 0)
    return cells
