"""Every upload is judged by its content and its size, never by its name alone: a PHP
script renamed .jpg, an SVG carrying a script, an oversized file and a decompression
bomb are refused by the pioneer photo, the project attachments and the assembly
documents, and nothing is stored."""

import datetime
import io
import struct
import zipfile
import zlib
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from governance.assemblies import services as assembly_services
from governance.assemblies.models import AssemblyDocument
from pioneers.models import Pioneer
from projects.models import ProjectAttachment
from tests.factories import PioneerFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

PHP = b"<?php system($_GET['cmd']); ?>\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<html><body><script>alert(1)</script></body></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header announcing 10 billion pixels, a few hundred bytes on disk."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def image(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, format=fmt)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


HOSTILE = [
    pytest.param("shell.jpg", PHP, id="php-renamed-jpg"),
    pytest.param("shell.php.png", PHP, id="php-double-extension"),
    pytest.param("vector.png", SVG, id="svg-with-script-renamed-png"),
    pytest.param("page.jpg", HTML, id="html-renamed-jpg"),
    pytest.param("bomb.png", bomb_png(), id="decompression-bomb"),
    pytest.param("gif.jpg", image("GIF"), id="gif-renamed-jpg"),
    pytest.param("truncated.jpg", image("JPEG")[:100], id="truncated-jpeg"),
]
OVERSIZED_6MB = b"\xff\xd8\xff\xe0" + b"0" * (6 * 1024 * 1024)


# ------------------------------------------------------------------ pioneer photo


@pytest.fixture
def pioneer_api(api_client):
    owner = UserFactory(email="pionniere@example.org")
    pioneer = PioneerFactory(user=owner)
    api_client.force_authenticate(owner)
    return api_client, pioneer


@pytest.mark.parametrize(("name", "content"), [*HOSTILE, pytest.param("svg.svg", SVG, id="svg")])
def test_the_pioneer_photo_refuses_hostile_files(pioneer_api, name, content):
    api, pioneer = pioneer_api
    response = api.patch(
        "/api/v1/pioneers/me/", {"photo": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Pioneer.objects.get(pk=pioneer.pk).photo


def test_the_pioneer_photo_refuses_an_oversized_file(pioneer_api):
    api, pioneer = pioneer_api
    response = api.patch(
        "/api/v1/pioneers/me/",
        {"photo": SimpleUploadedFile("big.jpg", OVERSIZED_6MB)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "5 Mo" in response.json()["detail"]
    assert not Pioneer.objects.get(pk=pioneer.pk).photo


def test_the_pioneer_photo_accepts_a_real_photo(pioneer_api):
    api, pioneer = pioneer_api
    response = api.patch(
        "/api/v1/pioneers/me/",
        {"photo": SimpleUploadedFile("p.png", image("PNG"))},
        format="multipart",
    )
    assert response.status_code == 200
    assert Pioneer.objects.get(pk=pioneer.pk).photo.name.endswith(".webp")


# ------------------------------------------------------------------ project attachments


@pytest.fixture
def project():
    return ProjectFactory()


def _attach(client, project, name, content):
    return client.post(
        f"/projets/{project.slug}/pieces-jointes/",
        {"file": SimpleUploadedFile(name, content), "title": "Pièce"},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        *HOSTILE,
        pytest.param("vector.svg", SVG, id="svg"),
        pytest.param("notes.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, id="binary-as-txt"),
        pytest.param("devis.pdf", PHP, id="php-renamed-pdf"),
        pytest.param("tableur.ods", odt(), id="odt-renamed-ods"),
        pytest.param("tableur.odt", b"PK\x03\x04" + b"\x00" * 40, id="broken-zip-as-odt"),
    ],
)
def test_project_attachments_refuse_hostile_files(coordinator_client, project, name, content):
    html = unescape(_attach(coordinator_client, project, name, content).content.decode())
    assert any(
        message in html
        for message in ("ne correspond pas à son type", "n'est pas accepté", "trop gros")
    )
    assert not ProjectAttachment.objects.exists()


def test_project_attachments_refuse_an_oversized_file(coordinator_client, project):
    html = _attach(coordinator_client, project, "big.jpg", OVERSIZED_6MB).content.decode()
    assert "trop gros" in html
    assert not ProjectAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
        ("photo.jpg", image("JPEG")),
        ("photo.webp", image("WEBP")),
        ("budget.csv", b"poste;montant\nbois;120\n"),
        ("notes.md", "# Notes\n\nÉté — chantier\n".encode()),
        ("compte-rendu.odt", odt()),
    ],
)
def test_project_attachments_accept_real_files(coordinator_client, project, name, content):
    _attach(coordinator_client, project, name, content)
    assert ProjectAttachment.objects.count() == 1


# ------------------------------------------------------------------ assembly documents


@pytest.fixture
def assembly(coordinator):
    return assembly_services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )


def _document(client, assembly, name, content):
    return client.post(
        f"/membres/assemblees/{assembly.pk}/document/",
        {"title": "Rapport", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("rapport.pdf", PHP, id="php-renamed-pdf"),
        pytest.param("rapport.docx", odt(), id="odt-renamed-docx"),
        pytest.param("rapport.odt", b"PK\x03\x04garbage", id="broken-zip-as-odt"),
        pytest.param("rapport.txt", b"MZ\x90\x00\x03\x00\x00\x00", id="exe-renamed-txt"),
        pytest.param("rapport.svg", SVG, id="svg"),
        pytest.param("rapport.php", PHP, id="php"),
        pytest.param("rapport.html", HTML, id="html"),
    ],
)
def test_assembly_documents_refuse_hostile_files(coordinator_client, assembly, name, content):
    html = unescape(_document(coordinator_client, assembly, name, content).content.decode())
    assert "ne correspond pas à son type" in html or "n'est pas accepté" in html
    assert not AssemblyDocument.objects.exists()
    from backend.core.models import AuditEvent

    assert not AuditEvent.objects.filter(action="assembly.document_add").exists()


def test_assembly_documents_refuse_an_oversized_file(coordinator_client, assembly):
    content = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024)
    html = _document(coordinator_client, assembly, "gros.pdf", content).content.decode()
    assert "10 Mo" in html
    assert not AssemblyDocument.objects.exists()


def test_assembly_documents_accept_a_real_pdf_and_odt(coordinator_client, assembly):
    _document(coordinator_client, assembly, "rapport.pdf", b"%PDF-1.4\n%%EOF\n")
    _document(coordinator_client, assembly, "budget.odt", odt())
    assert AssemblyDocument.objects.count() == 2
    # Through the service: each addition is in the audit journal.
    from backend.core.models import AuditEvent

    events = AuditEvent.objects.filter(action="assembly.document_add", target_id=str(assembly.pk))
    assert sorted(e.data["title"] for e in events) == ["Rapport", "Rapport"]
    assert {e.actor_id for e in events} == {int(coordinator_client.session["_auth_user_id"])}
