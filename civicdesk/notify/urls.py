from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.read_all, name="read_all"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
]
