from django.core.checks import CheckMessage, Tags, register

from catalog.conf import DEFAULTS, catalog_settings
from core.checks import Rule, positive_int, settings_messages


@register(Tags.compatibility)
def check_catalog_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rule = Rule(tuple(DEFAULTS), positive_int, "must be a positive integer", "catalog.E002")
    return settings_messages(catalog_settings, label="catalog", rules=[rule])
