from django.conf import settings
from django.core.checks import Error, Tags, register

from recommendations.conf import DEFAULTS, recommendations_settings

POSITIVE = ["NEIGHBOURS", "MAX_RESULTS", "CACHE_TIMEOUT", "POPULAR_WINDOW_DAYS", "CONTENT_FADE",
            "ERA_YEARS"]  # fmt: skip


@register(Tags.compatibility)
def check_recommendations_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    unknown = set(getattr(settings, "RECOMMENDATIONS", {})) - set(DEFAULTS)
    if unknown:
        errors.append(
            Error(
                f"Unknown RECOMMENDATIONS settings: {', '.join(sorted(unknown))}",
                id="recommendations.E001",
            )
        )
    for name in POSITIVE:
        value = getattr(recommendations_settings, name)
        if not isinstance(value, int | float) or value <= 0:
            errors.append(
                Error(f"RECOMMENDATIONS['{name}'] must be positive.", id="recommendations.E002")
            )
    if not 0 <= recommendations_settings.ALPHA <= 1:
        errors.append(
            Error("RECOMMENDATIONS['ALPHA'] must be between 0 and 1.", id="recommendations.E003")
        )
    installed = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    for needed in ("catalog", "favorites"):
        if needed not in installed:
            errors.append(
                Error(f"recommendations needs the {needed} app.", id="recommendations.E004")
            )
    return errors
