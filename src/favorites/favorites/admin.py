from django.contrib import admin

from core.admin import UserMovieAdmin
from favorites.models import FavoriteMovie

admin.site.register(FavoriteMovie, UserMovieAdmin)
