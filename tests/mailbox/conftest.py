"""Fixtures for the demo mailbox: a fresh mailbox directory with the mailbox backend."""

import pytest


@pytest.fixture
def mailbox(settings, tmp_path):
    """Mail sent in the test lands as .eml files in a temporary mailbox; returns its path."""
    directory = tmp_path / "mailbox"
    settings.EMAIL_BACKEND = "tillit.mailbox.backend.MailboxBackend"
    settings.TILLIT_MAILBOX_DIR = directory
    settings.TILLIT_DEMO = True
    return directory
