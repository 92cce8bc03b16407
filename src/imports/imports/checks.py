from django.core.checks import CheckMessage, Tags, register

from core.checks import Rule, import_problem, positive_int, settings_messages
from core.conf import installed_paths
from imports.conf import imports_settings

KINDS = ("plays", "ratings", "watchlist", "favorites")


@register(Tags.compatibility)
def check_imports_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rules = [
        Rule(("MAX_UPLOAD_BYTES", "MAX_UNCOMPRESSED_BYTES", "MAX_ZIP_ENTRIES", "MAX_ROWS",
              "MAX_JSON_BYTES", "MAX_UNMATCHED_SHOWN",
              "MAX_PENDING_PER_USER", "STALE_REQUEUE_MINUTES", "STALE_FAIL_HOURS"),
             positive_int, "must be a positive integer", "imports.E002"),
        Rule(("TARGETS",), _targets,
             f"must map some of {', '.join(KINDS)} to the dotted path of a function",
             "imports.E002"),
    ]  # fmt: skip
    return settings_messages(
        imports_settings,
        label="imports",
        rules=rules,
        requires=["catalog"],
        requires_id="imports.E003",
    )


def _targets(value: object) -> bool:
    if not isinstance(value, dict) or set(value) - set(KINDS):
        return False
    paths = list(value.values())
    if not all(isinstance(path, str) for path in paths):
        return False
    return all(import_problem(path) is None for path in installed_paths(paths))
