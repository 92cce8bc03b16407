from rest_framework.routers import SimpleRouter

from watchlist import views

app_name = "watchlist"

router = SimpleRouter()
router.register("watchlist", views.WatchlistViewSet, basename="watchlist-item")

urlpatterns = router.urls
