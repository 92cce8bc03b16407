"""The in-venv half of scripts/check_app_wheels.py: copied next to the minimal project it
generates and run by the virtualenv that holds one app's wheel and its declared dependencies only.

    python probe.py CHECK        (DJANGO_SETTINGS_MODULE=settings, the project's folder on sys.path)

It imports every module of the app (so a dependency only a management command or an admin module
uses is caught too) and asks the app's URLs for a real answer through Django's test client. It uses
only the standard library and what the venv holds; anything wrong raises (exit 1, a traceback).
"""

import ast
import base64
import importlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import pkgutil
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

import django


class ProbeFailed(AssertionError):
    pass


def expect(condition: object, message: str) -> None:
    if not condition:
        raise ProbeFailed(message)


def import_all(package: str, *, skip: tuple[str, ...] = ()) -> int:
    """Import ``package`` and every module under it, except ``skip`` (and theirs). Every module must
    come from this venv, not from a checkout that leaked onto sys.path."""
    count = 0
    pending = [package]
    while pending:
        name = pending.pop()
        if any(name == s or name.startswith(s + ".") for s in skip):
            continue
        module = importlib.import_module(name)
        origin = Path(module.__file__ or "").resolve()
        expect(
            origin.is_relative_to(Path(sys.prefix).resolve()),
            f"{name} imported from {origin}, outside this venv ({sys.prefix})",
        )
        count += 1
        if hasattr(module, "__path__"):
            pending += [f"{name}.{info.name}" for info in pkgutil.iter_modules(module.__path__)]
    print(
        f"  imported {count} modules of {package}" + (f" (not {', '.join(skip)})" if skip else "")
    )
    undeclared_imports(package, skip=skip)
    return count


def undeclared_imports(package: str, *, skip: tuple[str, ...] = ()) -> None:
    """Every distribution the package's code imports must be named in its own Requires-Dist:
    one that is installed only because another dependency needs it is undeclared all the same
    (the import above passes, this does not). Imports under ``if TYPE_CHECKING:`` are exempt.
    With ``skip`` (the modules an extra provides) only the requirements of no extra count."""
    owners = importlib.metadata.packages_distributions()
    (dist,) = owners[package]
    declared = {
        _normalize(re.split(r"[\s\[;<>=!~(]", requirement, maxsplit=1)[0])
        for requirement in importlib.metadata.requires(dist) or []
        if not (skip and "extra ==" in requirement)
    }
    root = Path(importlib.import_module(package).__file__).parent
    skipped = [root.parent.joinpath(*name.split(".")) for name in skip]
    wanted: dict[str, set[str]] = {}
    for source in sorted(root.rglob("*.py")):
        if any(source.is_relative_to(s) or source == s.with_suffix(".py") for s in skipped):
            continue
        for name in _imported_names(ast.parse(source.read_text(encoding="utf-8"))):
            top = name.split(".")[0]
            if top == package or top in sys.stdlib_module_names or top == "__future__":
                continue
            where = source.relative_to(root.parent).as_posix()
            for owner in owners.get(top, [f"<not installed: {top}>"]):
                if _normalize(owner) not in declared:
                    wanted.setdefault(f"{owner} (module {top})", set()).add(where)
    expect(
        not wanted,
        f"{dist} imports what its pyproject.toml does not declare: "
        + "; ".join(f"{what} in {', '.join(sorted(files))}" for what, files in wanted.items()),
    )
    print(f"  every distribution that {package} imports is declared by {dist}")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_names(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            node.body = []  # ast.walk reads the children after this
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def note(text: str) -> None:
    """A line for the app's summary in check_app_wheels.py's report."""
    print(f"  note: {text}")


def installed() -> None:
    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    print(f"  installed ({len(names)}): {' '.join(names)}")


def call(method: str, path: str, *, expect_status: tuple[int, ...], data=None, auth=None):
    """One request through the test client; the JSON body when the status is expected."""
    from django.test import Client

    headers = {"Authorization": auth} if auth else {}
    client = Client()
    if method == "get":
        response = client.get(path, data or {}, headers=headers)
    else:
        body = json.dumps(data or {})
        response = getattr(client, method)(
            path, body, content_type="application/json", headers=headers
        )
    if method == "get" and data:
        path = f"{path}?{urlencode(data)}"
    content_type = response.headers.get("Content-Type", "")
    text = response.content.decode(errors="replace")[:500]
    expect(
        response.status_code in expect_status,
        f"{method.upper()} {path}: {response.status_code}, expected {expect_status}: {text}",
    )
    if response.status_code == 204:
        print(f"  {method.upper()} {path} -> 204")
        return None
    expect(
        content_type.startswith("application/json"),
        f"{method.upper()} {path}: {response.status_code} {content_type!r}, not JSON: {text}",
    )
    body = response.json()
    count = f" (count {body['count']})" if isinstance(body, dict) and "count" in body else ""
    print(f"  {method.upper()} {path} -> {response.status_code}{count}")
    return body


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def some_movie_id() -> int:
    page = call("get", "/api/movies/", data={"page_size": 1}, expect_status=(200,))
    expect(page["results"], "GET /api/movies/ lists no movie: was the demo catalog loaded?")
    return page["results"][0]["id"]


def probe_user() -> str:
    """A user of the default auth model, as a Basic auth header (the minimal projects of the
    apps that are not accounts authenticate with DRF's BasicAuthentication)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("probe", password="probe-password-1")  # noqa: S106
    return basic("probe", "probe-password-1")


# --- one function per check ------------------------------------------------------------------


def check_core_plain() -> None:
    """movies-core without its extras: everything imports but the modules of an extra (core.api:
    [api], core.redis: [redis], core.jobs and core.task_signals: [jobs], core.postgres:
    [postgres])."""
    extras = ("core.api", "core.redis", "core.jobs", "core.task_signals", "core.postgres")
    import_all("core", skip=extras)
    expect(
        importlib.util.find_spec("rest_framework") is None,
        "movies-core without [api] installed djangorestframework",
    )


def check_core() -> None:
    import_all("core")
    body = call("get", "/api/health/", expect_status=(200,))
    expect(body.get("status") == "ok", f"/api/health/ answered {body}")
    body = call("get", "/api/no-such-page/", expect_status=(404,))
    expect("detail" in body, f"404 body without detail: {body}")


def check_tmdb() -> None:
    import_all("tmdb")
    from tmdb.client import TMDBClient

    client = TMDBClient(api_key="probe", base_url="http://127.0.0.1:9/3")
    note(f"tmdb.client.{type(client).__name__} imports and builds")
    # The JSON examples a testing module ships (package data): each must be there and parse.
    has_testing = importlib.util.find_spec("tmdb.testing") is not None
    examples = [p for p in _files(importlib.resources.files("tmdb")) if p.name.endswith(".json")]
    for example in examples:
        try:
            json.loads(example.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ProbeFailed(f"{example}: not JSON: {exc}") from exc
    note(f"{len(examples)} JSON examples load" + ("" if has_testing else " (no tmdb.testing)"))
    expect(not has_testing or examples, "tmdb.testing is installed without its JSON examples")


def _files(root):
    for entry in root.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files(entry)
        else:
            yield entry


def check_catalog() -> None:
    import_all("catalog")
    page = call("get", "/api/movies/", expect_status=(200,))
    expect(page["count"] > 0 and page["results"], f"GET /api/movies/: empty catalog: {page}")
    genres = call("get", "/api/genres/", expect_status=(200,))
    expect(genres, "GET /api/genres/: no genre")
    genre = genres[0]["id"]
    filtered = call(
        "get", "/api/movies/", data={"genre": genre, "ordering": "-title"}, expect_status=(200,)
    )
    expect(filtered["count"] > 0, f"no movie of genre {genre}")
    movie = call("get", f"/api/movies/{page['results'][0]['id']}/", expect_status=(200,))
    expect(movie.get("title"), f"movie without a title: {movie}")
    body = call("get", "/api/movies/2147483000/", expect_status=(404,))
    expect("detail" in body, f"404 body without detail: {body}")


def check_favorites() -> None:
    import_all("favorites")
    body = call("get", "/api/favorite-movies/", expect_status=(401, 403))
    expect("detail" in body, f"unauthenticated answer without detail: {body}")
    auth = probe_user()
    page = call("get", "/api/favorite-movies/", auth=auth, expect_status=(200,))
    expect(page["count"] == 0, f"a new user has favorites: {page}")
    movie_id = some_movie_id()
    call(
        "post",
        "/api/favorite-movies/",
        data={"movie_id": movie_id},
        auth=auth,
        expect_status=(201,),
    )
    page = call("get", "/api/favorite-movies/", auth=auth, expect_status=(200,))
    expect(page["count"] == 1, f"after one POST: {page}")


def check_watchlist() -> None:
    import_all("watchlist")
    call("get", "/api/watchlist/", expect_status=(401, 403))
    auth = probe_user()
    movie_id = some_movie_id()
    call("post", "/api/watchlist/", data={"movie_id": movie_id}, auth=auth, expect_status=(201,))
    page = call("get", "/api/watchlist/", auth=auth, expect_status=(200,))
    expect(page["count"] == 1, f"after one POST: {page}")


def check_ratings() -> None:
    import_all("ratings")
    auth = probe_user()
    movie_id = some_movie_id()
    url = f"/api/movies/{movie_id}/rating/"
    call("put", url, data={"value": 11}, auth=auth, expect_status=(400,))
    call("put", url, data={"value": 8.5}, auth=auth, expect_status=(201,))
    page = call("get", "/api/ratings/", auth=auth, expect_status=(200,))
    expect(page["count"] == 1, f"after one PUT: {page}")
    movie = call("get", f"/api/movies/{movie_id}/", expect_status=(200,))
    expect(movie.get("rating_count") == 1, f"detail without the site's rating: {movie}")


def check_history() -> None:
    import_all("history")
    call("get", "/api/history/", expect_status=(401, 403))
    auth = probe_user()
    movie_id = some_movie_id()
    body = {"movie_id": movie_id, "watched_on": "2999-01-01"}
    call("post", "/api/history/", data=body, auth=auth, expect_status=(400,))
    body = {"movie_id": movie_id, "watched_on": "2024-05-01", "rewatch": True}
    call("post", "/api/history/", data=body, auth=auth, expect_status=(201,))
    page = call("get", "/api/history/", auth=auth, expect_status=(200,))
    expect(page["count"] == 1, f"after one POST: {page}")


def check_imports() -> None:
    """Alone, with no app to write to (IMPORTS["TARGETS"] empty): an upload is taken (202),
    run (Celery eager here), and its row counted as skipped for the missing app."""
    from celery import current_app
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    import_all("imports")
    current_app.conf.task_always_eager = True
    call("get", "/api/imports/", expect_status=(401, 403))
    auth = probe_user()
    csv = (
        b"TMDb ID,IMDb ID,Type,Name,Release Date,Your Rating,Date Rated\n862,,movie,Toy Story,,9,\n"
    )
    client = Client(headers={"Authorization": auth})
    response = client.post("/api/imports/", {"file": SimpleUploadedFile("ratings.csv", csv)})
    expect(
        response.status_code == 202,
        f"POST /api/imports/: {response.status_code} {response.content[:300]}",
    )
    print("  POST /api/imports/ -> 202")
    job = call("get", f"/api/imports/{response.json()['id']}/", auth=auth, expect_status=(200,))
    expect(job["status"] == "done", f"the import did not run: {job}")
    expect(job["counts"]["skipped"] == {"no ratings app": 1}, f"counts: {job['counts']}")


def check_recommendations() -> None:
    import_all("recommendations")
    body = call("get", "/api/movies/2147483000/similar/", expect_status=(404,))
    expect("detail" in body, f"404 body without detail: {body}")
    movie_id = some_movie_id()
    page = call("get", f"/api/movies/{movie_id}/similar/", expect_status=(200,))
    expect(isinstance(page.get("results"), list), f"similar: no results list: {page}")
    call("get", "/api/recommendations/", expect_status=(401, 403))
    auth = probe_user()
    page = call("get", "/api/recommendations/", auth=auth, expect_status=(200,))
    expect(isinstance(page.get("results"), list), f"recommendations: no results list: {page}")
    call("delete", f"/api/recommendations/{movie_id}/", auth=auth, expect_status=(204,))
    hidden = call("get", "/api/recommendations/hidden/", auth=auth, expect_status=(200,))
    expect(hidden["count"] == 1, f"after one hide: {hidden}")


def check_accounts() -> None:
    import_all("accounts")
    credentials = {"username": "probe", "password": "a-probe-password-that-is-long"}
    call(
        "post",
        "/api/register/",
        data={**credentials, "email": "probe@example.com"},
        expect_status=(201,),
    )
    tokens = call("post", "/api/token/", data=credentials, expect_status=(200,))
    expect(tokens.get("access") and tokens.get("refresh"), f"token pair missing: {tokens}")
    me = call("get", "/api/me/", auth=f"Bearer {tokens['access']}", expect_status=(200,))
    expect(me.get("username") == "probe", f"/api/me/: {me}")
    refreshed = call(
        "post", "/api/token/refresh/", data={"refresh": tokens["refresh"]}, expect_status=(200,)
    )
    expect(refreshed.get("access"), f"refresh without access: {refreshed}")


CHECKS = {
    name.removeprefix("check_").replace("_", "-"): f
    for name, f in globals().items()
    if name.startswith("check_")
}


def main() -> None:
    name = sys.argv[1]
    django.setup()
    installed()
    CHECKS[name]()
    print(f"  probe {name}: ok")


if __name__ == "__main__":
    main()
