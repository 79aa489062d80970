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


@dataclass(frozen=True)
class Symbol:
    label: str
    value: float
    x: float
    y: float
    r: float


# Metropolitan France (longitudes, latitudes) drawn as an equirectangular map; other
# places (overseas départements) are left to the table under the map.
_WEST, _EAST, _SOUTH, _NORTH = -5.5, 10.0, 41.0, 51.5


def symbol_map(
    items: list[tuple[str, float, float, float]], *, width: int = 420, max_radius: float = 28
) -> dict:
    """Proportional circles (area ∝ value) at (lat, lon) points: ``items`` are
    (label, value, latitude, longitude)."""
    height = round(width * (_NORTH - _SOUTH) / (_EAST - _WEST) * 1.45)
    top = max((value for _l, value, _la, _lo in items), default=0) or 1
    symbols = []
    for label, value, lat, lon in items:
        if not (_WEST <= lon <= _EAST and _SOUTH <= lat <= _NORTH) or value <= 0:
            continue
        x = (lon - _WEST) / (_EAST - _WEST) * width
        y = (_NORTH - lat) / (_NORTH - _SOUTH) * height
        r = max(2.0, max_radius * math.sqrt(value / top))
        symbols.append(Symbol(label, value, round(x, 1), round(y, 1), round(r, 1)))
    symbols.sort(key=lambda s: -s.r)  # small circles drawn last stay visible
    return {"width": width, "height": height, "symbols": symbols}
