"""watchlist, ratings, history and imports are pluggable: a project without any of them passes its
checks, migrates, serves, and the other suites pass; what they contributed to the others'
extension points (the movie detail, account states, exports, recommendations, the rows an import
writes) simply is not there."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run in the configuration's own process: a user, a movie and the main URLs, by Django's client.
SERVE = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.contrib.auth import get_user_model
from tests.catalog.factories import MovieFactory
call_command("migrate", verbosity=0)
movie = MovieFactory()
user = get_user_model().objects.create_user("pluggable", "p@example.com", "pw-12345-long")
from accounts.tokens import SessionRefreshToken
token = SessionRefreshToken.for_user(user).access_token
anonymous, client = Client(), Client(HTTP_AUTHORIZATION=f"Bearer {token}")
urls = ["/api/movies/", f"/api/movies/{movie.id}/", "/api/favorite-movies/", "/api/watchlist/",
        "/api/ratings/", "/api/history/", "/api/recommendations/", "/api/recommendations/hidden/",
        f"/api/account-states/?movie={movie.id}", "/api/me/export/", "/api/schema/",
        "/api/imports/"]
imported = None
if django.apps.apps.is_installed("imports"):  # a rating for the movie: tasks are eager here
    from django.core.files.uploadedfile import SimpleUploadedFile
    csv = f"TMDb ID,Type,Name,Your Rating,Date Rated\\n{movie.tmdb_id},movie,X,8,\\n".encode()
    posted = client.post("/api/imports/", {"file": SimpleUploadedFile("ratings.csv", csv)})
    imported = client.get(f"/api/imports/{posted.json()['id']}/").json()["counts"]
answers = {url: client.get(url) for url in urls}
print(json.dumps({
    "status": {url: r.status_code for url, r in answers.items()},
    "detail": sorted(answers[f"/api/movies/{movie.id}/"].json()),
    "states": answers[f"/api/account-states/?movie={movie.id}"].json()["results"][0],
    "export": sorted(answers["/api/me/export/"].json()),
    "anonymous_detail": anonymous.get(f"/api/movies/{movie.id}/").status_code,
    "imported": imported,
}))
"""


def run(args: list[str], without: str, tmp_path: Path, timeout: float = 600):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "tests.project.settings_without_apps",
        "WITHOUT_APPS": without,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    "without",
    ["watchlist", "ratings", "watchlist,ratings,history", "watchlist,ratings,history,imports"],
)
def test_the_project_checks_migrates_and_serves_without(without, tmp_path):
    check = run(["manage.py", "check", "--fail-level", "WARNING"], without, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr

    served = run(["-c", SERVE], without, tmp_path)
    assert served.returncode == 0, served.stderr
    found = json.loads(served.stdout.strip().splitlines()[-1])

    left_out = set(without.split(","))
    status = found["status"]
    assert status.pop("/api/watchlist/") == (404 if "watchlist" in left_out else 200)
    assert status.pop("/api/ratings/") == (404 if "ratings" in left_out else 200)
    assert status.pop("/api/history/") == (404 if "history" in left_out else 200)
    assert status.pop("/api/imports/") == (404 if "imports" in left_out else 200)
    assert set(status.values()) == {200}, status
    assert found["anonymous_detail"] == 200
    assert ("rating_average" in found["detail"]) == ("ratings" not in left_out)
    assert ("watchlist" in found["states"]) == ("watchlist" not in left_out)
    assert ("rating" in found["states"]) == ("ratings" not in left_out)
    assert ("watched" in found["states"]) == ("history" not in left_out)
    assert {"favorite", "hidden"} <= set(found["states"])
    assert ("ratings" in found["export"]) == ("ratings" not in left_out)
    assert ("history" in found["export"]) == ("history" not in left_out)
    assert ("imports" in found["export"]) == ("imports" not in left_out)
    if "imports" in left_out:
        assert found["imported"] is None
    elif "ratings" in left_out:  # the import is taken, its rating skipped for the missing app
        assert found["imported"]["skipped"] == {"no ratings app": 1}
    else:
        assert found["imported"]["imported"] == 1


def test_the_other_suites_pass_without_the_pluggable_apps(tmp_path):
    result = run(
        ["-m", "pytest", "-q", "-x", "-p", "no:randomly",
         "--ds=tests.project.settings_without_apps", "tests/favorites", "tests/recommendations",
         "tests/accounts/test_account_data.py"],
        "watchlist,ratings,history,imports",
        tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
