from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessment/", views.ranking, name="ranking"),
    path("hotspots/", views.hotspot_list, name="hotspots"),
    path("hotspots/task/", views.hotspot_task, name="hotspot_task"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
]
