from django.core.checks import CheckMessage, Error, Tags, register

from catalog.conf import catalog_settings
from catalog.services import LIST_SOURCES
from core.checks import (
    Rule,
    import_problem,
    one_of,
    positive_int,
    positive_number,
    settings_messages,
)
from core.conf import installed_paths


@register(Tags.compatibility)
def check_catalog_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rules = [
        Rule(("CACHE_TIMEOUT", "DETAILS_RETRY_AFTER", "DETAILS_BREAKER_SECONDS"), positive_int,
             "must be a positive integer", "catalog.E002"),
        Rule(("DETAILS_TIMEOUT",), positive_number, "must be a positive number", "catalog.E007"),
        Rule(("INCLUDE_ADULT", "LOAD_DEMO_CATALOG"), one_of(True, False), "must be True or False",
             "catalog.E003"),
        Rule(("FIRST_IMPORT_PAGES", "LISTS_SYNC_PAGES"), positive_int,
             "must be a positive integer", "catalog.E005"),
        Rule(("FIRST_IMPORT_SOURCES", "LISTS_SYNC_SOURCES"),
             lambda value: isinstance(value, list | tuple) and set(value) <= set(LIST_SOURCES),
             f"must be a list of {', '.join(sorted(LIST_SOURCES))}", "catalog.E006"),
    ]  # fmt: skip
    messages = settings_messages(catalog_settings, label="catalog", rules=rules)
    extras = catalog_settings.user_settings.get("DETAIL_EXTRAS", [])
    if not isinstance(extras, list | tuple) or not all(isinstance(p, str) for p in extras):
        return [*messages, Error("CATALOG['DETAIL_EXTRAS'] must be a list of dotted paths.",
                                 id="catalog.E004")]  # fmt: skip
    for path in installed_paths(extras):
        if problem := import_problem(path):
            messages.append(Error(f"CATALOG['DETAIL_EXTRAS']: {problem}", id="catalog.E004"))
    return messages
