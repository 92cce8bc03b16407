from django.urls import path
from rest_framework.routers import SimpleRouter

from history import views

app_name = "history"

router = SimpleRouter()
router.register("history", views.HistoryViewSet, basename="play")

urlpatterns = [
    *router.urls,
    path(
        "me/export/letterboxd.csv",
        views.LetterboxdExportView.as_view(),
        name="letterboxd-export",
    ),
]
