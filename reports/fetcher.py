"""The only way a report may load a resource: the project's own files under one folder.

Reports carry text that bidders and evaluators typed. Autoescaping keeps that text from
becoming markup, and this fetcher is the second wall: even markup that reached the renderer
cannot reach the network, other files or large inline payloads. A refused resource raises,
which WeasyPrint logs and skips, so the document is still produced without it.
"""

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

# Big enough for a small inline icon; anything larger is a way to smuggle in content.
DATA_URL_LIMIT = 64 * 1024


class RefusedResourceError(ValueError):
    """A report asked for something it may not load."""


class TemplateAssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
    """Serves files under `root` and small `data:` URLs; refuses everything else."""

    def __init__(self, root: Path, *, data_url_limit: int = DATA_URL_LIMIT) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self._root = root.resolve()
        self._data_url_limit = data_url_limit

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The resource at `url`, or RefusedResourceError."""
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            if len(url) > self._data_url_limit:
                raise RefusedResourceError(f"data: URL longer than {self._data_url_limit} bytes")
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._local_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
            )
        raise RefusedResourceError(f"reports may not load {scheme or 'relative'} URLs")

    def _local_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedResourceError("reports may not load files from other hosts")
        # resolve() follows symbolic links and removes "..", so the check sees the real file.
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise RefusedResourceError("reports may load only their own template assets")
        return path
