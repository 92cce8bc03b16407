"""core.jobs: one run of a job at a time, across processes; a holder that dies (killed, never
releasing) does not keep the lock. Each test runs on the file lock (no Redis: `make run`) and,
with REDIS_URL, on the Redis lock (workers on several machines)."""

import multiprocessing
import os
import signal
import time

import pytest

from core import jobs

REDIS_URL = os.environ.get("REDIS_URL", "")
BACKENDS = [
    pytest.param("file", id="file"),
    pytest.param(
        "redis",
        id="redis",
        marks=[pytest.mark.redis, pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL")],
    ),
]


@pytest.fixture(params=BACKENDS)
def locks(request, settings, tmp_path):
    """JOB_LOCKS for one backend; Redis locks lapse 1 s after their holder stops renewing."""
    url = REDIS_URL if request.param == "redis" else ""
    settings.JOB_LOCKS = {"REDIS_URL": url, "DIRECTORY": str(tmp_path), "EXPIRE_SECONDS": 1.0}
    return request.param


def unique(name: str) -> str:
    return f"test-{name}-{os.getpid()}-{time.monotonic_ns()}"


def test_a_second_run_is_kept_out_while_the_first_holds_the_lock(locks):
    name = unique("second")
    with jobs.job_lock(name):
        with pytest.raises(jobs.JobRunning), jobs.job_lock(name):
            pytest.fail("a second run got in")
        # Held past its expiry: the holder renews it while it runs.
        time.sleep(1.5)
        with pytest.raises(jobs.JobRunning), jobs.job_lock(name):
            pytest.fail("a second run got in after the expiry")
    with jobs.job_lock(name):  # released: the next run gets it
        pass


def test_other_jobs_are_not_kept_out(locks):
    with jobs.job_lock(unique("one")), jobs.job_lock(unique("two")):
        pass


def _hold(name: str, held) -> None:
    with jobs.job_lock(name):
        held.set()
        time.sleep(60)


def test_a_holder_killed_mid_run_does_not_keep_the_lock(locks):
    name = unique("killed")
    context = multiprocessing.get_context("fork")
    held = context.Event()
    holder = context.Process(target=_hold, args=(name, held))
    holder.start()
    assert held.wait(10)
    with pytest.raises(jobs.JobRunning), jobs.job_lock(name):
        pytest.fail("got a lock another process holds")

    os.kill(holder.pid, signal.SIGKILL)  # no release, no finally
    holder.join()

    deadline = time.monotonic() + 10
    while True:
        try:
            with jobs.job_lock(name):
                break
        except jobs.JobRunning:
            assert time.monotonic() < deadline, "the dead holder's lock never lapsed"
            time.sleep(0.1)


def test_one_at_a_time_skips_a_run_that_finds_the_lock_taken(locks, caplog):
    name = unique("decorated")
    runs = []

    @jobs.one_at_a_time(name)
    def job(value: int) -> int:
        runs.append(value)
        return value * 2

    with jobs.job_lock(name):
        assert job(1) is None
    assert job(2) == 4

    assert runs == [2]
    assert f"{name} is running already: this run is skipped" in caplog.text
