"""What the favorites endpoints' schema says (``core.api.user_lists.user_list_schema``)."""

from core.api.user_lists import UserListTexts
from favorites.services import ALREADY_FAVORITE

TEXTS = UserListTexts(
    noun="favorite movie",
    list_name="favorites",
    already=ALREADY_FAVORITE,
    not_found="No such favorite of yours.",
)
