"""An import run by a real Celery worker: the request stores the upload and queues the task on
commit, the broker (REDIS_URL's Redis in CI, else the filesystem transport of `make run`)
carries it, the worker reads the upload from the database and applies it."""

import time

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import services as catalog_services
from imports.models import Upload
from ratings.models import Rating
from tests.conftest import client_for
from tests.imports.conftest import DATA, URL


def test_a_real_worker_runs_an_import(user, celery_worker):
    catalog_services.demo_catalog_load()
    client = client_for(user)
    body = {"file": SimpleUploadedFile("ratings.csv", (DATA / "tmdb-ratings.csv").read_bytes())}

    response = client.post(URL, body, format="multipart")

    assert response.status_code == 202
    url = f"{URL}{response.json()['id']}/"
    deadline = time.monotonic() + 30
    while (job := client.get(url).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the worker did not run the import"
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["counts"]["imported"] == 20
    assert Rating.objects.filter(user=user).count() == 20
    assert not Upload.objects.exists()
