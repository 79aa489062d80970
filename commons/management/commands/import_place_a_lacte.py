"""Import « Place à l'acte » entries from a CSV or GeoJSON file, streaming
(see ``commons.services.imports``)."""

from backend.core.imports import ImportCommand
from commons.errors import CommonsError
from commons.services.imports import entries_import


class Command(ImportCommand):
    help = (
        "Import directory entries (tools, initiatives, actions, ideas, events) from a CSV or "
        "GeoJSON file. Bad rows are reported and skipped; the good ones are written in one "
        "transaction; rows are matched on their external id. The file is read as a stream."
    )
    error = CommonsError

    def run_import(self, *, handle, name, dry_run, progress):
        return entries_import(
            actor=None, handle=handle, name=name, dry_run=dry_run, progress=progress
        )
