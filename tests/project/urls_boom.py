from django.urls import path


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/boom/", boom)]
handler500 = "config.exceptions.json_server_error"
