from rest_framework.routers import SimpleRouter

from imports import views

app_name = "imports"

router = SimpleRouter()
router.register("imports", views.ImportViewSet, basename="import")

urlpatterns = router.urls
