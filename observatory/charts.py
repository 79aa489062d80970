"""Server-rendered SVG geometry (pure, no Django): the three-compass radar, bars and the
choropleth map of the départements."""

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


@dataclass(frozen=True)
class Shape:
    key: str
    label: str
    value: float | None
    path: str
    level: int  # 0: no figure; 1..CLASSES: the class of the value

    @property
    def fill(self) -> str:
        return PALETTE[self.level]


CLASSES = 5
# Light to dark green (ColorBrewer "Greens"); "no figure" is a light grey.
PALETTE = ("#eeeeee", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")


def choropleth(
    values: dict[str, tuple[str, float]], outlines: dict[str, str], names: dict[str, str]
) -> dict:
    """One shape per outline, shaded by the class of its value: ``values`` are
    {département key: (label, value)}, classes are equal ranges from 0 to the highest."""
    top = max((value for _label, value in values.values()), default=0)
    shapes = []
    for key, path in outlines.items():
        label, value = values.get(key, (names.get(key, key), None))
        if value is None or value <= 0 or top <= 0:
            level = 0
        else:
            level = min(CLASSES, 1 + int(CLASSES * value / top - 1e-9))
        shapes.append(Shape(key, label, value, path, level))
    step = top / CLASSES if top > 0 else 0
    legend = [(PALETTE[0], None, None)] + [
        (PALETTE[n], round(step * (n - 1), 2), round(step * n, 2)) for n in range(1, CLASSES + 1)
    ]
    return {"shapes": shapes, "legend": legend if top > 0 else legend[:1]}
