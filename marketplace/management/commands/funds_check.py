"""Prove that every stored money total equals the sum of its history."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.services.funds import funds_integrity_problems


class Command(BaseCommand):
    help = (
        "Check that each fund's received/allocated/available totals and each "
        "contribution's received/refunded amounts equal the sums of their payments, "
        "refunds and allocations. Exits with status 1 on any difference."
    )

    def handle(self, *args, **options) -> None:
        problems = funds_integrity_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} difference(s) found in the funds.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Funds are consistent."))
