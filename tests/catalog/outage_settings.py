"""Settings of the gunicorn that tests/catalog/test_tmdb_outage.py runs: the test settings with
a TMDB key and TMDB_BASE_URL (a server that never answers), tasks queued on a filesystem broker
(TEST_BROKER_DIR) as a deployment queues them, and the database of DATABASE_URL."""

import warnings

from config.settings.test import *  # noqa: F403
from config.settings.test import TMDB, env

TMDB = {**TMDB, "API_KEY": "test-key", "BASE_URL": env("TMDB_BASE_URL")}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": env("TEST_BROKER_DIR"),
    "data_folder_out": env("TEST_BROKER_DIR"),
    "store_processed": False,
}
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
