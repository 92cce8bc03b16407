from django.conf import settings
from django.core.checks import Error, Tags, register

from favorites.conf import DEFAULTS, favorites_settings


@register(Tags.compatibility)
def check_favorites_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    unknown = set(getattr(settings, "FAVORITES", {})) - set(DEFAULTS)
    if unknown:
        errors.append(
            Error(f"Unknown FAVORITES settings: {', '.join(sorted(unknown))}", id="favorites.E001")
        )
    for name in DEFAULTS:
        value = getattr(favorites_settings, name)
        if not isinstance(value, int) or value < 1:
            errors.append(
                Error(f"FAVORITES['{name}'] must be a positive integer.", id="favorites.E002")
            )
    if "catalog" not in {app.split(".")[0] for app in settings.INSTALLED_APPS}:
        errors.append(Error("favorites needs the catalog app installed.", id="favorites.E003"))
    return errors
