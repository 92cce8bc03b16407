"""The PostgreSQL-only indexes of the movie list serve the queries the list sends."""

import pytest
from django.db import connection
from django.http import QueryDict

from catalog import selectors
from catalog.filters import MovieFilter
from tests.catalog.factories import GenreFactory, MovieFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only indexes"),
]


def plan(params: str) -> str:
    """EXPLAIN of the list's first page, where PostgreSQL may not sort or scan the table."""
    page = MovieFilter(QueryDict(params), queryset=selectors.movie_list()).qs[:20]
    sql, sql_params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", sql_params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("popularity", "popularity_asc"),
        ("-popularity", "popularity_desc"),
        ("release_date", "release_asc"),
        ("-release_date", "release_desc"),
        ("title", "title_asc"),
        ("-title", "title_desc"),
    ],
)
def test_rated_ordering_indexes_serve_min_vote_average_from_7(ordering, index):
    genre = GenreFactory(id=878, name="Science Fiction")
    MovieFactory.create_batch(30, genres=[genre])

    for vote in ("7", "8.5"):
        assert f"catalog_movie_{index}_rated" in plan(
            f"genre=878&min_vote_average={vote}&ordering={ordering}"
        )
    assert f"catalog_movie_{index}_rated" not in plan(f"min_vote_average=6&ordering={ordering}")


@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("popularity", "popularity_asc"),
        ("-popularity", "popularity_desc"),
        ("vote_average", "vote_asc"),
        ("-vote_average", "vote_desc"),
        ("release_date", "release_asc"),
        ("-release_date", "release_desc"),
        ("title", "title_asc"),
        ("-title", "title_desc"),
    ],
)
def test_a_deep_page_walks_its_ordering_index_only(ordering, index):
    """The deferred join's inner query (ids of the page) never visits the table for the
    ``NOT adult`` filter: the ordering indexes include ``adult`` (catalog 0008)."""
    MovieFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_movie")
    ids = MovieFilter(QueryDict(f"ordering={ordering}"), queryset=selectors.movie_list()).qs
    sql, sql_params = ids.values("pk")[10:20].query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_indexscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", sql_params)
        explained = "\n".join(row[0] for row in cursor.fetchall())

    assert f"Index Only Scan using catalog_movie_{index} on catalog_movie" in explained
    assert "Filter: (NOT adult)" in explained
