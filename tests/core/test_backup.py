"""export_cooperative / import_cooperative: a restored cooperative is the same cooperative."""

import base64
import datetime
import gzip
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from backend.core import backup
from backend.core.backup import BackupError, cooperative_export_to_path, cooperative_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages are matched in English (their French translation is the catalogue's).
    with translation.override("en"):
        yield


# -- helpers ----------------------------------------------------------------------------


def canonical_dump() -> dict[str, list[str]]:
    """Every row of every table (generated columns included), as canonical JSON lines.

    Written independently of the backup module: what the archive must bring back."""
    dump = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or meta.label_lower == "sessions.session":
            continue
        pk_fields = getattr(meta, "pk_fields", None) or [meta.pk]
        columns = [f.attname for f in meta.local_concrete_fields if f.column]
        rows = model._base_manager.order_by(*[f.attname for f in pk_fields]).values_list(*columns)
        dump[meta.label_lower] = [
            json.dumps(list(row), sort_keys=True, default=str, ensure_ascii=False) for row in rows
        ]
    return dump


def wipe_cooperative() -> None:
    """Empty every table but the ones a freshly migrated database fills (content types,
    permissions, seeded groups, themes and criteria, settings), resetting the sequences:
    what `migrate` on a new server leaves."""
    tables = [t for t in backup.cooperative_tables() if t.label not in backup.REFERENCE_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE wants no pending checks
        for statement in connection.ops.sql_flush(
            no_style(), [t.db_table for t in tables], reset_sequences=True
        ):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def build_cooperative() -> None:
    """The demo cooperative (built through the services) plus what the demo lacks: a
    share refund, a refunded contribution, an API token, an idempotency record."""
    from rest_framework.authtoken.models import Token

    from backend.accounts.models import User
    from backend.core.models import IdempotencyRecord
    from governance.models import Membership
    from governance.services import shares_refund
    from marketplace.models import Contribution
    from marketplace.services.contributions import contribution_refund_apply

    call_command("seed_demo", stdout=io.StringIO())
    coordinator = User.objects.filter(is_superuser=True).first() or User.objects.first()
    holder = Membership.objects.filter(shares_held__gt=1).first()
    shares_refund(actor=coordinator, membership=holder, quantity=1, reference="R-1")
    with transaction.atomic():
        paid = Contribution.objects.select_for_update().filter(amount_received_cents__gt=0)[0]
        contribution_refund_apply(
            contribution=paid,
            refunded_total_cents=paid.amount_received_cents // 2,
            method="transfer",
            received_on=timezone.localdate(),
            reference="REMB-1",
            actor=coordinator,
        )
    Token.objects.create(user=coordinator)
    IdempotencyRecord.objects.create(
        user=coordinator, key="k-1", scope="votes.cast", status_code=201, response={"id": 1}
    )


def small_cooperative(membership_factory, colleges) -> None:
    membership_factory(college=colleges["fondateurs"], shares=2)
    membership_factory(college=colleges["beneficiaires"], shares=1)


def rewrite(path: Path, change) -> None:
    """Apply ``change(lines)`` to an uncompressed archive, keeping it well formed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    change(lines)
    path.write_text("".join(lines), encoding="utf-8")


# -- the round trip ---------------------------------------------------------------------


def test_a_restored_cooperative_is_identical_row_for_row(tmp_path):
    # given a populated cooperative and its archive
    from governance.models import Ballot, ShareRefund, VoteResult
    from marketplace.models import Payment, TimeAccount, TimeTransfer

    build_cooperative()
    before = canonical_dump()
    archive = tmp_path / "cooperative.json.gz"
    exported = cooperative_export_to_path(path=archive)
    assert exported.total_rows == sum(len(rows) for rows in before.values())
    for model in (TimeTransfer, Ballot, VoteResult, ShareRefund):
        assert model.objects.exists(), model
    assert Payment.objects.filter(kind="refund").exists()
    # when the database is lost and the archive restored into an empty one
    wipe_cooperative()
    assert not TimeAccount.objects.exists()
    restored = cooperative_import(path=archive)
    # then every row of every table is back, and the ledgers still balance
    after = canonical_dump()
    assert [label for label in before if before[label] != after[label]] == []
    assert restored.total_rows == exported.total_rows
    assert restored.tables == exported.tables
    call_command("ledger_check", stdout=io.StringIO())
    call_command("funds_check", stdout=io.StringIO())
    if connection.vendor == "postgresql":
        # the append-only guards, off during the restore, are on again
        for statement in (
            "DELETE FROM marketplace_timetransfer",
            "UPDATE governance_voteresult SET ballot_count = 0",
            "DELETE FROM marketplace_payment",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)


def test_after_a_restore_new_rows_take_fresh_ids(tmp_path, colleges, membership_factory):
    # given a restored cooperative whose sequences had been reset by the wipe
    from governance.models import College, Membership

    first = membership_factory(college=colleges["fondateurs"])
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    highest = College.objects.order_by("-pk").first().pk
    wipe_cooperative()
    cooperative_import(path=archive)
    # when new rows are written
    college = College.objects.create(slug="nouveau", name="Nouveau", vote_weight=10, position=9)
    second = membership_factory(college=college)
    # then they do not collide with restored ones
    assert college.pk > highest
    assert second.pk > first.pk
    assert Membership.objects.count() == 2


def test_the_archive_is_one_json_document_with_version_counts_and_checksums(
    tmp_path, membership_factory, colleges
):
    small_cooperative(membership_factory, colleges)
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    document = json.loads(archive.read_text(encoding="utf-8"))
    assert document["format"] == "terreau-cooperative-archive"
    assert document["format_version"] == backup.FORMAT_VERSION
    header = document["header"]
    assert datetime.datetime.fromisoformat(header["created_at"]).tzinfo is not None
    assert set(header["software"]) >= {"terreau", "django", "python"}
    assert "0001_membership_capital_charter" in header["migrations"]["governance"]
    tables = {t["model"]: t for t in document["tables"]}
    assert tables["governance.membership"]["count"] == 2
    assert len(tables["governance.membership"]["rows"]) == 2
    assert len(tables["governance.membership"]["sha256"]) == 64
    assert "sessions.session" not in tables
    assert document["manifest"]["total_rows"] == sum(t["count"] for t in tables.values())


# -- refusals: clear message, nothing written ------------------------------------------


def test_import_refuses_a_database_that_is_not_empty(tmp_path, membership_factory, colleges):
    from governance.models import Membership

    small_cooperative(membership_factory, colleges)
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    before = canonical_dump()
    with pytest.raises(BackupError, match="not empty"):
        cooperative_import(path=archive)
    assert canonical_dump() == before
    assert Membership.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lines: lines.__setitem__(0, lines[0].replace('"format_version":1', '"format_version":99')), "version 99"),
        (lambda lines: lines.__setitem__(0, lines[0].replace("terreau-cooperative-archive", "autre")), "not a Terreau"),
        (lambda lines: lines.__setitem__(0, "[1, 2]\n"), "not a Terreau"),
        (lambda lines: lines.__delitem__(slice(len(lines) // 2, None)), "not a complete"),
        (lambda lines: lines.append("{}\n"), "not a complete"),
    ],
    ids=["unknown-version", "other-format", "not-an-archive", "truncated", "trailing-garbage"],
)  # fmt: skip
def test_import_refuses_a_bad_file_and_writes_nothing(
    tmp_path, membership_factory, colleges, change, message
):
    from governance.models import Membership

    small_cooperative(membership_factory, colleges)
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    wipe_cooperative()
    rewrite(archive, change)
    with pytest.raises(BackupError, match=message):
        cooperative_import(path=archive)
    assert not Membership.objects.exists()


def test_import_refuses_a_tampered_row_naming_its_table(tmp_path, membership_factory, colleges):
    from governance.models import Membership

    small_cooperative(membership_factory, colleges)
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    wipe_cooperative()

    def raise_shares(lines):
        start = next(
            i
            for i, line in enumerate(lines)
            if line.lstrip(",").startswith('{"model":"governance.membership"')
        )
        columns = json.loads(lines[start].lstrip(",")[: -len(',"rows":[\n')] + "}")["columns"]
        row = json.loads(lines[start + 1])
        row[columns.index("shares_held")] = 200
        lines[start + 1] = backup._dumps(row) + "\n"

    rewrite(archive, raise_shares)
    with pytest.raises(BackupError, match=r"governance\.membership do not match their checksum"):
        cooperative_import(path=archive)
    assert not Membership.objects.exists()


def test_import_refuses_an_archive_of_another_schema(tmp_path, membership_factory, colleges):
    from governance.models import Membership

    small_cooperative(membership_factory, colleges)
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    wipe_cooperative()

    def add_a_future_migration(lines):
        head = json.loads(lines[0][: -len(',"tables":[\n')] + "}")
        head["header"]["migrations"]["governance"].append("0099_future")
        lines[0] = backup._dumps(head, sort_keys=False)[:-1] + ',"tables":[\n'
        tables = [
            backup.TableReport(label=label, **json.loads("{" + line[2:]))
            for label, line in _table_endings(lines)
        ]
        lines[-1] = (
            '],"manifest":'
            + backup._dumps(
                {
                    "total_rows": sum(t.count for t in tables),
                    "sha256": backup._manifest_digest(lines[0].rstrip("\n"), tables),
                }
            )
            + "}\n"
        )

    rewrite(archive, add_a_future_migration)
    backup.cooperative_archive_verify(path=archive)  # a well-formed archive, re-signed
    with pytest.raises(BackupError, match=r"governance\.0099_future"):
        cooperative_import(path=archive)
    assert not Membership.objects.exists()


def _table_endings(lines):
    label = None
    for line in lines:
        stripped = line.lstrip(",")
        if stripped.startswith('{"model":'):
            label = json.loads(stripped[: -len(',"rows":[\n')] + "}")["model"]
        elif line.startswith('],"count":'):
            yield label, line


# -- the commands -----------------------------------------------------------------------


def test_commands_export_then_restore_compressed(tmp_path, membership_factory, colleges):
    from governance.models import Membership

    small_cooperative(membership_factory, colleges)
    archive = tmp_path / "backup.json.gz"
    out = io.StringIO()
    call_command("export_cooperative", "--output", str(archive), stdout=out)
    assert f"written to {archive}" in out.getvalue()
    with gzip.open(archive, "rt", encoding="utf-8") as stream:
        assert stream.readline().startswith('{"format":')
    assert not list(tmp_path.glob("*.partial"))
    out = io.StringIO()
    call_command("import_cooperative", str(archive), "--check", stdout=out)
    assert "verified" in out.getvalue()
    wipe_cooperative()
    out = io.StringIO()
    call_command("import_cooperative", str(archive), stdout=out)
    assert "restored" in out.getvalue()
    assert Membership.objects.count() == 2


def test_import_command_explains_a_refusal(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_cooperative", str(tmp_path / "missing.json"))
    garbage = tmp_path / "garbage.json.gz"
    garbage.write_bytes(b"\x1f\x8b not gzip at all")
    with pytest.raises(CommandError, match="not a complete Terreau archive"):
        call_command("import_cooperative", str(garbage))


# -- uploaded files ---------------------------------------------------------------------


def test_uploaded_files_travel_in_the_archive(tmp_path, settings, pioneer_factory):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from pioneers.models import Pioneer

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = default_storage.save("pioneers/photos/portrait.jpg", ContentFile(b"\xff\xd8 jpeg"))
    pioneer_factory(photo=photo)
    pioneer_factory(photo="pioneers/photos/lost.jpg")  # the disk lost it before the export
    archive = tmp_path / "a.json"
    err = io.StringIO()
    call_command("export_cooperative", "--output", str(archive), stdout=io.StringIO(), stderr=err)
    assert "pioneers/photos/lost.jpg" in err.getvalue()
    # when the database and the media volume are both lost
    wipe_cooperative()
    default_storage.delete(photo)
    report = cooperative_import(path=archive)
    # then the file is back, byte for byte, and the row names it
    assert [f.name for f in report.files] == [photo]
    assert report.missing_files == ["pioneers/photos/lost.jpg"]
    with default_storage.open(photo, "rb") as stream:
        assert stream.read() == b"\xff\xd8 jpeg"
    assert Pioneer.objects.filter(photo=photo).exists()


def test_a_tampered_file_is_refused(tmp_path, settings, pioneer_factory):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from pioneers.models import Pioneer

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = default_storage.save("pioneers/photos/portrait.jpg", ContentFile(b"original"))
    pioneer_factory(photo=photo)
    archive = tmp_path / "a.json"
    cooperative_export_to_path(path=archive)
    wipe_cooperative()

    def swap_content(lines):
        index = next(i for i, line in enumerate(lines) if line.startswith('],"files":[')) + 1
        item = json.loads(lines[index])
        item["content"] = base64.b64encode(b"forged").decode()
        lines[index] = backup._dumps(item) + "\n"

    rewrite(archive, swap_content)
    with pytest.raises(BackupError, match=r"portrait\.jpg does not match its checksum"):
        cooperative_import(path=archive)
    assert not Pioneer.objects.exists()
