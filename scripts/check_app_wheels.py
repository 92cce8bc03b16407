"""Packaging check: each app's wheel, installed alone, works in a minimal Django project.

For every distribution under src/ this builds its wheel (``pip wheel --no-deps``), checks that the
wheel holds every file of the package folder (a data file left out of package-data fails here),
makes a fresh virtualenv and installs the wheel with ``pip install --no-index`` from a local
wheelhouse, so only what its pyproject.toml declares (and that recursively) gets in, at the
versions locked in requirements/prod.txt. In a temporary folder outside the repo (so neither src/
nor config/ can be imported) it writes a minimal project that installs just that app, the local
apps it depends on and their third-party apps, runs ``check`` and ``migrate`` (SQLite), the app's
own commands (``load_demo_catalog``, ``build_recommendations``), and then scripts/app_wheel_probe.py
in that venv: it imports every module of the app and asks its URLs for a real answer.

An undeclared dependency, a missing data file or a src/ module importing ``config`` fails the
app's check: the script prints its output with a hint, goes on with the other apps and exits 1.

    python scripts/check_app_wheels.py [APP ...] [-j JOBS] [-v] [--keep]

The wheelhouse is the production lock, requirements/prod.txt (third-party packages, transitive
ones and the build backend included, each with the sha256 of its files): ``pip wheel
--require-hashes --only-binary :all:`` fetches it, once per lock, under $CHECK_WHEELS_CACHE (default
~/.cache/movie_recommendation); pip's own cache makes a new one quick. Everything after that runs
offline. Each run checks every wheel there against the lock's hashes, and each app's install takes
the lock, hashes included, as its constraints file: pip installs a third-party wheel only at the
locked version and only if its sha256 is the lock's. (The apps' own wheels, built by the run from
src/, are the only files without a hash.)
"""

import argparse
import hashlib
import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from pprint import pformat

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PROBE = Path(__file__).resolve().with_name("app_wheel_probe.py")
REQUIREMENTS = ROOT / "requirements" / "prod.txt"
STEP_TIMEOUT = 900  # seconds, for any one command

# --- the minimal projects ----------------------------------------------------------------------

CONTRIB = ["django.contrib.contenttypes", "django.contrib.auth"]
# For the apps with an admin.py: it is imported (and its ModelAdmins checked) only with these.
ADMIN = ["django.contrib.admin", "django.contrib.sessions", "django.contrib.messages"]
ADMIN_SETTINGS = {
    "MIDDLEWARE": [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
    "TEMPLATES": [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
}
TMDB = {"API_KEY": "", "READ_ACCESS_TOKEN": "", "BASE_URL": "http://127.0.0.1:9/3"}
ERROR_HANDLERS = {
    "handler400": "core.api.exceptions.json_bad_request",
    "handler403": "core.api.exceptions.json_permission_denied",
    "handler404": "core.api.exceptions.json_not_found",
    "handler500": "core.api.exceptions.json_server_error",
}


def rest_framework(*, filters: bool = False, auth: str = "", scopes: tuple[str, ...] = ()) -> dict:
    """REST_FRAMEWORK as config/settings/base.py sets it, from what the venv holds only."""
    settings = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            auth or "rest_framework.authentication.BasicAuthentication"
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["core.api.parsers.SafeJSONParser"],
        "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StrictPageNumberPagination",
        "PAGE_SIZE": 20,
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
        "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ScopedSettingsRateThrottle"],
        # anon and user: the uncached reads of anonymous clients and of accounts (the catalog's).
        "DEFAULT_THROTTLE_RATES": {scope: "1000/min" for scope in ("anon", "user", *scopes)},
    }
    if filters:
        settings["DEFAULT_FILTER_BACKENDS"] = ["django_filters.rest_framework.DjangoFilterBackend"]
    return settings


@dataclass(frozen=True)
class Stage:
    """One install into the app's venv, then a project around it and what is run there."""

    requirement: str
    installed_apps: list[str]
    probe: str
    settings: dict = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)  # URLconfs mounted under /api/
    views: dict[str, str] = field(default_factory=dict)  # route under /api/ -> APIView path
    commands: list[list[str]] = field(default_factory=list)  # after check and migrate
    error_handlers: bool = True


CATALOG_APPS = [*CONTRIB, *ADMIN, "rest_framework", "django_filters", "tmdb", "catalog"]

CHECKS: dict[str, list[Stage]] = {
    "core": [
        Stage("movies-core", [], probe="core-plain", error_handlers=False),
        Stage(
            "movies-core[api,redis,jobs,postgres]",
            [*CONTRIB, "rest_framework"],
            probe="core",
            settings={"REST_FRAMEWORK": rest_framework()},
            views={"health/": "core.api.health.ReadyView"},
        ),
    ],
    "tmdb": [
        Stage("movies-tmdb", ["tmdb"], probe="tmdb", settings={"TMDB": TMDB}, error_handlers=False)
    ],
    "catalog": [
        Stage(
            "movies-catalog",
            CATALOG_APPS,
            probe="catalog",
            settings={"REST_FRAMEWORK": rest_framework(filters=True), "TMDB": TMDB},
            includes=["catalog.urls"],
            commands=[["load_demo_catalog"]],
        )
    ],
    "favorites": [
        Stage(
            "movies-favorites",
            [*CATALOG_APPS, "favorites"],
            probe="favorites",
            settings={
                "REST_FRAMEWORK": rest_framework(filters=True, scopes=("favorites_write",)),
                "TMDB": TMDB,
            },
            includes=["catalog.urls", "favorites.urls"],
            commands=[["load_demo_catalog"]],
        )
    ],
    "watchlist": [
        Stage(
            "movies-watchlist",
            [*CATALOG_APPS, "watchlist"],
            probe="watchlist",
            settings={
                "REST_FRAMEWORK": rest_framework(filters=True, scopes=("watchlist_write",)),
                "TMDB": TMDB,
            },
            includes=["catalog.urls", "watchlist.urls"],
            commands=[["load_demo_catalog"]],
        )
    ],
    "ratings": [
        Stage(
            "movies-ratings",
            [*CATALOG_APPS, "ratings"],
            probe="ratings",
            settings={
                "REST_FRAMEWORK": rest_framework(filters=True, scopes=("ratings_write",)),
                "TMDB": TMDB,
                "CATALOG": {"DETAIL_EXTRAS": ["ratings.serializers.MovieRatingsSerializer"]},
            },
            includes=["catalog.urls", "ratings.urls"],
            commands=[["load_demo_catalog"]],
        )
    ],
    "history": [
        Stage(
            "movies-history",
            [*CATALOG_APPS, "history"],
            probe="history",
            settings={
                "REST_FRAMEWORK": rest_framework(filters=True, scopes=("history_write",)),
                "TMDB": TMDB,
            },
            includes=["catalog.urls", "history.urls"],
            commands=[["load_demo_catalog"]],
        )
    ],
    "imports": [
        Stage(
            "movies-imports",
            [*CATALOG_APPS, "imports"],
            probe="imports",
            settings={
                "REST_FRAMEWORK": rest_framework(filters=True, scopes=("imports",)),
                "TMDB": TMDB,
            },
            includes=["catalog.urls", "imports.urls"],
            commands=[["load_demo_catalog"]],
        )
    ],
    "recommendations": [
        Stage(
            "movies-recommendations",
            [*CATALOG_APPS, "favorites", "recommendations"],
            probe="recommendations",
            settings={
                "REST_FRAMEWORK": rest_framework(
                    filters=True, scopes=("favorites_write", "recommendations_write")
                ),
                "TMDB": TMDB,
                # 5 neighbours a movie instead of 100: the build over the demo catalog writes
                # 50k rows to SQLite, not a million (28 s).
                "RECOMMENDATIONS": {"NEIGHBOURS": 5},
            },
            includes=["catalog.urls", "favorites.urls", "recommendations.urls"],
            commands=[["load_demo_catalog"], ["build_recommendations"]],
        )
    ],
    "accounts": [
        Stage(
            "movies-accounts",
            [
                *CONTRIB,
                *ADMIN,
                "rest_framework",
                "rest_framework_simplejwt.token_blacklist",
                "axes",
                "accounts",
            ],
            probe="accounts",
            settings={
                "AUTH_USER_MODEL": "accounts.User",
                # The lockout (accounts.lockout) is django-axes' handler: axes' backend first.
                "AUTHENTICATION_BACKENDS": [
                    "axes.backends.AxesStandaloneBackend",
                    "django.contrib.auth.backends.ModelBackend",
                ],
                "MIDDLEWARE": [*ADMIN_SETTINGS["MIDDLEWARE"], "axes.middleware.AxesMiddleware"],
                "AXES_HANDLER": "accounts.lockout.AccountResetHandler",
                "AXES_USERNAME_CALLABLE": "accounts.lockout.username",
                "REST_FRAMEWORK": rest_framework(
                    auth="accounts.authentication.JWTCookieAuthentication",
                    scopes=("token", "refresh", "register"),
                ),
                "SIMPLE_JWT": {
                    "ROTATE_REFRESH_TOKENS": True,
                    "BLACKLIST_AFTER_ROTATION": True,
                    "AUTH_HEADER_TYPES": ("Bearer",),
                },
            },
            includes=["accounts.urls"],
        )
    ],
}
# The heaviest first, so two workers finish together.
ORDER = [
    "recommendations",
    "favorites",
    "watchlist",
    "ratings",
    "history",
    "imports",
    "catalog",
    "accounts",
    "core",
    "tmdb",
]

SETTINGS_HEAD = '''\
"""Minimal project for {requirement}, written by scripts/check_app_wheels.py."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "check-app-wheels-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
DATABASES = {{
    "default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}},
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SILENCED_SYSTEM_CHECKS = ["tmdb.I001"]  # no TMDB key here, on purpose
'''


def settings_source(stage: Stage) -> str:
    lines = [SETTINGS_HEAD.format(requirement=stage.requirement)]
    lines.append(f"INSTALLED_APPS = {pformat(stage.installed_apps)}")
    if "django.contrib.admin" in stage.installed_apps:
        lines += [f"{name} = {pformat(value)}" for name, value in ADMIN_SETTINGS.items()]
    lines += [f"{name} = {pformat(value)}" for name, value in stage.settings.items()]
    return "\n".join(lines) + "\n"


def urls_source(stage: Stage) -> str:
    lines = [
        "from django.urls import include, path",
        "from django.utils.module_loading import import_string",
        "",
        "api_patterns = [",
        *(f'    path("", include("{urlconf}")),' for urlconf in stage.includes),
        *(f'    path("{r}", import_string("{v}").as_view()),' for r, v in stage.views.items()),
        "]",
        'urlpatterns = [path("api/", include(api_patterns))]',
    ]
    if stage.error_handlers:
        lines += [f'{name} = "{view}"' for name, view in ERROR_HANDLERS.items()]
    return "\n".join(lines) + "\n"


# --- running ----------------------------------------------------------------------------------


class StepFailed(Exception):
    pass


@dataclass
class Outcome:
    name: str
    ok: bool = False
    seconds: float = 0.0
    failure: str = ""
    summary: str = ""
    log: list[tuple[str, str]] = field(default_factory=list)  # (command, output)
    lacks: str = ""  # the files of the package folder that its wheel lacks


_print_lock = threading.Lock()
_shown_as: dict[str, str] = {}  # long paths, printed once, then by these names


def say(*lines: str) -> None:
    with _print_lock:
        for line in lines:
            for path, name in _shown_as.items():
                line = line.replace(path, name)
            print(line, flush=True)


def run(cmd: list[str], log: list[tuple[str, str]], *, cwd: Path, env: dict[str, str]) -> str:
    shown = shlex.join(str(part) for part in cmd)
    started = time.monotonic()
    try:
        proc = subprocess.run(  # noqa: S603  (our own commands)
            [str(part) for part in cmd],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        log.append((shown, (exc.output or "") if isinstance(exc.output, str) else ""))
        raise StepFailed(f"timed out after {STEP_TIMEOUT}s: {shown}") from exc
    log.append((f"{shown}   [{time.monotonic() - started:.1f}s]", proc.stdout.rstrip()))
    if proc.returncode:
        raise StepFailed(f"exit {proc.returncode}: {shown}")
    return proc.stdout


def isolated_env(**extra: str) -> dict[str, str]:
    """The environment without anything that could make the repo or another venv importable,
    and pip without the machine's configuration (so --no-index really is the only source)."""
    drop = ("PYTHON", "PIP_", "DJANGO_", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PYTHONNOUSERSITE="1",
    )
    env.update(extra)
    return env


def locked_requirements(path: Path) -> list[str]:
    """The requirements of a lock written by ``make lock`` (uv pip compile --generate-hashes), one
    string each: ``name==version[ ; marker] --hash=sha256:... ...``. Anything else fails: the
    wheelhouse and the constraints are the lock, not a hand-written list."""
    joined, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or not (line or pending):
            continue
        pending += " " + line.removesuffix("\\").strip()
        if not line.endswith("\\"):
            joined.append(pending.strip())
            pending = ""
    for requirement in joined:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*==\S+( ; .+?)? --hash=sha256:", requirement):
            raise SystemExit(
                f"{path.relative_to(ROOT)}: not a locked requirement ({requirement.split()[0]}): "
                "edit requirements/*.in and run `make lock`"
            )
    return joined


def locked_hashes(requirements: list[str]) -> dict[tuple[str, str], set[str]]:
    """(normalized name, version) -> the sha256 of each of its files that the lock allows."""
    found: dict[tuple[str, str], set[str]] = {}
    for requirement in requirements:
        name, version = requirement.split()[0].split("==")
        hashes = set(re.findall(r"--hash=sha256:([0-9a-f]{64})", requirement))
        found.setdefault((normalize(name), version), set()).update(hashes)
    return found


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def verify_wheelhouse(wheelhouse: Path, requirements: list[str]) -> None:
    """Every wheel in the wheelhouse is a file of the lock: its name and version locked, its
    sha256 one of the lock's for them. A cache folder is nobody's to trust."""
    allowed = locked_hashes(requirements)
    for wheel in sorted(wheelhouse.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest not in allowed.get((normalize(name), version), set()):
            raise SystemExit(
                f"wheelhouse: {wheel} is not in {REQUIREMENTS.relative_to(ROOT)} (sha256 "
                f"{digest}): remove {wheelhouse} and run again"
            )


def local_dependencies(app: str) -> set[str]:
    """The apps under src/ that src/<app> depends on, recursively (by movies-* requirements)."""
    found: set[str] = set()
    pending = [app]
    while pending:
        pyproject = tomllib.loads((SRC / pending.pop() / "pyproject.toml").read_text())
        for requirement in pyproject["project"].get("dependencies", []):
            name = re.match(r"movies-([a-z_]+)", requirement)
            if name and name.group(1) not in found:
                found.add(name.group(1))
                pending.append(name.group(1))
    return found


def build_requirements() -> list[str]:
    requires = set()
    for pyproject in SRC.glob("*/pyproject.toml"):
        requires.update(tomllib.loads(pyproject.read_text())["build-system"]["requires"])
    return sorted(requires)


def ensure_wheelhouse(cache: Path, requirements: list[str], build: list[str]) -> tuple[Path, str]:
    """Wheels of every locked requirement for this Python, hash-checked against the lock."""
    locked = {normalize(r.split("==")[0]) for r in requirements}
    for requirement in build:
        name = normalize(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
        if name not in locked:
            raise SystemExit(
                f"the build backend {requirement} (build-system.requires in src/*/pyproject.toml)"
                f" is not in {REQUIREMENTS.relative_to(ROOT)}: add it to requirements/prod.in "
                "and run `make lock`"
            )
    tag = f"{sys.implementation.cache_tag}-{sysconfig.get_platform()}"
    key = hashlib.sha256("\n".join([tag, *requirements]).encode()).hexdigest()[:16]
    target = cache / f"wheelhouse-{key}"
    if (target / ".complete").exists():
        (target / ".complete").touch()  # last used now: see the clean-up below
        return target, "warm"
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".wheelhouse-", dir=cache))
    try:
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--require-hashes"]
        cmd += ["--only-binary", ":all:", "-w", scratch, "-r", REQUIREMENTS]
        log: list[tuple[str, str]] = []
        try:
            run(cmd, log, cwd=scratch, env=env)
        except StepFailed as exc:
            raise SystemExit(f"wheelhouse: {exc}\n{log[-1][1]}") from exc
        (scratch / ".complete").touch()
        try:
            scratch.rename(target)
        except OSError:  # another run made it meanwhile
            if not (target / ".complete").exists():
                raise
        # Other locks' wheelhouses, once unused for a day: not at once, since another work tree
        # (another branch, another lock) may be running its check from one right now.
        for old in cache.glob("wheelhouse-*"):
            stamp = old / ".complete"
            if old != target and stamp.exists() and time.time() - stamp.stat().st_mtime > 86400:
                shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target, "cold"


def build_wheel(app: str, work: Path, wheelhouse: Path) -> Outcome:
    """The wheel of src/<app>, built from a clean copy (no stale build/ or egg-info), and the
    files of its package folder that the wheel lacks."""
    outcome = Outcome(app)
    started = time.monotonic()
    copy = work / "src" / app
    shutil.copytree(
        SRC / app,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build"),
    )
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"]
    cmd += ["--find-links", wheelhouse, "-w", work / "dist", copy]
    try:
        output = run(cmd, outcome.log, cwd=work, env=isolated_env())
        wheel = next((work / "dist").glob(f"movies_{app}-*.whl"), None)
        if wheel is None:
            raise StepFailed(f"no movies_{app}-*.whl in {work / 'dist'}:\n{output}")
        # A deprecation the build backend warns about today fails the build some day.
        warned = sorted(set(re.findall(r"(\w+Warning: .*)$", output, re.MULTILINE)))
        outcome.summary = " | ".join(warned)
        shipped = set(zipfile.ZipFile(wheel).namelist())
        missing = sorted(
            rel
            for path in (copy / app).rglob("*")
            if path.is_file() and (rel := path.relative_to(copy).as_posix()) not in shipped
        )
        if missing:
            # Reported with the app's check, which still runs: it shows what the gap breaks.
            outcome.lacks = (
                f"{wheel.name} lacks {len(missing)} file(s) of src/{app}/{app}/: "
                + ", ".join(missing[:8])
                + (" ..." if len(missing) > 8 else "")
                + f" (package-data in src/{app}/pyproject.toml? a folder without __init__.py?)"
            )
        outcome.ok = True
    except StepFailed as exc:
        outcome.failure = f"wheel: {exc}"
    outcome.seconds = time.monotonic() - started
    return outcome


def check_app(app: str, work: Path, wheelhouse: Path, constraints: Path, lacks: str) -> Outcome:
    outcome = Outcome(app, lacks=lacks)
    started = time.monotonic()
    root = work / "apps" / app
    venv, project = root / "venv", root / "project"
    project.mkdir(parents=True)
    python = venv / "bin" / "python"
    env = isolated_env(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        DJANGO_SETTINGS_MODULE="settings",
        PYTHONPATH=str(project),
    )
    pip = [sys.executable, "-m", "pip", "--python", python]
    django = [python, "-m", "django"]

    def step(cmd: list) -> str:
        return run(cmd, outcome.log, cwd=project, env=env)

    done = []
    try:
        # No pip (nor Python 3.11's bundled setuptools) in the venv: nothing but the declared.
        step([sys.executable, "-m", "venv", "--without-pip", venv])
        shutil.copy(PROBE, project / "probe.py")
        for stage in CHECKS[app]:
            sources = ["--find-links", wheelhouse, "--find-links", work / "dist"]
            # Pinned to the wheel just built (hash checking wants every requirement pinned).
            dist = re.match(r"[\w-]+", stage.requirement).group(0)  # type: ignore[union-attr]
            built = next((work / "dist").glob(f"{dist.replace('-', '_')}-*.whl"))
            requirement = f"{stage.requirement}=={built.name.split('-')[1]}"
            step([*pip, "install", "--no-compile", "--no-index", *sources,
                  "-c", constraints, requirement])  # fmt: skip
            step([*pip, "check"])
            (project / "settings.py").write_text(settings_source(stage))
            (project / "urls.py").write_text(urls_source(stage))
            outcome.log.append(
                ("cat settings.py urls.py", settings_source(stage) + urls_source(stage))
            )
            step([*django, "check", "--fail-level", "WARNING"])
            step([*django, "migrate", "--noinput", "-v", "1"])
            for command in stage.commands:
                step([*django, *command])
            output = step([python, "probe.py", stage.probe])
            found = re.search(r"^  installed \((\d+)\)", output, re.MULTILINE)
            steps = ", ".join(["migrate", *(c[0] for c in stage.commands)])
            calls = re.findall(r"^  ([A-Z]+ \S+) -> (.*)$", output, re.MULTILINE)
            notes = re.findall(r"^  note: (.*)$", output, re.MULTILINE)
            done.append(
                f"{stage.requirement} ({found.group(1) if found else '?'} dists): {steps}"
                + "".join(f", {call} {answer}" for call, answer in calls)
                + "".join(f", {text}" for text in notes)
            )
        outcome.summary = "; ".join(done)
        outcome.ok = not lacks
        outcome.failure = lacks
    except StepFailed as exc:
        outcome.failure = str(exc)
        outcome.summary = "; ".join(done)
    except Exception as exc:  # a bug here must not hide the other apps' results
        outcome.failure = f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.monotonic() - started
    return outcome


# --- reporting --------------------------------------------------------------------------------

LOCAL_PACKAGES = set(CHECKS)


def hints(app: str, text: str) -> list[str]:
    found = []
    try:
        distributions = importlib.metadata.packages_distributions()
    except Exception:
        distributions = {}
    for module in sorted(set(re.findall(r"No module named '([\w.]+)'", text))):
        top = module.split(".")[0]
        if top == "config":
            found.append(
                f"a module imports the project's `config` package ({module}), which no wheel "
                "ships: code under src/ must not import config"
            )
        elif top in LOCAL_PACKAGES:
            found.append(
                f"`{module}` cannot be imported: declare movies-{top} in the pyproject.toml of "
                "the app that imports it (see the traceback), or the module is not in its wheel"
            )
        else:
            dist = ", ".join(distributions.get(top, [])) or top
            found.append(
                f"undeclared dependency: `{module}` ({dist}) is imported but not installed; "
                "declare it in the pyproject.toml of the app that imports it (see the traceback)"
            )
    for missing in sorted(set(re.findall(r"No such file or directory: '([^']+)'", text))):
        owner = re.search(r"site-packages/(\w+)/", missing)
        where = f"src/{owner.group(1)}/pyproject.toml" if owner else "the app's pyproject.toml"
        found.append(
            f"a file the code reads is not in the wheel: {missing.split('site-packages/')[-1]} "
            f"([tool.setuptools.package-data] in {where})"
        )
    for name in sorted(set(re.findall(r"No matching distribution found for ([\w.\[\]-]+)", text))):
        found.append(
            f"{name} is declared but the wheelhouse has no version of it that fits: add it to "
            "requirements/base.in and run `make lock` (the wheelhouse holds what "
            "requirements/prod.txt locks), or loosen the app's specifier to the locked version"
        )
    if "ResolutionImpossible" in text or "conflicting dependencies" in text:
        found.append("an app's version specifier excludes the version locked in requirements/")
    if "THESE PACKAGES DO NOT MATCH THE HASHES" in text:
        found.append(
            "a wheel's sha256 is not the one requirements/prod.txt locks: remove the wheelhouse "
            "($CHECK_WHEELS_CACHE) and run again"
        )
    if "isn't in INSTALLED_APPS" in text or "ImproperlyConfigured" in text:
        found.append(
            "a setting or app the code needs is missing from the minimal project: an "
            "undeclared app dependency, or CHECKS in this script needs the app's setting"
        )
    return found


def report(outcome: Outcome, *, verbose: bool) -> None:
    status = "PASS" if outcome.ok else "FAIL"
    head = outcome.failure or outcome.summary
    lines = [f"{status} {outcome.name:<16} {outcome.seconds:6.1f}s  {head}"]
    ran_through = outcome.failure == outcome.lacks  # failed only for the files its wheel lacks
    if outcome.failure and outcome.summary:
        lines.append(f"    ran: {outcome.summary}")
    if not outcome.ok or verbose:
        for index, (command, output) in enumerate(outcome.log):
            failed_here = index == len(outcome.log) - 1 and not outcome.ok and not ran_through
            lines.append(f"    $ {command}")
            if output and (verbose or failed_here):
                lines += [f"    | {line}" for line in output.splitlines()]
    if not outcome.ok:
        if outcome.lacks and not ran_through:
            lines.append(f"    hint: {outcome.lacks}")
        if not ran_through and outcome.log:
            lines += [f"    hint: {h}" for h in hints(outcome.name, outcome.log[-1][1])]
    say(*lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", help="the apps to check (default: every dist in src/)")
    parser.add_argument("-j", "--jobs", type=int, default=min(os.cpu_count() or 2, 4))
    parser.add_argument("-v", "--verbose", action="store_true", help="every command's output")
    parser.add_argument("--keep", action="store_true", help="keep the venvs and projects")
    default_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    default_cache = Path(
        os.environ.get("CHECK_WHEELS_CACHE", default_cache / "movie_recommendation")
    )
    parser.add_argument("--cache-dir", type=Path, default=default_cache)
    args = parser.parse_args()
    started = time.monotonic()

    dists = sorted(p.parent.name for p in SRC.glob("*/pyproject.toml"))
    unknown = sorted(set(args.apps) - set(dists))
    if unknown:
        parser.error(f"no such dist under src/: {', '.join(unknown)}")
    apps = [a for a in ORDER if a in (args.apps or dists)]
    apps += sorted(set(args.apps or dists) - set(ORDER))
    pip_version = tuple(int(x) for x in importlib.metadata.version("pip").split(".")[:2])
    if pip_version < (22, 3):
        raise SystemExit(f"pip {pip_version} is too old: pip install --upgrade pip (22.3+)")

    locked = locked_requirements(REQUIREMENTS)
    wheelhouse, state = ensure_wheelhouse(args.cache_dir, locked, build_requirements())
    verify_wheelhouse(wheelhouse, locked)
    count = len(list(wheelhouse.glob("*.whl")))
    work = Path(tempfile.mkdtemp(prefix="check-app-wheels-"))
    say(f"WHEELHOUSE={wheelhouse} WORK={work}")
    _shown_as.update({str(wheelhouse): "$WHEELHOUSE", str(work): "$WORK"})
    say(f"wheelhouse: {state}, {count} wheels {time.monotonic() - started:.1f}s")
    outcomes: dict[str, Outcome] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        # The wheels of the apps checked and of the local apps they depend on.
        needed = set(apps).union(*(local_dependencies(app) for app in apps)) & set(dists)
        built = [pool.submit(build_wheel, d, work, wheelhouse) for d in sorted(needed)]
        lacks = {}
        for future in as_completed(built):
            wheel = future.result()
            lacks[wheel.name] = wheel.lacks
            if not wheel.ok:
                outcomes[wheel.name] = wheel
                report(wheel, verbose=args.verbose)
            for warning in filter(None, [wheel.lacks, wheel.ok and wheel.summary]):
                say(f"WARN {wheel.name:<16} {wheel.seconds:6.1f}s  {warning}")
        built_count = len(needed) - len(outcomes)
        # The constraints: the lock itself, hashes included, and the apps' wheels just built with
        # theirs. A hash puts pip in hash-checking mode: every wheel an app's venv gets is one of
        # these files, at the locked version; pip refuses any other (THESE PACKAGES DO NOT MATCH).
        local = [
            f"{w.name.split('-')[0].replace('_', '-')}=={w.name.split('-')[1]} "
            f"--hash=sha256:{hashlib.sha256(w.read_bytes()).hexdigest()}"
            for w in sorted((work / "dist").glob("*.whl"))
        ]
        (work / "constraints.txt").write_text("\n".join([*locked, *local]) + "\n")
        say(f"wheels: {built_count} of {len(needed)} built {time.monotonic() - started:.1f}s")
        futures = {}
        for app in apps:
            if app in outcomes:
                continue
            if app not in CHECKS:
                outcomes[app] = Outcome(app, failure=f"no check for src/{app}: add it to CHECKS")
                report(outcomes[app], verbose=False)
                continue
            job = pool.submit(
                check_app, app, work, wheelhouse, work / "constraints.txt", lacks[app]
            )
            futures[job] = app
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.name] = outcome
            report(outcome, verbose=args.verbose)

    failed = sorted(name for name, o in outcomes.items() if not o.ok and name in apps)
    passed = [a for a in apps if a not in failed]
    if args.keep or failed:
        say(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        say(f"FAILED: {', '.join(failed)}")
    say(f"check-wheels: {time.monotonic() - started:.0f}s for {len(apps)} apps")
    say(f"check-wheels: {len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
