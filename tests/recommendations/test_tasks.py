"""Beat's neighbour build (recommendations.tasks.build_if_stale): built when stale, one build at
a time, the command and the task sharing the lock."""

import pytest
from django.core.management import CommandError, call_command

from core.jobs import job_lock
from recommendations import tasks
from recommendations.models import RecommenderBuild
from tests.catalog.factories import MovieFactory

pytestmark = pytest.mark.django_db


def test_built_when_stale_then_left_alone():
    MovieFactory.create_batch(3)

    assert tasks.build_if_stale.delay().get().startswith("build ")
    assert tasks.build_if_stale.delay().get() == "the neighbour table is up to date: not rebuilt"
    assert RecommenderBuild.objects.count() == 1


def test_one_build_at_a_time_task_and_command_alike():
    MovieFactory.create_batch(3)

    with job_lock("recommendations.build"):
        assert tasks.build_if_stale.delay().get() is None  # skipped
        with pytest.raises(CommandError, match="running already"):
            call_command("build_recommendations")

    assert not RecommenderBuild.objects.exists()
