"""The test settings without the apps named in ``WITHOUT_APPS`` (comma-separated: watchlist,
ratings, history, imports): tests/project/test_pluggable.py checks that the rest migrates,
serves and passes.
Their entries in the other apps' extension points stay: an app that is not installed
contributes nothing (``core.conf.installed_paths``)."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import ALLOWED_HOSTS, INSTALLED_APPS

WITHOUT_APPS = {name for name in os.environ.get("WITHOUT_APPS", "").split(",") if name}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in WITHOUT_APPS]
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # Django's test client, outside pytest
