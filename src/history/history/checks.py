from django.core.checks import CheckMessage, Tags, register

from core.checks import Rule, import_problem, number_between, positive_int, settings_messages
from core.conf import installed_paths
from history.conf import history_settings


@register(Tags.compatibility)
def check_history_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rules = [
        Rule(("CACHE_TIMEOUT", "MAX_PER_USER"), positive_int, "must be a positive integer",
             "history.E002"),
        Rule(("SIGNAL_WEIGHT",), number_between(0, 1), "must be a number from 0 to 1",
             "history.E002"),
        Rule(("RATINGS",), _ratings_path, "must be None or the dotted path of a function",
             "history.E002"),
    ]  # fmt: skip
    return settings_messages(
        history_settings,
        label="history",
        rules=rules,
        requires=["catalog"],
        requires_id="history.E003",
    )


def _ratings_path(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    return not installed_paths([value]) or import_problem(value) is None
