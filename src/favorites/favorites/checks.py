from django.core.checks import CheckMessage, Tags, register

from core.checks import Rule, positive_int, settings_messages
from favorites.conf import DEFAULTS, favorites_settings


@register(Tags.compatibility)
def check_favorites_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rule = Rule(tuple(DEFAULTS), positive_int, "must be a positive integer", "favorites.E002")
    return settings_messages(
        favorites_settings,
        label="favorites",
        rules=[rule],
        requires=["catalog"],
        requires_id="favorites.E003",
    )
