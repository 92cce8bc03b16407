from django.core.checks import CheckMessage, Tags, register

from catalog.conf import catalog_settings
from core.checks import Rule, one_of, positive_int, settings_messages


@register(Tags.compatibility)
def check_catalog_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rules = [
        Rule(("CACHE_TIMEOUT", "DETAILS_RETRY_AFTER"), positive_int, "must be a positive integer",
             "catalog.E002"),
        Rule(("INCLUDE_ADULT",), one_of(True, False), "must be True or False", "catalog.E003"),
    ]  # fmt: skip
    return settings_messages(catalog_settings, label="catalog", rules=rules)
