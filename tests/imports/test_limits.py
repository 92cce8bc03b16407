"""Files that must not be imported: ZIP bombs (the sizes a ZIP declares, and the bytes it
really inflates, counted as they are read), too many entries, names that leave the archive,
files of no known format; and files the importer must never read."""

import io
import json
import struct
import tracemalloc
import zipfile

import pytest

from imports.files import Budget, CountedStream, Refused
from imports.formats import detect, read
from imports.models import Import, Upload
from imports.services import limits
from ratings.models import Rating
from tests.conftest import client_for
from tests.imports.conftest import DATA, URL

GB = 1024**3
HEADER = b"Date,Name,Year,Letterboxd URI\n"


def inflating_zip(path, size: int) -> None:
    """A Letterboxd-like ZIP whose watched.csv inflates to ``size`` bytes (newlines), written
    as a stream (a few MB on disk)."""
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    with archive, archive.open("watched.csv", "w") as member:
        member.write(HEADER)
        chunk = b"\n" * (1 << 20)
        for _ in range((size - len(HEADER)) // len(chunk)):
            member.write(chunk)


def declaring(data: bytes, size: int) -> bytes:
    """The ZIP with its one member's uncompressed size claimed to be ``size`` (local header and
    central directory alike): a bomb that lies."""
    patched = bytearray(data)
    patched[22:26] = struct.pack("<I", size)  # the local header's
    central = patched.rindex(b"PK\x01\x02")
    patched[central + 24 : central + 28] = struct.pack("<I", size)
    return bytes(patched)


@pytest.fixture(scope="module")
def gigabyte_zip(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    inflating_zip(path, GB)
    return path.read_bytes()


def test_a_zip_inflating_to_1_gb_is_refused_at_upload_and_nothing_is_stored(
    auth_client, gigabyte_zip
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert len(gigabyte_zip) < 20 * 1024 * 1024  # under the upload limit: only inflated it is big
    tracemalloc.start()
    try:
        body = {"file": SimpleUploadedFile("export.zip", gigabyte_zip)}
        response = auth_client.post(URL, body, format="multipart")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 400
    assert response.json() == {"file": ["The ZIP inflates to more than 200 MB: refused."]}
    assert not Import.objects.exists()
    assert peak < 3 * len(gigabyte_zip) + 16 * 1024 * 1024  # the upload's copies, never 1 GB


def test_a_zip_that_hides_its_size_is_refused_by_what_it_inflates(gigabyte_zip):
    """Its directory claims 1000 bytes: read as a stream, the member stops there and fails
    its checksum, so nothing past what it claims is ever inflated."""
    lying = declaring(gigabyte_zip, 1000)
    source = detect(lying, file_name="x.zip", limits=limits())  # its directory looks small
    tracemalloc.start()
    try:
        with pytest.raises(Refused, match="damaged"):
            read(lying, source=source, file_name="x.zip", limits=limits())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


def test_inflated_bytes_are_counted_as_they_are_read():
    stream = io.BufferedReader(CountedStream(io.BytesIO(b"x" * 100_000), Budget(50_000)))

    with pytest.raises(Refused, match="inflates to more than"):
        stream.read()


def test_the_inflated_budget_is_shared_by_the_members(settings):
    settings.IMPORTS = {**settings.IMPORTS, "MAX_UNCOMPRESSED_BYTES": 1024 * 1024}
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("watched.csv", HEADER + b"\n" * 600_000)
        archive.writestr("watchlist.csv", HEADER + b"\n" * 600_000)

    with pytest.raises(Refused, match="inflates to more than 1 MB"):
        detect(data.getvalue(), file_name="x.zip", limits=limits())


@pytest.mark.parametrize(
    "name",
    ["../watched.csv", "a/../../watched.csv", "/etc/watched.csv", "C:/x/watched.csv",
     "..\\watched.csv", "x\\..\\..\\watched.csv"],
)  # fmt: skip
def test_a_name_that_leaves_the_archive_is_refused(auth_client, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("ratings.csv", b"Date,Name,Year,Letterboxd URI,Rating\n")
        archive.writestr(zipfile.ZipInfo(name), HEADER)

    body = {"file": SimpleUploadedFile("x.zip", data.getvalue())}
    response = auth_client.post(URL, body, format="multipart")

    assert response.status_code == 400
    assert "unsafe name" in response.json()["file"][0]
    assert not Import.objects.exists()


def test_a_zip_with_too_many_entries_is_refused(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("watched.csv", HEADER)
        for index in range(1000):
            archive.writestr(f"lists/{index}.csv", b"")

    body = {"file": SimpleUploadedFile("x.zip", data.getvalue())}
    response = auth_client.post(URL, body, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": ["The ZIP has more than 1000 entries: refused."]}


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", b"PK\x05\x06" + b"\x00" * 18 + b"junk"],
)
def test_a_damaged_or_unknown_zip_is_refused(auth_client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = auth_client.post(
        URL, {"file": SimpleUploadedFile("x.zip", data)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["file"][0]


def test_personal_data_files_deleted_entries_and_lists_are_never_read(user, demo_catalog, upload):
    """profile.csv and comments.csv not UTF-8, deleted/ and lists/ full of catalog films,
    Trakt's user-profile.json not JSON: the imports succeed and none of it is stored."""
    letterboxd = io.BytesIO()
    source = zipfile.ZipFile(DATA / "letterboxd-export.zip")
    with source, zipfile.ZipFile(letterboxd, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(("profile.csv", "comments.csv")):
                data = b"\xff\xfe not UTF-8 \x00"
            out.writestr(info, data)
        top = source.namelist()[0].split("/")[0]
        out.writestr(
            f"{top}/orphaned/ratings.csv",
            b"Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Toy Story,1995,,5\n",
        )
    trakt = io.BytesIO()
    with zipfile.ZipFile(DATA / "trakt-export.zip") as source, zipfile.ZipFile(trakt, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, b"{not json" if info.filename.startswith("user-") else data)
    client = client_for(user)

    for data in (letterboxd.getvalue(), trakt.getvalue()):
        posted = upload(client, data, file_name="x.zip").json()
        job = client.get(f"{URL}{posted['id']}/").json()
        assert job["status"] == "done", job

    assert not Rating.objects.filter(user=user, movie__tmdb_id=862).exists()  # Toy Story
    assert not Upload.objects.exists()


def test_the_json_of_a_trakt_export_is_capped_apart(settings):
    """JSON is parsed whole: its files are refused past IMPORTS['MAX_JSON_BYTES'] in all, as
    they are inflated, well under the ZIP's own budget."""
    settings.IMPORTS = {**settings.IMPORTS, "MAX_JSON_BYTES": 1024 * 1024}
    item = {"rated_at": "2020-01-01T00:00:00Z", "rating": 8, "type": "movie",
            "movie": {"title": "Heat", "year": 1995, "ids": {"tmdb": 949}}}  # fmt: skip
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ratings-movies.json", json.dumps([item] * 4000))  # about 500 KB
        archive.writestr("lists-watchlist.json", json.dumps([item] * 4000))

    with pytest.raises(Refused, match="The export's JSON inflates to more than 1 MB"):
        read(data.getvalue(), source="trakt", file_name="x.zip", limits=limits())


def test_nul_characters_are_never_stored(user, demo_catalog, django_capture_on_commit_callbacks):
    """A NUL escaped in Trakt's JSON (a title of a film that matches nothing: reported back)
    and in the file's name: PostgreSQL stores no NUL in text or jsonb."""
    from imports.services import import_create

    movie = {"title": "Bad\u0000Title", "year": 2001, "ids": {"tmdb": 999999999}}
    history = [{"watched_at": "2020-01-01T00:00:00Z", "type": "movie", "movie": movie}]
    data = json.dumps(history).encode()
    assert b"\\u0000" in data

    with django_capture_on_commit_callbacks(execute=True):
        job = import_create(user=user, data=data, file_name="a\x00b.json", source=None)

    job.refresh_from_db()
    assert (job.status, job.file_name) == ("done", "ab.json")
    assert [miss["name"] for miss in job.unmatched] == ["BadTitle"]
