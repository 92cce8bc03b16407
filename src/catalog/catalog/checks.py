from django.conf import settings
from django.core.checks import Error, Tags, register

from catalog.conf import DEFAULTS, catalog_settings


@register(Tags.compatibility)
def check_catalog_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    unknown = set(getattr(settings, "CATALOG", {})) - set(DEFAULTS)
    if unknown:
        errors.append(
            Error(f"Unknown CATALOG settings: {', '.join(sorted(unknown))}", id="catalog.E001")
        )
    for name in DEFAULTS:
        value = getattr(catalog_settings, name)
        if not isinstance(value, int) or value < 1:
            errors.append(
                Error(f"CATALOG['{name}'] must be a positive integer.", id="catalog.E002")
            )
    return errors
