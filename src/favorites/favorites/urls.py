from rest_framework.routers import SimpleRouter

from favorites import views

app_name = "favorites"

router = SimpleRouter()
router.register("favorite-movies", views.FavoriteMovieViewSet, basename="favorite-movie")

urlpatterns = router.urls
