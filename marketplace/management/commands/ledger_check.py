"""Prove that the time ledger balances: sum zero, each balance equal to its history."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.selectors.ledger import ledger_integrity_problems


class Command(BaseCommand):
    help = (
        "Check that the time accounts' balances sum to zero, that each balance equals "
        "the sum of its transfers, and that none is below its credit limit. Exits with "
        "status 1 on any difference."
    )

    def handle(self, *args, **options) -> None:
        problems = ledger_integrity_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} difference(s) found in the ledger.", returncode=1)
        self.stdout.write(self.style.SUCCESS("The time ledger is consistent."))
