"""Jinja HTML to tagged, accessible PDF. Runs inside a worker process; knows no database."""

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from reports import page_references
from reports.fetcher import TemplateAssetFetcher

REPORT_TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "reports"
PDF_VARIANT = "pdf/ua-1"
# Archive copies: PDF/A-3b may carry the data the document was made from as attached files.
ARCHIVE_PDF_VARIANT = "pdf/a-3b"


def _template_version(root: Path) -> str:
    """A digest of every file under `root`, names included, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# Part of every report cache key: a changed template or stylesheet means a new document.
RENDER_TEMPLATE_VERSION = _template_version(REPORT_TEMPLATES_DIR)

# A run of this many characters without a space gets a zero-width break opportunity after it.
UNBROKEN_RUN = 60
_UNBROKEN = re.compile(rf"(\S{{{UNBROKEN_RUN}}})(?=\S)")
ZERO_WIDTH_SPACE = "\u200b"


def breakable(value: object) -> object:
    """Text with a break opportunity in each long unbroken run, so it wraps quickly.

    A long word typed into an answer (a pasted link or key) would otherwise overflow the page,
    and WeasyPrint's break-word fallback costs seconds per thousand characters. Markup (an
    SVG chart) is left alone.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return _UNBROKEN.sub(rf"\g<1>{ZERO_WIDTH_SPACE}", value)
    return value


# The Jinja environment for reports: escapes every value, fails on an undefined name.
report_templates = Environment(
    loader=FileSystemLoader(REPORT_TEMPLATES_DIR),
    autoescape=select_autoescape(("html",), default_for_string=True, default=True),
    undefined=StrictUndefined,  # a misspelt name fails loudly instead of printing nothing
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=breakable,
)
page_references.install()
# One per process: it loads the shipped @font-face files once, then every render reuses them.
_fonts = FontConfiguration()


def render_html(template: str, context: Mapping[str, Any], *, title: str) -> str:
    """The report's HTML, with every context value escaped; `title` fills <title>."""
    return report_templates.get_template(template).render({**context, "title": title})


def _document(template: str, context: Mapping[str, Any], title: str) -> HTML:
    return HTML(
        string=render_html(template, context, title=title),
        base_url=REPORT_TEMPLATES_DIR.as_uri() + "/",
        url_fetcher=TemplateAssetFetcher(REPORT_TEMPLATES_DIR),
    )


def render_pdf(template: str, context: Mapping[str, Any], *, title: str) -> bytes:
    """Render `template` (a name under templates/reports/) to a PDF/UA-1 document."""
    document = _document(template, context, title)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_fonts)
    return pdf


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside an archival PDF, such as the data the document shows."""

    name: str
    content: bytes
    description: str
    # When the file was made; recorded in the PDF so the copy says what it holds.
    made_at: datetime
    # ISO 32000-2 AFRelationship: "Data" for the data a document presents, "Source" for
    # the file it was made from.
    relationship: str = "Data"


def render_archive_pdf(
    template: str,
    context: Mapping[str, Any],
    *,
    title: str,
    attachments: Sequence[EmbeddedFile] = (),
) -> bytes:
    """Render `template` to a tagged PDF/A-3b document with `attachments` embedded."""
    embedded = [
        Attachment(
            file_obj=io.BytesIO(file.content),
            name=file.name,
            description=file.description,
            created=file.made_at,
            modified=file.made_at,
            relationship=file.relationship,
        )
        for file in attachments
    ]
    document = _document(template, context, title)
    pdf: bytes = document.write_pdf(
        pdf_variant=ARCHIVE_PDF_VARIANT,
        pdf_tags=True,  # the archive copy is as navigable by screen readers as the other
        attachments=embedded,
        font_config=_fonts,
    )
    return pdf
