"""Uploading a spend file on the import page and waiting for how the import ends."""

from playwright.async_api import FilePayload, expect

from tests.web.conftest import Visitor

# An import runs in the background; its page polls until it ends.
OUTCOME_WAIT_MS = 20_000


async def upload(visitor: Visitor, name: str, content: bytes) -> None:
    """Choose the file on the upload form and send it."""
    chosen: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content}
    await visitor.page.get_by_label("Spend file", exact=True).set_input_files(files=[chosen])
    await visitor.press("Import file")


async def outcome(visitor: Visitor, heading: str) -> None:
    """Wait for the import's page to show how it ended, then check it with axe."""
    await expect(visitor.page.locator("h1")).to_have_text(heading, timeout=OUTCOME_WAIT_MS)
    await visitor.check_accessibility()
