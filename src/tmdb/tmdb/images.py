"""Image URLs. TMDB returns only paths such as "/abc.jpg"; a URL is base + size + path."""

from tmdb.conf import tmdb_settings


def image_url(path: str | None, size: str, *, base_url: str | None = None) -> str | None:
    """The URL of ``path`` at ``size`` ("w500", "original"...), None when there is no image.

    ``base_url`` defaults to ``TMDB['IMAGE_BASE_URL']``.
    """
    if not path:
        return None
    base = tmdb_settings.IMAGE_BASE_URL if base_url is None else base_url
    return f"{base.rstrip('/')}/{size}/{path.lstrip('/')}"


def poster_url(path: str | None) -> str | None:
    return image_url(path, tmdb_settings.POSTER_SIZE)


def backdrop_url(path: str | None) -> str | None:
    return image_url(path, tmdb_settings.BACKDROP_SIZE)
