import pytest

from tmdb.images import backdrop_url, image_url, poster_url


@pytest.mark.parametrize("base_url", ["https://image.tmdb.org/t/p/", "https://image.tmdb.org/t/p"])
def test_image_url(settings, base_url: str) -> None:
    settings.TMDB = {**settings.TMDB, "IMAGE_BASE_URL": base_url}

    assert image_url("/abc.jpg", "w185") == "https://image.tmdb.org/t/p/w185/abc.jpg"


@pytest.mark.parametrize("path", [None, ""])
def test_no_path_no_url(path) -> None:
    assert image_url(path, "w500") is None
    assert poster_url(path) is None


def test_poster_and_backdrop_urls_follow_the_settings(settings) -> None:
    settings.TMDB = {
        **settings.TMDB,
        "IMAGE_BASE_URL": "https://cdn.example.com/p/",
        "POSTER_SIZE": "w342",
        "BACKDROP_SIZE": "original",
    }

    assert poster_url("/p.jpg") == "https://cdn.example.com/p/w342/p.jpg"
    assert backdrop_url("/b.jpg") == "https://cdn.example.com/p/original/b.jpg"
    assert image_url("/x.jpg", "w92") == "https://cdn.example.com/p/w92/x.jpg"
