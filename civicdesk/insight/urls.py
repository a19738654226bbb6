from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("assessment/", views.ranking, name="ranking"),
    path("hotspots/", views.hotspot_list, name="hotspots"),
]
