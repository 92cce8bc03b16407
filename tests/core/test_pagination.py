"""The pagination helpers: page numbers, cached counts."""

import pytest
from django.contrib.auth.models import Group

from core.api.integers import plain_int
from core.api.pagination import CountCache
from core.versioned_cache import Namespace


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("0042", 42), ("²", None), ("٣", None), ("1.0", None), (" 1", None), ("", None),
     ("-1", None), (None, None)],
)  # fmt: skip
def test_plain_int_takes_ascii_digits_only(text, number):
    assert plain_int(text) == number


@pytest.mark.django_db
def test_count_cache_shares_one_count_across_orderings_until_a_bump(django_assert_num_queries):
    namespace = Namespace("test:count:version")
    counts = CountCache(namespaces=[namespace], key_prefix="test:count", timeout=lambda: 60)
    groups = Group.objects.all()
    Group.objects.create(name="one")

    with django_assert_num_queries(1):
        assert counts.count(groups.order_by("name")) == 1
        assert counts.count(groups.order_by("-id")) == 1  # same filter, cached
    Group.objects.create(name="two")
    assert counts.count(groups) == 1  # cached until the namespace moves on
    namespace.bump()
    assert counts.count(groups.filter(name="two")) == 1
    assert counts.count(groups) == 2
