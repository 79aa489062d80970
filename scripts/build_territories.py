"""Build ``territories/data/territories.csv.gz`` from the npm package
``@etalab/decoupage-administratif`` (Etalab, data under the Licence Ouverte / Etalab 2.0).

Run once when the package has a new version, then commit the data file and its
``PROVENANCE.json``::

    cd /tmp && npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-*.tgz
    python scripts/build_territories.py /tmp/package

One row per territory: ``key,kind,code,name,parent,department,region,postcodes,population``.
Keys are namespaced by kind because codes collide across kinds (département ``01`` is Ain,
région ``01`` is Guadeloupe): ``fr``, ``reg-84``, ``dep-69``, ``epci-200046977``,
``com-69123``. A commune's parent is its EPCI (or its département when it belongs to
none); an EPCI's parent is the département most of its communes are in. Communes also
carry their département and région so that roll-ups never depend on the EPCI (a few EPCI
span two départements). The package has no geometry: no centre point is recorded.
"""

import csv
import datetime
import gzip
import io
import json
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "territories" / "data"
FIELDS = [
    "key",
    "kind",
    "code",
    "name",
    "parent",
    "department",
    "region",
    "postcodes",
    "population",
]


def build(package_dir: Path) -> list[dict]:
    data = package_dir / "data"
    load = lambda name: json.loads((data / name).read_text(encoding="utf-8"))  # noqa: E731
    regions, departments = load("regions.json"), load("departements.json")
    epcis, communes = load("epci.json"), load("communes.json")
    communes = [c for c in communes if c["type"] == "commune-actuelle"]
    dep_of = {c["code"]: c["departement"] for c in communes}
    epci_of = {}
    rows = [
        {"key": "fr", "kind": "country", "code": "FR", "name": "France", "parent": ""},
    ]
    rows += [
        {
            "key": f"reg-{r['code']}",
            "kind": "region",
            "code": r["code"],
            "name": r["nom"],
            "parent": "fr",
        }
        for r in regions
    ]
    rows += [
        {
            "key": f"dep-{d['code']}",
            "kind": "department",
            "code": d["code"],
            "name": d["nom"],
            "parent": f"reg-{d['region']}",
            "region": f"reg-{d['region']}",
        }
        for d in departments
    ]
    dep_region = {d["code"]: d["region"] for d in departments}
    for e in epcis:
        members = [m["code"] for m in e["membres"] if m["code"] in dep_of]
        if not members:
            continue
        for code in members:
            epci_of[code] = e["code"]
        dep = Counter(dep_of[m] for m in members).most_common(1)[0][0]
        rows.append(
            {
                "key": f"epci-{e['code']}",
                "kind": "epci",
                "code": e["code"],
                "name": e["nom"],
                "parent": f"dep-{dep}",
                "department": f"dep-{dep}",
                "region": f"reg-{dep_region[dep]}",
                "population": e.get("populationTotale") or "",
            }
        )
    for c in communes:
        epci = epci_of.get(c["code"])
        rows.append(
            {
                "key": f"com-{c['code']}",
                "kind": "commune",
                "code": c["code"],
                "name": c["nom"],
                "parent": f"epci-{epci}" if epci else f"dep-{c['departement']}",
                "department": f"dep-{c['departement']}",
                "region": f"reg-{c['region']}",
                "postcodes": " ".join(c.get("codesPostaux") or []),
                "population": c.get("population") or "",
            }
        )
    return rows


def main(argv: list[str]) -> None:
    package_dir = Path(argv[1] if len(argv) > 1 else "package")
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    rows = build(package_dir)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives the same bytes.
    with (
        open(OUT / "territories.csv.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out,
    ):
        out.write(buffer.getvalue().encode("utf-8"))
    provenance = {
        "package": meta["name"],
        "version": meta["version"],
        "licence": "Licence Ouverte / Etalab 2.0",
        "source": meta.get("repository", ""),
        "built_on": datetime.date.today().isoformat(),  # noqa: DTZ011
        "rows": len(rows),
        "kinds": dict(Counter(r["kind"] for r in rows)),
        "geometry": "none: the package gives no coordinates or shapes",
    }
    (OUT / "PROVENANCE.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"{len(rows)} territories written\n")


if __name__ == "__main__":
    main(sys.argv)
