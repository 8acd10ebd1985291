from django.urls import path

from . import views

app_name = "webmentions"

urlpatterns = [
    path("webmention/", views.endpoint, name="endpoint"),
    path("webmention/<uuid:key>/", views.status, name="status"),
]
