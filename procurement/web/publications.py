"""Publication pages for finance: the list of published summaries, publishing a period's
summary, a publication with its files and their digests, and publishing a correction.

They live under /capital-summaries, not /publications: every path starting "/public" is open
to everyone (security.PUBLIC_PATHS), and these pages are for signed-in staff only.
"""

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from procurement.config import Settings
from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.schemas.publication import (
    PublicationCorrection,
    PublicationCreate,
    PublicationFileKind,
    PublicationRead,
)
from procurement.services.publications import PUBLIC_PATH, PublicationService, file_url
from procurement.web.access import requires
from procurement.web.forms import FieldSpec, Form, FormSpec, attempt, present, read_form
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    flash,
    page_offset,
    pagination,
    render,
    see_other,
)

READERS = requires(Permission.READ_CAPITAL)
PUBLISHERS = requires(Permission.PUBLISH_SUMMARIES)
PUBLISH_FORM = FormSpec(
    period=FieldSpec("Period", required="Enter the period, like 2026/27 Q2"),
    title=FieldSpec("Title"),
)
CORRECTION_FORM = FormSpec(
    correction_note=FieldSpec(
        "What was corrected", required="Enter what was wrong and what has changed"
    ),
    title=FieldSpec("Title"),
)
# How each file is named in links, here and on the public pages.
FILE_NAMES = {
    PublicationFileKind.PDF: "PDF (accessible)",
    PublicationFileKind.ARCHIVE_PDF: "PDF for archiving (PDF/A-3b, with the data attached)",
    PublicationFileKind.HTML: "Web page (HTML)",
    PublicationFileKind.CSV: "Every scheme (CSV)",
    PublicationFileKind.JSON: "All the data (JSON)",
}


def publication_path(publication_id: uuid.UUID) -> str:
    """Where finance officers see a publication."""
    return f"/capital-summaries/{publication_id}"


def _form_page(
    request: Req,
    template: str,
    form: Form,
    publication: PublicationRead | None = None,
    status_code: int = 200,
) -> Template:
    return render(request, template, form=form, publication=publication, status_code=status_code)


class PublicationPages(Controller):
    """Capital programme summaries, as finance publishes and corrects them."""

    path = "/capital-summaries"
    include_in_schema = False

    @get("/", guards=READERS)
    async def publication_list(
        self,
        request: Req,
        publications: NamedDependency[PublicationService],
        actor: NamedDependency[Principal],
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        """Every version of every period's summary, latest first."""
        found = await publications.list(PAGE_SIZE, page_offset(page))
        return render(
            request,
            "pages/publications/list.html",
            publications=found,
            can_publish=actor.can(Permission.PUBLISH_SUMMARIES),
            pagination=pagination("/capital-summaries", {}, page, found.total),
        )

    @get("/new", guards=PUBLISHERS)
    async def new_publication(self, request: Req) -> Template:
        """The form to publish a period's summary."""
        return _form_page(request, "pages/publications/publish.html", Form())

    @post("/new", guards=PUBLISHERS)
    async def publish(
        self,
        request: Req,
        publications: NamedDependency[PublicationService],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Publish the summary, or show the form again with what stands in the way."""
        values = await read_form(request)
        outcome = await attempt(
            PUBLISH_FORM,
            PublicationCreate,
            present(values, "period", "title"),
            lambda data: publications.publish(data, settings),
        )
        if outcome.result is None:
            form = Form(values, outcome.errors)
            return _form_page(
                request, "pages/publications/publish.html", form, None, outcome.status_code
            )
        published = outcome.result
        flash(request, "Summary published", f"{published.title} is published as version 1.")
        return see_other(publication_path(published.id))

    @get("/{publication_id:uuid}", guards=READERS)
    async def publication(
        self,
        request: Req,
        publication_id: FromPath[uuid.UUID],
        publications: NamedDependency[PublicationService],
        actor: NamedDependency[Principal],
    ) -> Template:
        """A publication: its totals, its files with their digests, and its period's versions."""
        publication = await publications.get(publication_id)
        versions = await publications.list(PAGE_SIZE, 0, publication.period)
        return render(
            request,
            "pages/publications/detail.html",
            publication=publication,
            versions=versions.items,
            file_names=FILE_NAMES,
            public_path=f"{PUBLIC_PATH}/{publication.id}",
            public_urls={
                f.kind: file_url(PUBLIC_PATH, publication.id, f.kind) for f in publication.files
            },
            can_publish=actor.can(Permission.PUBLISH_SUMMARIES),
        )

    @get("/{publication_id:uuid}/correct", guards=PUBLISHERS)
    async def new_correction(
        self,
        request: Req,
        publication_id: FromPath[uuid.UUID],
        publications: NamedDependency[PublicationService],
    ) -> Template:
        """The form to publish a correction of a version."""
        publication = await publications.get(publication_id)
        form = Form({"title": publication.title})
        return _form_page(request, "pages/publications/correct.html", form, publication)

    @post("/{publication_id:uuid}/correct", guards=PUBLISHERS)
    async def correct(
        self,
        request: Req,
        publication_id: FromPath[uuid.UUID],
        publications: NamedDependency[PublicationService],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Publish the correction as a new version, or show the form again."""
        values = await read_form(request)
        outcome = await attempt(
            CORRECTION_FORM,
            PublicationCorrection,
            present(values, "correction_note", "title"),
            lambda data: publications.correct(publication_id, data, settings),
        )
        if outcome.result is None:
            publication = await publications.get(publication_id)
            form = Form(values, outcome.errors)
            return _form_page(
                request, "pages/publications/correct.html", form, publication, outcome.status_code
            )
        corrected = outcome.result
        flash(
            request,
            "Correction published",
            f"Version {corrected.version} of {corrected.title} supersedes version "
            f"{corrected.version - 1}.",
        )
        return see_other(publication_path(corrected.id))
