"""Import pioneers from a CSV or GeoJSON file (see ``pioneers.services.imports``)."""

from backend.core.imports import ImportCommand
from pioneers.errors import PioneersError
from pioneers.services.imports import pioneers_import


class Command(ImportCommand):
    help = (
        "Import pioneers from a CSV or GeoJSON file. Bad rows are reported and skipped; "
        "the good ones are written in one transaction; rows are matched on their external id."
    )
    error = PioneersError
    show_unchanged = True

    def run_import(self, *, handle, name, dry_run, progress):
        return pioneers_import(
            actor=None, handle=handle, name=name, dry_run=dry_run, progress=progress
        )
