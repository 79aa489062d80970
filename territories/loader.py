"""Load the committed data file into ``Territory`` (migrations, ``seed_demo``,
``manage.py load_territories``). No network: the file is in the repository.

Idempotent and version-stamped: when the stamp and the row count match, nothing is done;
otherwise rows are upserted (``bulk_create(update_conflicts=True)``) from the top of the
hierarchy down, and territories no longer listed are marked inactive (never deleted: rows
may point to them). Takes the model classes so a data migration can pass historical ones.
"""

import csv
import gzip
import io
import json
from pathlib import Path

from territories.normalize import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "territories.csv.gz"
PROVENANCE_FILE = DATA_DIR / "PROVENANCE.json"
KINDS = ("country", "region", "department", "epci", "commune")
UPDATE_FIELDS = [
    "kind",
    "code",
    "name",
    "search_name",
    "parent",
    "department",
    "region",
    "postcodes",
    "population",
    "active",
]


def provenance() -> dict:
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


def read_rows(path: Path = DATA_FILE) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def load_territories(Territory, TerritoryDataset, *, rows=None, meta=None, force=False) -> int:
    """Returns how many rows were written (0 when the loaded version is current)."""
    meta = meta or provenance()
    rows = read_rows() if rows is None else rows
    stamp = TerritoryDataset.objects.filter(
        package=meta["package"], version=meta["version"], rows=len(rows)
    ).first()
    if stamp and not force and Territory.objects.filter(active=True).count() == len(rows):
        return 0
    rank = {kind: i for i, kind in enumerate(KINDS)}
    rows = sorted(rows, key=lambda row: rank[row["kind"]])
    objects = [
        Territory(
            key=row["key"],
            kind=row["kind"],
            code=row["code"],
            name=row["name"],
            search_name=normalize_name(row["name"]),
            parent_id=row.get("parent") or None,
            department_id=row.get("department") or None,
            region_id=row.get("region") or None,
            postcodes=row.get("postcodes") or "",
            population=int(row["population"]) if row.get("population") else None,
            active=True,
        )
        for row in rows
    ]
    Territory.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=UPDATE_FIELDS,
    )
    keys = {row["key"] for row in rows}
    gone = set(Territory.objects.filter(active=True).values_list("key", flat=True)) - keys
    if gone:
        Territory.objects.filter(key__in=gone).update(active=False)
    TerritoryDataset.objects.all().delete()
    TerritoryDataset.objects.create(
        package=meta["package"],
        version=meta["version"],
        built_on=meta.get("built_on", ""),
        rows=len(rows),
    )
    return len(objects)
