from django.core.checks import CheckMessage, Error, Tags, register

from core.checks import Rule, number_between, positive_int, settings_messages
from ratings.conf import ratings_settings


@register(Tags.compatibility)
def check_ratings_settings(app_configs, **kwargs) -> list[CheckMessage]:
    rules = [
        Rule(("CACHE_TIMEOUT",), positive_int, "must be a positive integer", "ratings.E002"),
        Rule(("LIKED_AT", "DISLIKED_AT"), number_between(0.5, 10), "must be from 0.5 to 10",
             "ratings.E002"),
    ]  # fmt: skip
    messages = settings_messages(
        ratings_settings, label="ratings", rules=rules, requires=["catalog"],
        requires_id="ratings.E003",
    )  # fmt: skip
    if not messages and ratings_settings.DISLIKED_AT >= ratings_settings.LIKED_AT:
        messages.append(Error("RATINGS['DISLIKED_AT'] must be below LIKED_AT.", id="ratings.E004"))
    return messages
