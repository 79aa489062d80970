"""What an uploaded file really is, read from its content, not from its name.

A file's extension is a claim; this module checks the claim against the bytes: a PHP
script renamed ``.jpg`` is not a JPEG, an SVG (which can carry script) is not a PNG, an
image small on disk that would decode to billions of pixels (a decompression bomb) is
refused before it is decoded."""

import io
import zipfile

from PIL import Image, UnidentifiedImageError

IMAGE_MAX_PIXELS = 40_000_000
_IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
_OPENDOCUMENT = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
_TEXT = {"txt", "md", "csv"}


class UploadRejected(ValueError):
    """The content is not what the extension says (``code`` tells why)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def upload_check_content(upload, *, extension: str, max_bytes: int) -> None:
    """Raise UploadRejected unless the upload's bytes are a file of ``extension`` type,
    at most ``max_bytes`` long. The upload is rewound for whoever saves it next."""
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise UploadRejected("too_large")
    if extension == "pdf":
        ok = data.startswith(b"%PDF-")
    elif extension in _IMAGE_FORMATS:
        ok = _is_image(data, _IMAGE_FORMATS[extension])
    elif extension in _OPENDOCUMENT:
        ok = _zip_member(data, "mimetype") == _OPENDOCUMENT[extension]
    elif extension == "docx":
        ok = _zip_member(data, "[Content_Types].xml") is not None and _zip_has(
            data, "word/document.xml"
        )
    elif extension in _TEXT:
        ok = _is_text(data)
    else:
        ok = False
    if not ok:
        raise UploadRejected("content_mismatch")


def _is_image(data: bytes, expected_format: str) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected_format:
                return False
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise UploadRejected("too_many_pixels")
            probe.verify()
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    return True


def _zip_member(data: bytes, name: str) -> bytes | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(name)
            if info.file_size > 1024 * 1024:
                return None  # a mimetype or manifest that large is a zip bomb, not a document
            return archive.read(info).strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None


def _zip_has(data: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return name in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True
