from django.core.checks import CheckMessage, Tags, register

from core.checks import Rule, positive_int, settings_messages
from watchlist.conf import DEFAULTS, watchlist_settings


@register(Tags.compatibility)
def check_watchlist_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rule = Rule(tuple(DEFAULTS), positive_int, "must be a positive integer", "watchlist.E002")
    return settings_messages(
        watchlist_settings,
        label="watchlist",
        rules=[rule],
        requires=["catalog"],
        requires_id="watchlist.E003",
    )
