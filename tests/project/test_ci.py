"""Nothing to forget when an app or a suite is added: the GitHub workflow runs every folder of
tests/ (`make suites`), .ci/run loops over them, and the Dockerfile installs every distribution
under src/ (the list the Makefile's DISTS and the wheel check read)."""

import json
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def suites_on_disk() -> list[str]:
    return sorted(path.parent.name for path in (ROOT / "tests").glob("*/__init__.py"))


def test_make_suites_lists_every_suite():
    output = subprocess.run(
        ["make", "-s", "suites"],  # noqa: S607  # make on PATH, as the workflow runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(output) == suites_on_disk()


def test_the_workflow_runs_the_suites_make_lists():
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]
    assert "make -s suites" in jobs["suites"]["steps"][-1]["run"]
    assert jobs["test"]["needs"] == "suites"
    matrix = jobs["test"]["strategy"]["matrix"]["suite"]
    assert matrix == "${{ fromJSON(needs.suites.outputs.suites) }}"
    assert jobs["test"]["steps"][-1]["run"] == "make test-${{ matrix.suite }}"
    assert any(step.get("run") == "make check-image" for step in jobs["check-image"]["steps"])


def test_ci_run_loops_over_every_suite_and_checks_the_image():
    script = (ROOT / ".ci" / "run").read_text()
    assert "for suite in tests/*/; do" in script
    assert "make check-image" in script


def test_the_dockerfile_installs_every_distribution_under_src():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "$(dirname src/*/pyproject.toml)" in dockerfile  # make check-image runs it
