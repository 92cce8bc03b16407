"""What the watchlist endpoints' schema says (``core.api.user_lists.user_list_schema``)."""

from core.api.user_lists import UserListTexts
from watchlist.services import ALREADY_ON_WATCHLIST

TEXTS = UserListTexts(
    noun="watchlist movie",
    list_name="the watchlist",
    already=ALREADY_ON_WATCHLIST,
    not_found="No such watchlist item of yours.",
)
