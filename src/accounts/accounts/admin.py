from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined"]
    search_fields = ["username", "email"]
    add_fieldsets = (
        (None, {"classes": ["wide"], "fields": ["username", "email", "password1", "password2"]}),
    )
