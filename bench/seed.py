"""Fill an empty, migrated database at the scale of a national network (the benchmark's
data; ``bench/scale.py`` does the work).

    python -m bench.seed --members 10000 --pioneers 5000 --projects 2000 \\
        --ballots 200000 --transfers 1000000 --listings 20000

It reads ``DATABASE_URL`` like ``manage.py`` (settings: ``DJANGO_SETTINGS_MODULE``,
default ``backend.settings``). It lives with the bench, above every app: no app imports
the bench (``backend/core/layers.py``), and the production image does not ship it.
"""

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

# The counts of issue 11 (bench.scale.ScaleCounts has the same defaults).
DEFAULTS = {
    "members": 10_000,
    "pioneers": 5_000,
    "projects": 2_000,
    "ballots": 200_000,
    "transfers": 1_000_000,
    "listings": 20_000,
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.seed",
        description=(
            "Fill an EMPTY, migrated database in bulk with valid data at scale: members "
            "with shares, pioneers, projects, a closed vote with its ballots, a resolution "
            "with 10,000 votes, time accounts with their transfers, listings "
            "(see bench/scale.py)."
        ),
    )
    for name, default in DEFAULTS.items():
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--seed", type=int, default=11, help="random seed (reproducible)")
    return p


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Seed; 0 on success, 2 with a message on stderr when refused."""
    out = stdout or sys.stdout
    args = parser().parse_args(argv)
    names = tuple(DEFAULTS)
    if any(getattr(args, name) < 1 for name in names):
        sys.stderr.write("Every count must be at least 1.\n")
        return 2

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from bench.scale import NotEmptyError, ScaleCounts, seed_scale

    counts = ScaleCounts(**{name: getattr(args, name) for name in names})
    try:
        report = seed_scale(counts=counts, say=lambda m: out.write(f"{m}\n"), seed=args.seed)
    except NotEmptyError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    total = sum(report["seconds"].values())
    for label, rows in report["rows"].items():
        out.write(f"  {label}: {rows:,} rows\n")
    out.write(f"Seeded in {total:.1f} s.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
