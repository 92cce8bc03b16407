"""core.user_lists and core.conf.installed_paths: the per-user list cache's keys and versions,
and the extension points' filter of apps left out."""

import pytest

from core import versioned_cache
from core.conf import installed_entries, installed_paths
from core.user_lists import UserListCache
from tests.conftest import read_page


def test_keys_and_namespace_are_named_by_the_prefix():
    lists = UserListCache("things", timeout=lambda: 60.0)

    assert lists.page_key(user_id=3, page=2) == "things_3_page_2"
    assert lists.page_key(user_id=3, page=2, page_size=7) == "things_3_page_2_size_7"
    assert lists.namespace(3).version_key == "things_3_version"
    assert lists.pages(3).timeout == 60.0


def test_bumping_users_invalidates_their_pages_only():
    lists = UserListCache("things", timeout=lambda: 60.0)
    for user_id in (1, 2):
        key = lists.page_key(user_id=user_id, page=1)
        read_page(lists.pages(user_id), key).store(key, {"count": user_id}, timeout=60)

    lists.bump_users([1, 1])

    one, two = lists.page_key(user_id=1, page=1), lists.page_key(user_id=2, page=1)
    assert read_page(lists.pages(1), one).entry(one) is None
    assert read_page(lists.pages(2), two).entry(two) == {"count": 2}
    assert versioned_cache.read([lists.namespace(2)]).stamp is not None


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("favorites.selectors.favorite_states", True),  # an installed app
        ("tests.accounts.test_account_data.export_stub", True),  # no app: kept
        ("nowhere.at_all", True),  # no such package: kept, for the system check to report
    ],
)
def test_installed_paths_keeps_what_is_not_a_left_out_app(path, kept):
    assert (installed_paths([path]) == [path]) is kept


def test_installed_paths_drops_a_left_out_app(settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "watchlist"]

    assert installed_paths(["watchlist.selectors.watchlist_states", "favorites.x"]) == [
        "favorites.x"
    ]
    assert installed_entries({"w": "watchlist.cache.user_namespace"}) == {}
