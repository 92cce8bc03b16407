import pytest
from django.urls import reverse

from tests.catalog.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db


def url(movie_id) -> str:
    return reverse("catalog:movie-detail", args=[movie_id])


def test_detail_has_the_spec_fields(api_client, django_assert_num_queries):
    genre = GenreFactory(id=16, name="Animation")
    movie = MovieFactory(
        title="Toy Story",
        overview="Toys.",
        runtime=81,
        vote_average=7.9,
        vote_count=18000,
        poster_path="/p.jpg",
        backdrop_path="/b.jpg",
        genres=[genre],
    )

    with django_assert_num_queries(2):  # movie + genres
        response = api_client.get(url(movie.id))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": movie.id,
        "title": "Toy Story",
        "release_date": movie.release_date.isoformat(),
        "description": "Toys.",
        "poster_path": "https://image.tmdb.org/t/p/w500/p.jpg",
        "genres": [{"id": 16, "name": "Animation"}],
        "runtime": 81,
        "vote_average": 7.9,
        "vote_count": 18000,
        "overview": "Toys.",
        "backdrop_path": "https://image.tmdb.org/t/p/w1280/b.jpg",
        "tmdb_id": movie.tmdb_id,
        "release_year": movie.release_year,
    }


@pytest.mark.parametrize("movie_id", ["999999", "abc", "0"])
def test_detail_unknown_movie_is_404(api_client, movie_id):
    response = api_client.get(f"/api/movies/{movie_id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_detail_is_public_and_read_only(api_client):
    movie = MovieFactory()

    assert api_client.delete(url(movie.id)).status_code == 405
    assert api_client.post(reverse("catalog:movie-list"), {}).status_code == 405
