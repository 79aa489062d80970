"""Fill an empty database at the scale of a national network (the benchmark's data)."""

from django.core.management.base import BaseCommand, CommandError

# The counts of issue 11 (bench.scale.ScaleCounts has the same defaults).
DEFAULTS = {
    "members": 10_000,
    "pioneers": 5_000,
    "projects": 2_000,
    "ballots": 200_000,
    "transfers": 1_000_000,
    "listings": 20_000,
}


class Command(BaseCommand):
    help = (
        "Fill an EMPTY, migrated database in bulk with valid data at scale: members with "
        "shares, pioneers, projects, a closed vote with its ballots, a resolution with "
        "10,000 votes, time accounts with their transfers, listings (see bench/scale.py)."
    )

    def add_arguments(self, parser) -> None:
        for name, default in DEFAULTS.items():
            parser.add_argument(f"--{name}", type=int, default=default)
        parser.add_argument("--seed", type=int, default=11, help="random seed (reproducible)")

    def handle(self, *args, **options) -> None:
        # The bench package sits above every app (like the tests): imported only here,
        # and absent from the production image (the Dockerfile copies the apps only).
        try:
            from bench.scale import NotEmptyError, ScaleCounts, seed_scale
        except ImportError:
            raise CommandError(
                "seed_scale needs the bench package of a source checkout (bench/scale.py)."
            ) from None

        names = tuple(DEFAULTS)
        if any(options[name] < 1 for name in names):
            raise CommandError("Every count must be at least 1.")
        counts = ScaleCounts(**{name: options[name] for name in names})
        try:
            report = seed_scale(counts=counts, say=self.stdout.write, seed=options["seed"])
        except NotEmptyError as exc:
            raise CommandError(str(exc)) from None
        total = sum(report["seconds"].values())
        for label, rows in report["rows"].items():
            self.stdout.write(f"  {label}: {rows:,} rows")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {total:.1f} s."))
