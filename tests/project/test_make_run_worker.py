"""`make run`'s worker, as the Makefile starts it: the development settings with no broker to
install (the filesystem transport), beat embedded. A task queued by another process (a request's
password reset) is run by it."""

import itertools
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def worker_command() -> tuple[dict[str, str], list[str]]:
    """The worker line of `make run` as make prints it (``make -n``), before its ``&``: the
    variables it sets, and the command."""
    printed = subprocess.run(
        ["make", "-n", "run"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    line = next(line for line in printed.splitlines() if " worker " in line)
    words = shlex.split(line.split(" & ")[0])
    assignments = list(itertools.takewhile(lambda word: "=" in word, words))
    return dict(word.split("=", 1) for word in assignments), words[len(assignments) :]


def environment(tmp_path: Path) -> dict[str, str]:
    """`make run`'s: no Redis, no broker set, no TMDB key; the database and the queue in
    ``tmp_path``."""
    ignored = ("DJANGO_", "REDIS_URL", "CELERY_", "DATABASE_URL", "TMDB_", "LOAD_DEMO_CATALOG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ignored)}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",  # manage.py's default
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_QUEUE_DIR": str(tmp_path / "celery"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "celerybeat-schedule"),
    }


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300,
    ).stdout  # fmt: skip


def test_a_task_queued_by_another_process_is_run_by_make_runs_worker(tmp_path):
    env = environment(tmp_path)
    manage(env, "migrate", "--noinput", "-v", "0")
    variables, command = worker_command()
    assert command[:4] == [".venv/bin/celery", "-A", "config", "worker"], command
    output = tmp_path / "worker.log"
    worker = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "celery"), *command[1:]],  # this test's venv
        cwd=ROOT, env={**env, **variables}, stdout=output.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        manage(env, "shell", "-c", (
            "from accounts.services import password_reset_request, user_create\n"
            "user_create(username='runner', email='runner@example.com', password='Run-it-9x')\n"
            "password_reset_request(email='runner@example.com')"
        ))  # fmt: skip
        deadline = time.monotonic() + 90
        # The console backend's message, on the worker's output (the address redacted there).
        while "Subject: Reset your password" not in output.read_text():
            assert worker.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert "task accounts.tasks.password_reset_email success" in output.read_text()
