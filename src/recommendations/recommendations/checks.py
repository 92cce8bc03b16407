from django.conf import settings
from django.core.checks import Error, Tags, register

from recommendations.conf import DEFAULTS, recommendations_settings

POSITIVE = ["NEIGHBOURS", "MAX_RESULTS", "CACHE_TIMEOUT", "POPULAR_WINDOW_DAYS", "CONTENT_FADE",
            "ERA_YEARS"]  # fmt: skip
INTEGERS = {"NEIGHBOURS", "MAX_RESULTS"}  # array sizes and slice bounds: a float fails later


def _is_number(value, kind=(int, float)) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


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
        integer = name in INTEGERS
        if not _is_number(value, int if integer else (int, float)) or value <= 0:
            kind = "a positive integer" if integer else "positive"
            errors.append(
                Error(f"RECOMMENDATIONS['{name}'] must be {kind}.", id="recommendations.E002")
            )
    alpha = recommendations_settings.ALPHA
    if not _is_number(alpha) or not 0 <= alpha <= 1:
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
