"""The report URL fetcher serves the report templates' own files and small data: URLs only."""

import base64
from pathlib import Path

import pytest
from weasyprint.urls import URLFetchingError, fetch

from reports.fetcher import DATA_URL_LIMIT, RefusedResourceError, TemplateAssetFetcher
from reports.pdf import REPORT_TEMPLATES_DIR


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A template folder with a stylesheet, beside a secret it must never serve."""
    folder = tmp_path / "reports"
    (folder / "fonts").mkdir(parents=True)
    (folder / "print.css").write_text("body { color: black }")
    (folder / "fonts" / "face.ttf").write_bytes(b"\x00\x01font")
    (tmp_path / "secret.txt").write_text("not for reports")
    return folder


def test_serves_a_file_under_the_template_folder(root: Path) -> None:
    response = TemplateAssetFetcher(root).fetch((root / "fonts" / "face.ttf").as_uri())
    assert response.read() == b"\x00\x01font"


def test_serves_stylesheets_with_their_content_type(root: Path) -> None:
    response = TemplateAssetFetcher(root).fetch((root / "print.css").as_uri())
    assert response.content_type == "text/css"
    assert response.read() == b"body { color: black }"


def test_serves_the_shipped_stylesheet_and_fonts() -> None:
    fetcher = TemplateAssetFetcher(REPORT_TEMPLATES_DIR)
    css = fetcher.fetch((REPORT_TEMPLATES_DIR / "print.css").as_uri()).read()
    assert b"@font-face" in css
    font = (REPORT_TEMPLATES_DIR / "fonts" / "LiberationSans-Regular.ttf").as_uri()
    assert len(fetcher.fetch(font).read()) > 10_000


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/pixel.png",
        "https://example.com/style.css",
        "ftp://example.com/file",
        "HTTP://EXAMPLE.COM/",
        "gopher://example.com/",
        "//example.com/protocol-relative.png",
    ],
)
def test_refuses_network_urls(root: Path, url: str) -> None:
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch(url)


def test_refuses_a_file_outside_the_template_folder(root: Path) -> None:
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch((root.parent / "secret.txt").as_uri())


def test_refuses_system_files(root: Path) -> None:
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch("file:///etc/passwd")


@pytest.mark.parametrize("escape", ["../secret.txt", "fonts/../../secret.txt", "%2e%2e/secret.txt"])
def test_refuses_climbing_out_with_dot_dot(root: Path, escape: str) -> None:
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch(f"{root.as_uri()}/{escape}")


def test_refuses_a_symbolic_link_that_leads_outside(root: Path) -> None:
    (root / "innocent.css").symlink_to(root.parent / "secret.txt")
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch((root / "innocent.css").as_uri())


def test_refuses_files_on_other_hosts(root: Path) -> None:
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch(f"file://fileserver{root}/print.css")


def test_refuses_a_folder(root: Path) -> None:
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch((root / "fonts").as_uri())


def test_serves_a_small_data_url(root: Path) -> None:
    url = "data:text/plain;base64," + base64.b64encode(b"tiny").decode()
    assert TemplateAssetFetcher(root).fetch(url).read() == b"tiny"


def test_refuses_a_data_url_over_the_limit(root: Path) -> None:
    url = "data:text/plain;base64," + "A" * DATA_URL_LIMIT
    with pytest.raises(RefusedResourceError):
        TemplateAssetFetcher(root).fetch(url)


def test_a_refusal_is_an_ordinary_failed_resource_for_the_renderer(root: Path) -> None:
    # WeasyPrint skips a resource whose fetch raises URLFetchingError and carries on; only a
    # FatalURLFetchingError would stop the document.
    with pytest.raises(URLFetchingError), fetch(TemplateAssetFetcher(root), "file:///etc/passwd"):
        pass
