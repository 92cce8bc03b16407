"""Fixtures of the imports suite: the demo catalog, and uploads run as the API runs them (the
task queued on commit, eager in tests)."""

from pathlib import Path

import pytest
from django.urls import reverse

from catalog import services as catalog_services

DATA = Path(__file__).parent / "data"
URL = reverse("imports:import-list")


@pytest.fixture
def demo_catalog(db):
    catalog_services.demo_catalog_load()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """``upload(client, name_or_bytes, file_name=..., source=...)``: POST the file (a sample's
    name in data/, or bytes) and run what it queued; the response."""

    def post(client, sample: str | bytes, *, file_name: str = "", **fields: str):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = (DATA / sample).read_bytes() if isinstance(sample, str) else sample
        name = file_name or (sample if isinstance(sample, str) else "export")
        body = {"file": SimpleUploadedFile(name, data), **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, body, format="multipart")

    return post
