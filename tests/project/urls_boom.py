from django.urls import path


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/boom/", boom)]
handler500 = "core.api.exceptions.json_server_error"
