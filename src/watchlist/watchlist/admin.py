from django.contrib import admin

from core.admin import UserMovieAdmin
from watchlist.models import WatchlistItem

admin.site.register(WatchlistItem, UserMovieAdmin)
