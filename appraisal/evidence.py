"""Evidence files: the type is read from the content (magic bytes), never trusted from the name."""

import zipfile
from io import BytesIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: Magic bytes → type. Office Open XML documents are ZIP files told apart by their content.
_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
)
#: The extensions each detected type may carry.
EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
    "gif": {"gif"},
    "ole": {"doc", "xls", "ppt"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "zip": {"zip"},
}


class EvidenceRefused(ValueError):
    """The file is refused; the message says why."""


def evidence_type(content: bytes) -> str | None:
    """Return the type of a file from its first bytes (and, for ZIPs, their members), or None."""
    kind = next((name for magic, name in _MAGIC if content.startswith(magic)), None)
    if kind != "zip":
        return kind
    try:
        names = zipfile.ZipFile(BytesIO(content)).namelist()
    except zipfile.BadZipFile:
        return None
    for prefix, office in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
            return office
    return "zip"


def evidence_check(*, content: bytes, file_name: str) -> str:
    """Return the file's type, or raise EvidenceRefused for a file too large, of a refused type or misnamed."""
    limit = settings.APPRAISAL_EVIDENCE_MAX_BYTES
    if len(content) > limit:
        raise EvidenceRefused(
            _("%(name)s is %(size)s; the largest evidence file accepted is %(limit)s.")
            % {"name": file_name, "size": filesizeformat(len(content)), "limit": filesizeformat(limit)}
        )
    if not content:
        raise EvidenceRefused(_("%(name)s is empty.") % {"name": file_name})
    kind = evidence_type(content)
    if kind is None:
        raise EvidenceRefused(
            _("%(name)s is not a PDF, image, Office document or ZIP file; it was not stored.") % {"name": file_name}
        )
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in EXTENSIONS[kind]:
        raise EvidenceRefused(
            _("%(name)s is named .%(ext)s but its content is %(kind)s; rename it or upload the right file.")
            % {"name": file_name, "ext": extension or "?", "kind": kind.upper()}
        )
    return kind
