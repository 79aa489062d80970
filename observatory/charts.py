"""Server-rendered SVG geometry (pure, no Django): the three-compass radar and bars."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Axis:
    label: str
    share: float | None  # 0..1, None when not answered
    x: float
    y: float
    label_x: float
    label_y: float


def radar(labels_and_shares: list[tuple[str, float | None]], *, size: int = 240) -> dict:
    """Axes from the centre (one per compass) and the polygon of the answered shares."""
    centre = size / 2
    radius = size / 2 - 40
    axes, points = [], []
    count = len(labels_and_shares)
    for index, (label, share) in enumerate(labels_and_shares):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        x = centre + radius * math.cos(angle)
        y = centre + radius * math.sin(angle)
        lx = centre + (radius + 22) * math.cos(angle)
        ly = centre + (radius + 22) * math.sin(angle)
        axes.append(Axis(label, share, round(x, 1), round(y, 1), round(lx, 1), round(ly, 1)))
        if share is not None:
            points.append(
                (
                    round(centre + radius * share * math.cos(angle), 1),
                    round(centre + radius * share * math.sin(angle), 1),
                )
            )
    rings = [
        " ".join(
            f"{round(centre + radius * level * math.cos(-math.pi / 2 + 2 * math.pi * i / count), 1)},"
            f"{round(centre + radius * level * math.sin(-math.pi / 2 + 2 * math.pi * i / count), 1)}"
            for i in range(count)
        )
        for level in (0.25, 0.5, 0.75, 1.0)
    ]
    return {
        "size": size,
        "centre": centre,
        "axes": axes,
        "rings": rings,
        "polygon": " ".join(f"{x},{y}" for x, y in points) if len(points) >= 3 else "",
        "dots": points,
    }


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float


def bars(items: list[tuple[str, float]], *, width: int = 480, row: int = 24) -> dict:
    top = max((value for _label, value in items), default=0) or 1
    span = width - 200
    return {
        "width": width,
        "height": row * len(items) + 8,
        "bars": [
            Bar(label, value, 4 + i * row, round(span * value / top, 1) if value > 0 else 0)
            for i, (label, value) in enumerate(items)
        ],
    }
