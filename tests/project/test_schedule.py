"""README's cron lines and its schedule table run the same jobs at the same times as beat's
CELERY_BEAT_SCHEDULE (which docker compose's beat service runs)."""

import re
from pathlib import Path

from django.conf import settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
# The command README gives for each periodic task (each calls the task's services).
COMMANDS = {
    "catalog.tasks.tmdb_changes": "tmdb_sync changes",
    "catalog.tasks.tmdb_lists": "tmdb_sync lists --list popular --pages 50",
    "catalog.tasks.catalog_fill_if_empty": "fill_catalog",
    "recommendations.tasks.build_if_stale": "build_recommendations --if-stale",
    "accounts.tasks.prune_expired": "prune_accounts",
    "imports.tasks.requeue_stale": "requeue_imports",
}


def cron(schedule) -> str:
    fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    return " ".join(str(getattr(schedule, f"_orig_{name}")) for name in fields)


def test_the_cron_lines_are_beats_schedule():
    block = re.search(r"```cron\n(.*?)```", README, re.S).group(1)
    lines = {
        (" ".join(line.split()[:5]), line.split("manage.py ", 1)[1].strip())
        for line in block.strip().splitlines()
    }
    expected = {
        (cron(entry["schedule"]), COMMANDS[entry["task"]])
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert lines == expected


def test_the_table_names_every_job_and_its_command():
    for task, command in COMMANDS.items():
        row = rf"\| `{re.escape(task)}` \|.*\| `manage.py {re.escape(command)}` \|"
        assert re.search(row, README), task
    assert set(COMMANDS) == {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


def test_the_lists_job_syncs_what_the_cron_line_says():
    from catalog.conf import catalog_settings

    assert catalog_settings.LISTS_SYNC_SOURCES == ["popular"]
    assert catalog_settings.LISTS_SYNC_PAGES == 50
