"""make check-image: the production image, verified without a Docker engine.

Reads the Dockerfile and replays its own steps on this machine: ``FROM python:3.X`` is a fresh
virtualenv of that Python; ``ENV`` and ``WORKDIR`` set the environment and a work folder that
stands for ``/app``; ``COPY`` copies from the build context as Docker sends it (.dockerignore
applied); each ``RUN`` runs as written, by ``sh -c``, with the venv first on PATH. pip installs
from the production lock's wheelhouse (the hash-checked files of requirements/prod.txt that
``make check-wheels`` keeps, made here if missing) with ``PIP_NO_INDEX``: the same files,
offline. System commands a replay must not run on this machine (``useradd`` and the like) are
stubs that say so.

Then it starts what docker compose starts from that image: the ``migrate`` service's command,
the image's ``CMD`` (gunicorn, production settings) and the ``worker`` and ``beat`` services'
commands, against the local PostgreSQL (database ``movies_check_image``) and Redis
($CHECK_IMAGE_REDIS_URL, db 13 by default), in compose's environment for the app services
(``x-app``, with ``LOAD_DEMO_CATALOG`` set as in a first ``docker compose up``). It waits for
the worker to fill the empty catalog, then drives the API: compose's api healthcheck, the
probes, the movie list, register, login and a favorite. Any failure prints the logs and exits 1.

    python scripts/check_image.py [--dockerfile PATH] [--keep]
"""

import argparse
import contextlib
import fnmatch
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import redis
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_app_wheels  # the lock's wheelhouse

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "movies_check_image"
REDIS_URL = os.environ.get("CHECK_IMAGE_REDIS_URL", "redis://127.0.0.1:6379/13")
# What a replay on a developer's machine or CI must not do: stubs print the command instead.
SYSTEM_COMMANDS = ("useradd", "groupadd", "adduser", "apt-get", "apt", "chown")


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"check-image: {message}", flush=True)


# --- reading the Dockerfile ---------------------------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction: continuations joined, comment lines dropped (as
    Docker drops them, inside a continued instruction too)."""
    found, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        pending += " " + line.removesuffix("\\").strip()
        if not line.endswith("\\"):
            keyword, _, arguments = pending.strip().partition(" ")
            found.append((keyword.upper(), arguments.strip()))
            pending = ""
    return found


def dockerignore_patterns() -> list[str]:
    path = ROOT / ".dockerignore"
    lines = path.read_text().splitlines() if path.exists() else []
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def ignored(relative: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        if pattern.startswith("**/"):
            parts = relative.split("/")
            tails = ["/".join(parts[i:]) for i in range(len(parts))]
            if any(fnmatch.fnmatch(tail, pattern[3:]) for tail in tails):
                return True
        elif fnmatch.fnmatch(relative, pattern):
            return True
    return False


def build_context(destination: Path) -> Path:
    """The folder as Docker would send it: the repository less what .dockerignore names."""
    patterns = dockerignore_patterns()
    for folder, dirs, files in os.walk(ROOT):
        base = Path(folder).relative_to(ROOT)
        dirs[:] = [d for d in dirs if not ignored((base / d).as_posix(), patterns)]
        for name in files:
            relative = (base / name).as_posix()
            if not ignored(relative, patterns):
                (destination / base).mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / relative, destination / relative)
    return destination


# --- replaying it --------------------------------------------------------------------------------


class Replay:
    def __init__(self, work: Path, wheelhouse: Path) -> None:
        self.work = work
        self.context = build_context(work / "context")
        self.root = work / "root"  # the image's filesystem root: WORKDIR /app is root/app
        self.venv = work / "venv"
        self.shims = work / "shims"
        self.env: dict[str, str] = {}
        self.workdir = self.root
        self.cmd: list[str] = []
        self.wheelhouse = wheelhouse

    def path(self, image_path: str) -> Path:
        if image_path.startswith("/"):
            return self.root / image_path.lstrip("/")
        return self.workdir / image_path

    def environment(self) -> dict[str, str]:
        """A clean environment: the image's ENV, the venv first on PATH, nothing of the repo."""
        keep = {"HOME", "LANG", "LC_ALL", "TMPDIR"}
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(self.env)
        env["PATH"] = os.pathsep.join([str(self.shims), str(self.venv / "bin"), "/usr/bin", "/bin"])
        env["VIRTUAL_ENV"] = str(self.venv)
        env.update(
            PIP_NO_INDEX="1",
            PIP_FIND_LINKS=str(self.wheelhouse),
            PIP_CONFIG_FILE=os.devnull,
            PIP_DISABLE_PIP_VERSION_CHECK="1",
        )
        return env

    def step(self, keyword: str, arguments: str) -> None:
        say(f"{keyword} {arguments}")
        handler = getattr(self, f"do_{keyword.lower()}", None)
        if handler is None:
            raise CheckFailed(f"no replay for Dockerfile instruction {keyword}")
        handler(arguments)

    def do_from(self, arguments: str) -> None:
        image = arguments.split()[0]
        if not image.startswith("python:"):
            raise CheckFailed(f"FROM {image}: only python:X.Y images can be replayed")
        version = image.split(":")[1].split("-")[0]
        python = shutil.which(f"python{version}")
        if python is None:
            raise CheckFailed(f"FROM {image}: python{version} is not installed here")
        subprocess.run([python, "-m", "venv", self.venv], check=True)  # noqa: S603
        self.shims.mkdir()
        for command in SYSTEM_COMMANDS:
            shim = self.shims / command
            shim.write_text(f'#!/bin/sh\necho "check-image: not replayed here: {command} $*"\n')
            shim.chmod(0o755)

    def do_env(self, arguments: str) -> None:
        for pair in shlex.split(arguments):
            name, _, value = pair.partition("=")
            self.env[name] = value

    def do_workdir(self, arguments: str) -> None:
        self.workdir = self.path(arguments)
        self.workdir.mkdir(parents=True, exist_ok=True)

    def do_copy(self, arguments: str) -> None:
        *sources, target = shlex.split(arguments)
        destination = self.path(target)
        for source in sources:
            origin = self.context / source
            if origin.is_dir():
                shutil.copytree(origin, destination, dirs_exist_ok=True)
            else:
                final = destination / origin.name if target.endswith("/") else destination
                final.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, final)

    def do_run(self, arguments: str) -> None:
        result = subprocess.run(  # noqa: S603
            ["/bin/sh", "-c", arguments], cwd=self.workdir, env=self.environment(),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            raise CheckFailed(f"RUN failed ({result.returncode}):\n{result.stdout}{result.stderr}")

    def do_user(self, arguments: str) -> None:
        say(f"  (runs as this user here, not as {arguments})")

    def do_expose(self, arguments: str) -> None:
        pass

    def do_cmd(self, arguments: str) -> None:
        self.cmd = json.loads(arguments)


# --- running what compose runs -----------------------------------------------------------------


def compose() -> dict:
    """docker-compose.yml, its anchors resolved."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_commands() -> dict[str, list[str]]:
    services = compose()["services"]
    return {name: services[name]["command"] for name in ("migrate", "worker", "beat")}


# Compose's interpolation: ${NAME}, ${NAME:-default} (unset or empty), ${NAME:?error}.
COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def compose_environment(shell: dict[str, str]) -> dict[str, str]:
    """The app services' environment (compose's ``x-app``), resolved as compose resolves it
    from the ``shell``'s variables."""

    def resolve(match: re.Match[str]) -> str:
        name, operator, text = match.groups()
        if "{" in (text or ""):  # compose's own parser ends the variable at the first "}"
            raise CheckFailed(f"compose cannot hold {name}'s default, {text}...: it has braces")
        if shell.get(name):
            return shell[name]
        if operator == "?":
            raise CheckFailed(f"compose needs {name}: {text}")
        return text if operator == "-" else ""

    environment = compose()["x-app"]["environment"]
    return {name: COMPOSE_VARIABLE.sub(resolve, str(value)) for name, value in environment.items()}


def compose_healthcheck(port: int) -> list[str]:
    """The api service's healthcheck (compose's ``CMD`` form), aimed at ``port``: healthy when
    it exits 0."""
    kind, *command = compose()["services"]["api"]["healthcheck"]["test"]
    if kind != "CMD":
        raise CheckFailed(f"the api's healthcheck is {kind}, not CMD")
    return [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in command]


def fresh_services() -> None:
    connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()
    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(port: int, method: str, path: str, body: dict | None = None, token: str = "") -> tuple:
    headers = {"Content-Type": "application/json", "Host": "localhost"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def expect(answer: tuple, status: int, what: str) -> dict:
    if answer[0] != status:
        raise CheckFailed(f"{what}: {answer[0]} {answer[1]} (expected {status})")
    say(f"  {what}: {status}")
    return answer[1]


def wait(condition, what: str, seconds: float, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + seconds
    while True:
        for process in processes:
            if process.poll() is not None:
                raise CheckFailed(
                    f"{' '.join(map(str, process.args))} exited ({process.returncode})"
                )
        with contextlib.suppress(OSError, ValueError):
            if condition():
                return
        if time.monotonic() > deadline:
            raise CheckFailed(f"{what}: not after {seconds:.0f} s")
        time.sleep(0.5)


def serve_and_drive(replay: Replay) -> None:
    commands = compose_commands()
    port = free_port()
    env = replay.environment()
    # Compose's, as a first `docker compose up` with LOAD_DEMO_CATALOG=true gets it; then the
    # addresses of this machine's services in place of compose's host names.
    shell = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "LOAD_DEMO_CATALOG": "true"}
    env.update(compose_environment(shell))
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    fresh_services()
    logs = replay.work / "logs"
    logs.mkdir()
    say(f"migrate: {' '.join(commands['migrate'])}")
    subprocess.run(  # noqa: S603
        commands["migrate"], cwd=replay.workdir, env=env, check=True, capture_output=True
    )
    processes: list[subprocess.Popen] = []
    try:
        for name, command in [("api", replay.cmd), ("worker", commands["worker"]),
                              ("beat", commands["beat"])]:  # fmt: skip
            say(f"{name}: {' '.join(command)}")
            processes.append(
                subprocess.Popen(  # noqa: S603
                    command,
                    cwd=replay.workdir,
                    env=env,
                    start_new_session=True,
                    stdout=(logs / f"{name}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        probe = compose_healthcheck(port)
        say(f"compose's healthcheck: {' '.join(probe)}")

        def healthy() -> bool:
            run = subprocess.run(  # noqa: S603
                probe, cwd=replay.workdir, env=env, capture_output=True, timeout=10
            )
            return run.returncode == 0

        wait(healthy, "compose's healthcheck of the api", 60, processes)
        for path in ("/api/health/live/", "/api/health/ready/", "/api/health/"):
            expect(call(port, "GET", path), 200, f"GET {path}")
        wait(
            lambda: call(port, "GET", "/api/movies/")[1]["count"] > 0,
            "the worker's first catalog (beat at start, LOAD_DEMO_CATALOG)",
            180,
            processes,
        )
        movies = expect(call(port, "GET", "/api/movies/"), 200, "GET /api/movies/")
        say(f"  the catalog: {movies['count']} movies")
        user = {"username": "imagecheck", "email": "image@example.com",
                "password": secrets.token_urlsafe(16)}  # fmt: skip
        expect(call(port, "POST", "/api/register/", user), 201, "POST /api/register/")
        login = {"username": user["username"], "password": user["password"]}
        tokens = expect(call(port, "POST", "/api/token/", login), 200, "POST /api/token/")
        movie_id = movies["results"][0]["id"]
        favorite = {"movie_id": movie_id}
        access = tokens["access"]
        expect(
            call(port, "POST", "/api/favorite-movies/", favorite, access),
            201,
            "POST /api/favorite-movies/",
        )
        page = expect(
            call(port, "GET", "/api/favorite-movies/", token=access),
            200,
            "GET /api/favorite-movies/",
        )
        if [item["movie"]["id"] for item in page["results"]] != [movie_id]:
            raise CheckFailed(f"GET /api/favorite-movies/: {page}")
    except Exception:
        for log in sorted(logs.iterdir()):
            say(f"--- {log.name} (last lines)")
            print("\n".join(log.read_text().splitlines()[-40:]), flush=True)
        raise
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dockerfile", type=Path, default=ROOT / "Dockerfile")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    started = time.monotonic()
    cache = Path(
        os.environ.get(
            "CHECK_WHEELS_CACHE",
            Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "movie_recommendation",
        )
    )
    locked = check_app_wheels.locked_requirements(check_app_wheels.REQUIREMENTS)
    wheelhouse, state = check_app_wheels.ensure_wheelhouse(
        cache, locked, check_app_wheels.build_requirements()
    )
    say(f"wheelhouse ({state}): {wheelhouse}")
    work = Path(tempfile.mkdtemp(prefix="check-image-"))
    replay = Replay(work, wheelhouse)
    try:
        for keyword, arguments in instructions(args.dockerfile.read_text()):
            replay.step(keyword, arguments)
        if not replay.cmd:
            raise CheckFailed("the Dockerfile has no CMD")
        serve_and_drive(replay)
    except (CheckFailed, subprocess.CalledProcessError) as exc:
        output = getattr(exc, "stderr", None) or ""
        say(f"FAIL: {exc}\n{output if isinstance(output, str) else output.decode()}")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    say(f"PASS in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
