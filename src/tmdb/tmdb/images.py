"""Image URLs. TMDB returns only paths such as "/abc.jpg"; a URL is base + size + path."""

from tmdb.conf import tmdb_settings


def image_url(path: str | None, size: str) -> str | None:
    """The URL of ``path`` at ``size`` ("w500", "original"...) under ``TMDB['IMAGE_BASE_URL']``,
    None when there is no image."""
    if not path:
        return None
    return f"{tmdb_settings.IMAGE_BASE_URL.rstrip('/')}/{size}/{path.lstrip('/')}"


def poster_url(path: str | None) -> str | None:
    return image_url(path, tmdb_settings.POSTER_SIZE)


def backdrop_url(path: str | None) -> str | None:
    return image_url(path, tmdb_settings.BACKDROP_SIZE)
