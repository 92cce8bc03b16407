from django.core.checks import CheckMessage, Error, Tags, register

from core.checks import (
    Rule,
    import_problem,
    number_between,
    positive_int,
    positive_number,
    settings_messages,
)
from core.conf import installed_paths
from recommendations.conf import prior_path, recommendations_settings

SIGNAL_SETTINGS = ("BUILD_SIGNALS", "USER_SIGNALS", "USER_NAMESPACES")
RULES = [
    # Array sizes and slice bounds: a float fails later.
    Rule(("NEIGHBOURS", "MAX_RESULTS", "LINEAR_ITEMS", "MAX_HIDDEN_PER_USER"), positive_int,
         "must be a positive integer", "recommendations.E002"),
    Rule(("CACHE_TIMEOUT", "POPULAR_WINDOW_DAYS", "CONTENT_FADE", "ERA_YEARS", "PRIOR_FADE"),
         positive_number,
         "must be positive", "recommendations.E002"),
    Rule(("ALPHA",), number_between(0, 1), "must be between 0 and 1", "recommendations.E003"),
    Rule(("L2",), positive_number, "must be positive", "recommendations.E002"),
    Rule(("DROPOUT",), number_between(0, 0.9), "must be between 0 and 0.9",
         "recommendations.E003"),
    Rule(("POPULARITY",), number_between(0, 2), "must be between 0 and 2",
         "recommendations.E003"),
    Rule(("PRIOR_WEIGHT",), number_between(0, 100), "must be between 0 and 100",
         "recommendations.E003"),
]  # fmt: skip


@register(Tags.compatibility)
def check_recommendations_settings(app_configs, **kwargs) -> list[CheckMessage]:
    messages = settings_messages(
        recommendations_settings,
        label="recommendations",
        rules=RULES,
        requires=["catalog", "favorites"],
        requires_id="recommendations.E004",
    )
    for name in SIGNAL_SETTINGS:
        paths = recommendations_settings.user_settings.get(name, [])
        if not isinstance(paths, list | tuple) or not all(isinstance(p, str) for p in paths):
            messages.append(
                Error(f"RECOMMENDATIONS['{name}'] must be a list of dotted paths.",
                      id="recommendations.E006")
            )  # fmt: skip
            continue
        for path in installed_paths(paths):
            if problem := import_problem(path):
                messages.append(
                    Error(f"RECOMMENDATIONS['{name}']: {problem}", id="recommendations.E006")
                )
    prior = recommendations_settings.PRIOR_FILE
    if prior and not prior_path(prior).is_file():
        messages.append(
            Error(
                f"RECOMMENDATIONS['PRIOR_FILE'] {prior!r} is not a file.",
                hint="Set it to a user_id,tmdb_id CSV (.csv or .csv.gz), or None for no prior.",
                id="recommendations.E005",
            )
        )
    return messages
