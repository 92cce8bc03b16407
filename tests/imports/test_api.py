"""The imports API: upload (202, the task queued on commit), list (newest first, paginated,
yours only), detail and removal (another user's is a 404), errors known at upload (400 with a
field error, nothing stored), failures in the worker (``failed`` with a reason, nothing
stored, the upload deleted), the per-user throttle and the pending cap."""

import io
import zipfile

import pytest

from imports.models import Import, Status, Upload
from ratings.models import Rating
from tests.conftest import client_for
from tests.imports.conftest import DATA, URL

IMDB_HEADER = "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year"


def imdb_csv(*rows: str) -> bytes:
    return ("\n".join([IMDB_HEADER, *rows]) + "\n").encode()


def test_anonymous_clients_are_refused(api_client, db):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {}, format="multipart").status_code == 401


def test_an_upload_answers_202_with_the_queued_import(
    user, demo_catalog, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(user)
    body = {"file": SimpleUploadedFile("ratings.csv", (DATA / "imdb-ratings.csv").read_bytes())}
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(URL, body, format="multipart")

    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued"
    assert job["source"] == "imdb"
    assert job["file_name"] == "ratings.csv"
    assert job["finished_at"] is None
    assert job["counts"] == {
        "read": 0, "imported": 0, "already_present": 0, "skipped": {}, "unmatched": 0
    }  # fmt: skip
    assert job["unmatched"] == [] and job["error"] is None
    assert len(queued) == 1  # the task, queued once committed: nothing ran in the request
    assert Upload.objects.filter(job_id=job["id"]).exists()
    assert not Rating.objects.filter(user=user).exists()

    queued[0]()

    done = client.get(f"{URL}{job['id']}/").json()
    assert done["status"] == "done"
    assert done["finished_at"] is not None
    assert done["counts"]["imported"] == 60
    assert not Upload.objects.filter(job_id=job["id"]).exists()  # deleted when it ended


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "file"),
        ({"file": ("empty.csv", b"")}, "file"),
        ({"file": ("x.csv", b"a,b,c\n1,2,3\n")}, "file"),  # unknown header
        ({"file": ("x.csv", "Const,Ti\xe9tle\n".encode("latin-1"))}, "file"),  # not UTF-8
        ({"file": ("x.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00")}, "file"),  # no known kind
        ({"file": ("list.csv", b"Letterboxd list export v7\nDate,Name\n")}, "file"),
        ({"file": ("r.csv", imdb_csv()), "source": "trakt"}, "source"),
        ({"file": ("r.csv", b"a,b\n"), "source": "imdb"}, "file"),  # no source's at all
        ({"file": ("r.csv", imdb_csv()), "source": "netflix"}, "source"),
    ],
)
def test_what_is_known_at_upload_is_a_400_field_error_and_nothing_is_stored(
    auth_client, body, field
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        key: SimpleUploadedFile(*value) if isinstance(value, tuple) else value
        for key, value in body.items()
    }
    response = auth_client.post(URL, data, format="multipart")

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert all(isinstance(text, str) and text for text in errors[field])
    assert not Import.objects.exists()


def test_a_json_body_is_refused_415(auth_client):
    assert auth_client.post(URL, {"file": "x"}, format="json").status_code == 415


def test_a_file_over_the_upload_limit_is_refused(auth_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORTS = {**settings.IMPORTS, "MAX_UPLOAD_BYTES": 1024 * 1024}
    data = imdb_csv(*["tt0114709,8,2020-01-01,Toy Story,,Movie,8,81,1995"] * 25000)
    assert len(data) > 1024 * 1024

    response = auth_client.post(
        URL, {"file": SimpleUploadedFile("r.csv", data)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"file": ["The file is larger than 1 MB."]}
    assert not Import.objects.exists()


def test_the_source_given_is_taken_when_the_file_is_that_sources(user, demo_catalog, upload):
    response = upload(client_for(user), "tmdb-ratings.csv", source="tmdb")

    assert response.status_code == 202
    assert response.json()["source"] == "tmdb"


def test_a_file_that_is_not_utf8_past_its_header_fails_and_stores_nothing(
    user, demo_catalog, upload
):
    data = imdb_csv(
        "tt0114709,8,2020-01-01,Toy Story,,Movie,8,81,1995",
        "tt0113497,7,2020-01-01,Jum\xe9nji,,Movie,7,104,1995",
    )
    data = data.replace(b"\xc3\xa9", b"\xe9")

    response = upload(client_for(user), data, file_name="r.csv")

    job = client_for(user).get(f"{URL}{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert "UTF-8" in job["error"]
    assert not Rating.objects.filter(user=user).exists()
    assert not Upload.objects.exists()


def test_an_apply_step_that_fails_stores_nothing_of_the_import(
    user, demo_catalog, upload, settings
):
    """The plays would take the history past its limit: the ratings of the same import, applied
    in the same transaction before them, are not kept either."""
    settings.HISTORY = {**settings.HISTORY, "MAX_PER_USER": 5}

    response = upload(client_for(user), "letterboxd-export.zip")

    job = client_for(user).get(f"{URL}{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert "5 plays" in job["error"]
    assert not Rating.objects.filter(user=user).exists()
    assert not Upload.objects.exists()


def test_rows_of_an_app_left_out_of_the_targets_are_skipped_with_a_reason(
    user, demo_catalog, upload, settings
):
    targets = {**settings.IMPORTS["TARGETS"]}
    del targets["plays"]
    settings.IMPORTS = {**settings.IMPORTS, "TARGETS": targets}

    response = upload(client_for(user), "trakt-export.zip")

    job = client_for(user).get(f"{URL}{response.json()['id']}/").json()
    assert job["status"] == "done"
    assert job["counts"]["skipped"]["no plays app"] == 41
    assert Rating.objects.filter(user=user).count() == 23


def test_the_list_is_yours_newest_first_and_paginated(user, demo_catalog, upload):
    client = client_for(user)
    first = upload(client, "imdb-WATCHLIST.csv").json()["id"]
    second = upload(client, "tmdb-ratings.csv").json()["id"]
    upload(
        client_for(pytest.importorskip("tests.accounts.factories").UserFactory()),
        "tmdb-ratings.csv",
    )

    page = client.get(URL, {"page_size": 1}).json()

    assert page["count"] == 2
    assert [job["id"] for job in page["results"]] == [second]
    assert page["next"]
    assert [job["id"] for job in client.get(URL).json()["results"]] == [second, first]


def test_another_users_import_is_a_404_to_read_and_to_remove(user, demo_catalog, upload):
    from tests.accounts.factories import UserFactory

    theirs = upload(client_for(UserFactory()), "tmdb-ratings.csv").json()["id"]
    client = client_for(user)

    assert client.get(f"{URL}{theirs}/").status_code == 404
    assert client.delete(f"{URL}{theirs}/").status_code == 404
    assert client.get(f"{URL}999999999999999999999/").status_code == 404
    assert Import.objects.filter(pk=theirs).exists()


def test_removing_an_import_keeps_what_it_imported(user, demo_catalog, upload):
    client = client_for(user)
    job = upload(client, "tmdb-ratings.csv").json()["id"]

    assert client.delete(f"{URL}{job}/").status_code == 204

    assert client.get(f"{URL}{job}/").status_code == 404
    assert Rating.objects.filter(user=user).count() == 20


def test_uploads_are_throttled_per_user(user, demo_catalog, upload, throttle_rates):
    throttle_rates(imports="2/min")
    client = client_for(user)

    statuses = [upload(client, "tmdb-ratings.csv").status_code for _ in range(3)]

    assert statuses == [202, 202, 429]
    assert client.get(URL).status_code == 200  # reads have a rate of their own
    from tests.accounts.factories import UserFactory

    assert upload(client_for(UserFactory()), "tmdb-ratings.csv").status_code == 202


def test_a_user_may_have_three_imports_pending(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post():
        body = {"file": SimpleUploadedFile("r.csv", imdb_csv())}
        return auth_client.post(URL, body, format="multipart")  # never committed: stays queued

    assert [post().status_code for _ in range(3)] == [202, 202, 202]
    response = post()
    assert response.status_code == 400
    assert "3 imports" in response.json()["non_field_errors"][0]
    assert Import.objects.filter(status=Status.QUEUED).count() == 3


def test_a_letterboxd_zip_without_its_folder_and_with_bom_imports_the_same(
    user, demo_catalog, upload
):
    """The export's files at the ZIP's root, each with a byte-order mark: as the sample."""
    flat = io.BytesIO()
    with (
        zipfile.ZipFile(DATA / "letterboxd-export.zip") as source,
        zipfile.ZipFile(flat, "w") as out,
    ):
        for info in source.infolist():
            data = source.read(info)
            name = info.filename.split("/", 1)[1]
            out.writestr(name, data if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data)
    client = client_for(user)

    flat_job = client.get(
        f"{URL}{upload(client, flat.getvalue(), file_name='x.zip').json()['id']}/"
    ).json()

    assert flat_job["status"] == "done", flat_job
    other = client_for(pytest.importorskip("tests.accounts.factories").UserFactory())
    sample = other.get(f"{URL}{upload(other, 'letterboxd-export.zip').json()['id']}/").json()
    assert flat_job["counts"] == sample["counts"]
    assert flat_job["unmatched"] == sample["unmatched"]


def test_an_import_bumps_the_users_recommendation_versions(user, demo_catalog, upload):
    """Recommendations are served per user from the neighbour table and the user's signals,
    cached under the versions of what the user keeps: an import bumps those it wrote."""
    from core import versioned_cache
    from recommendations.cache import user_versions

    before = versioned_cache.read(user_versions(user.pk)).stamp

    upload(client_for(user), "letterboxd-export.zip")

    after = versioned_cache.read(user_versions(user.pk)).stamp
    changed = [name for name, old, new in zip(NAMESPACES, before, after, strict=True) if old != new]
    assert changed == ["favorites", "watchlist", "ratings", "history"]


NAMESPACES = ["epoch", "favorites", "hidden", "watchlist", "ratings", "history"]


def test_tmdb_out_of_reach_is_retried_after_its_wait_then_the_import_fails(
    user, demo_catalog, monkeypatch, django_capture_on_commit_callbacks
):
    """TMDB asked to wait: the import is queued again (its upload kept) and the task retried
    after the wait; after the last retry the import fails, storing nothing."""
    from celery.exceptions import Retry
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services, tasks
    from imports.matching import TMDBRetryLater

    def unreachable(refs, *, client):
        raise TMDBRetryLater("TMDB is rate limiting", retry_after=42)

    monkeypatch.setattr(services, "match_films", unreachable)
    client = client_for(user)
    body = {"file": SimpleUploadedFile("r.csv", (DATA / "tmdb-ratings.csv").read_bytes())}
    with django_capture_on_commit_callbacks():  # queued, not run
        job_id = client.post(URL, body, format="multipart").json()["id"]

    with pytest.raises(Retry) as retry:
        tasks.import_run_task.delay(job_id)

    assert retry.value.when == 42
    assert client.get(f"{URL}{job_id}/").json()["status"] == "queued"
    assert Upload.objects.filter(job_id=job_id).exists()

    tasks.import_run_task.apply(args=[job_id], retries=tasks.MAX_RETRIES)

    job = client.get(f"{URL}{job_id}/").json()
    assert job["status"] == "failed"
    assert "TMDB could not be reached" in job["error"]
    assert not Rating.objects.filter(user=user).exists()
    assert not Upload.objects.exists()


def test_an_import_whose_task_was_lost_is_queued_again_then_failed_after_a_day(
    user, demo_catalog, django_capture_on_commit_callbacks
):
    """The broker refused the task at upload: beat's job queues the import again after an
    hour, and fails one that waited a day, deleting its upload."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    client = client_for(user)
    ids = []
    for _ in range(3):
        body = {"file": SimpleUploadedFile("r.csv", (DATA / "tmdb-ratings.csv").read_bytes())}
        with django_capture_on_commit_callbacks():  # the task lost
            ids.append(client.post(URL, body, format="multipart").json()["id"])
    now = timezone.now()
    Import.objects.filter(pk=ids[0]).update(created_at=now - datetime.timedelta(minutes=61))
    Import.objects.filter(pk=ids[1]).update(created_at=now - datetime.timedelta(hours=25))

    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("requeue_imports", stdout=out)

    assert "1 stale import(s) queued again, 1 failed" in out.getvalue()
    statuses = [client.get(f"{URL}{pk}/").json()["status"] for pk in ids]
    assert statuses == ["done", "failed", "queued"]
    assert Rating.objects.filter(user=user).count() == 20
    assert list(Upload.objects.values_list("job_id", flat=True)) == [ids[2]]


def test_a_body_longer_than_the_limit_is_refused_before_it_is_read(
    auth_client, settings, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.parsers import MultiPartParser

    def never(*args, **kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", never)
    settings.IMPORTS = {**settings.IMPORTS, "MAX_UPLOAD_BYTES": 100_000}
    body = {"file": SimpleUploadedFile("r.csv", imdb_csv() + b"x" * 200_000)}

    response = auth_client.post(URL, body, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": ["The file is larger than 100,000 bytes."]}
    assert not Import.objects.exists()


def test_reads_count_against_the_accounts_rate_for_uncached_reads(auth_client, throttle_rates):
    throttle_rates(user="2/min")

    statuses = [auth_client.get(URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert auth_client.get("/api/movies/?search=x").status_code == 429  # the same count


def test_the_unmatched_films_listed_are_capped_and_their_names_cut(
    user, demo_catalog, upload, settings
):
    settings.IMPORTS = {**settings.IMPORTS, "MAX_UNMATCHED_SHOWN": 2}
    rows = [f"tt99999{i:03d},7,2020-01-01,{'Nowhere' * 100} {i},,Movie,7,90,2001" for i in range(3)]

    response = upload(client_for(user), imdb_csv(*rows), file_name="r.csv")

    job = client_for(user).get(f"{URL}{response.json()['id']}/").json()
    assert job["counts"]["unmatched"] == 3
    assert len(job["unmatched"]) == 2
    assert {len(miss["name"]) for miss in job["unmatched"]} == {500}
