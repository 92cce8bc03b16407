"""Imports benchmark: a 5,000-film Letterboxd export made from the catalog, imported with the
catalog as the only source (no TMDB), and the user's first personal recommendations; then ZIP
bombs refused, with time and peak memory.

    python -m bench.imports  (or ``make bench-imports``; run it under
                              ``flock /work/notes/bench.lock`` on a shared machine)

1. Migrate the PostgreSQL database ``BENCH_IMPORTS_DATABASE`` (default movies_bench_imports),
   load the demo catalog if it is empty, and build the neighbour table from the bundled
   MovieLens prior (opted in here; no site favorites yet).
2. Write a Letterboxd export of ``BENCH_IMPORTS_FILMS`` (default 5,000) catalog films:
   watched.csv and ratings.csv with every film, diary.csv with 2 of 5 (a tenth of them twice,
   the second a rewatch), watchlist.csv with 500 other films, likes/films.csv with 300.
3. Import it as the API and the worker do (``import_create``, then ``import_run`` with no TMDB
   client: what the task runs) for a new user: the time of each step and in all (the target:
   under a minute on 2 cores), the counts; then GET /api/recommendations/ for that user: how
   many picks say "Because you ...".
4. A ZIP whose member inflates to 1 GiB (written as a stream), refused as it would be at
   upload; the same ZIP with its directory claiming 1,000 bytes, read as the worker reads it:
   the time of each refusal and this process's peak RSS before and after (flat: no growth).

Environment: ``BENCH_IMPORTS_FILMS``, ``BENCH_IMPORTS_DATABASE``, ``BENCH_IMPORTS_REDIS_URL``
(default "": local memory), ``BENCH_PG_URL``.
"""

import csv
import datetime
import io
import os
import random
import resource
import struct
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

from bench import common

FILMS = int(os.environ.get("BENCH_IMPORTS_FILMS", "5000"))
DATABASE = os.environ.get("BENCH_IMPORTS_DATABASE", "movies_bench_imports")
REDIS_URL = os.environ.get("BENCH_IMPORTS_REDIS_URL", "")
TARGET_SECONDS = 60
GIB = 1024**3
FILM = ["Date", "Name", "Year", "Letterboxd URI"]
clock = time.perf_counter


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def letterboxd_export(films: list[tuple[str, int]], others: list[tuple[str, int]]) -> bytes:
    """A Letterboxd export (in its top-level folder) of ``films`` watched and rated, some in the
    diary, and ``others`` on the watchlist."""
    rng = random.Random(28)  # noqa: S311  (made-up data, not secrets)
    start = datetime.date(2015, 1, 1)
    day = [start + datetime.timedelta(days=rng.randrange(3650)) for _ in films]
    stars = [rng.randrange(1, 11) / 2 for _ in films]
    uri = "https://boxd.it/x"
    watched = [[day[i].isoformat(), name, year, uri] for i, (name, year) in enumerate(films)]
    ratings = [[*watched[i], stars[i]] for i in range(len(films))]
    diary = []
    for i, (name, year) in enumerate(films):
        if i % 5 < 2:
            diary.append(
                [day[i].isoformat(), name, year, uri, stars[i], "", "", day[i].isoformat()]
            )
            if i % 10 == 0:
                again = (day[i] + datetime.timedelta(days=200)).isoformat()
                diary.append([again, name, year, uri, stars[i], "Yes", "", again])
    watchlist = [["2024-01-01", name, year, uri] for name, year in others[:500]]
    likes = [watched[i] for i in range(0, len(films), max(1, len(films) // 300))][:300]
    files = {
        "watched.csv": csv_bytes(FILM, watched),
        "ratings.csv": csv_bytes([*FILM, "Rating"], ratings),
        "diary.csv": csv_bytes([*FILM, "Rating", "Rewatch", "Tags", "Watched Date"], diary),
        "watchlist.csv": csv_bytes(FILM, watchlist),
        "likes/films.csv": csv_bytes(FILM, likes),
        "profile.csv": csv_bytes(["Username"], [["bench"]]),
    }
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(f"letterboxd-bench-2026-12-07-utc/{name}", b"\xef\xbb\xbf" + body)
    return data.getvalue()


def bombs() -> list[list[Any]]:
    """The 1 GiB ZIP refused at upload (its directory), then with a lying directory in the
    worker (what it inflates); time and peak RSS of this process around each."""
    from imports.files import Refused
    from imports.formats import detect, read
    from imports.services import limits

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.zip"
        started = clock()
        archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        with archive, archive.open("watched.csv", "w") as member:
            member.write(b"Date,Name,Year,Letterboxd URI\n")
            chunk = b"\n" * (1 << 20)
            for _ in range(GIB // len(chunk) - 1):
                member.write(chunk)
        data = path.read_bytes()
        print(f"\n1 GiB ZIP written in {clock() - started:.1f} s: {len(data) / 1e6:.1f} MB on disk")
        lying = bytearray(data)
        lying[22:26] = struct.pack("<I", 1000)
        central = lying.rindex(b"PK\x01\x02")
        lying[central + 24 : central + 28] = struct.pack("<I", 1000)
        for label, body, worker in (
            ("1 GiB ZIP, at upload", data, False),
            ("1 GiB ZIP claiming 1,000 B, in the worker", bytes(lying), True),
        ):
            before = peak_mib()
            started = clock()
            try:
                source = detect(body, file_name="bomb.zip", limits=limits())
                if worker:
                    read(body, source=source, file_name="bomb.zip", limits=limits())
                outcome = "imported (!)"
            except Refused as refused:
                outcome = f"refused: {refused}"
            elapsed = (clock() - started) * 1000
            rows.append([label, elapsed, before, peak_mib(), outcome])
    return rows


def main() -> None:
    common.ensure_database(DATABASE)
    common.setup_django(database=common.database_url(DATABASE), redis_url=REDIS_URL)
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.tokens import SessionRefreshToken
    from catalog import services as catalog_services
    from catalog.models import Movie
    from imports import services
    from imports.services import import_create, import_run
    from recommendations.services import neighbour_table_rebuild

    bomb_rows = bombs()  # first: this process's peak RSS is still small
    common.print_table(
        "ZIP bombs",
        ["case", "ms", "peak RSS before MiB", "peak RSS after MiB", "outcome"],
        bomb_rows,
    )

    if not Movie.objects.exists():
        started = clock()
        catalog_services.demo_catalog_load()
        print(f"\ndemo catalog loaded in {clock() - started:.1f} s")
    prior = {
        **settings_value("RECOMMENDATIONS"),
        "PRIOR_FILE": "prior/movielens-cofavorites.csv.gz",
    }
    with override_settings(RECOMMENDATIONS=prior):
        started = clock()
        build = neighbour_table_rebuild(if_stale=True)
        print(f"neighbour table: {'built' if build else 'up to date'} in {clock() - started:.1f} s")

        titles = list(Movie.objects.order_by("pk").values_list("title", "release_year"))
        rng = random.Random(7)  # noqa: S311  (made-up data, not secrets)
        rng.shuffle(titles)
        films = [(t, y) for t, y in titles if y][:FILMS]
        others = [(t, y) for t, y in titles if y][FILMS : FILMS + 500]
        data = letterboxd_export(films, others)
        name = f"bench-import-{time.time_ns()}"
        user = get_user_model().objects.create_user(
            username=name, email=f"{name}@example.org", password=None
        )
        timings: dict[str, float] = {}
        started = clock()
        # The task it queues is run below, timed on its own (eager here, it would run at once).
        with mock.patch.object(services, "delay_on_commit"):
            job = import_create(user=user, data=data, file_name="letterboxd.zip", source=None)
        timings["upload (checks, stored)"] = clock() - started
        started = clock()
        import_run(job.pk, client=None)
        timings["run (read, match, apply)"] = clock() - started
        job.refresh_from_db()
        total = sum(timings.values())
        common.print_table(
            f"Letterboxd export of {len(films):,} films ({len(data) / 1e6:.1f} MB), catalog only",
            ["step", "s"],
            [*timings.items(), ("total", total)],
        )
        print(f"status {job.status}; counts {job.counts}; unmatched films {len(job.unmatched)}")
        print(
            f"target: under {TARGET_SECONDS} s -> {'met' if total < TARGET_SECONDS else 'MISSED'}"
        )

        client = Client(
            HTTP_AUTHORIZATION=f"Bearer {SessionRefreshToken.for_user(user).access_token}"
        )
        started = clock()
        response = client.get("/api/recommendations/")
        elapsed = (clock() - started) * 1000
        picks = response.json()["results"] if response.status_code == 200 else []
        personal = [p for p in picks if str(p.get("reason", "")).startswith("Because you")]
        print(
            f"GET /api/recommendations/ right after: {response.status_code} in {elapsed:.0f} ms, "
            f"{len(personal)} of {len(picks)} picks personal"
            + (f' (e.g. "{personal[0]["title"]}": {personal[0]["reason"]})' if personal else "")
        )
    common.write_results(
        "imports",
        {
            "films": len(films),
            "bytes": len(data),
            "timings": timings,
            "total_seconds": total,
            "counts": job.counts,
            "personal_picks": len(personal),
            "picks": len(picks),
            "bombs": [
                {"case": r[0], "ms": r[1], "rss_before": r[2], "rss_after": r[3], "outcome": r[4]}
                for r in bomb_rows
            ],
        },
    )


def settings_value(name: str) -> dict[str, Any]:
    from django.conf import settings

    return dict(getattr(settings, name, {}))


if __name__ == "__main__":
    main()
