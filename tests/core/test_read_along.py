"""core.api.read_along: a snapshot kept for one read answers that read, once."""

from django.test import RequestFactory
from rest_framework.request import Request

from core.api import read_along
from core.versioned_cache import Namespace, Read, Snapshot


def test_what_was_kept_answers_the_read_asked_for_once():
    request = Request(RequestFactory().get("/"))
    page, versions = Read([Namespace("v")], ["page"]), Read([Namespace("v")], [])
    read_along.ask(request, lambda user_id: page if user_id == 7 else None)
    snapshot = Snapshot((1, 2), {"page": "stored"})

    assert read_along.asked(request, 8) is None
    assert read_along.asked(request, 7) == page
    read_along.keep(request, page, snapshot)
    assert read_along.take(request, versions) is None
    assert read_along.take(request, page) is snapshot
    assert read_along.take(request, page) is None  # a later read reads again


def test_nothing_asked_is_nothing_taken():
    request = Request(RequestFactory().get("/"))

    assert read_along.asked(request, 1) is None
    assert read_along.take(request, Read([Namespace("v")])) is None
