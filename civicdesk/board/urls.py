from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/stats/", views.stats, name="stats"),
    path("board/feed/", views.ResultsFeed(), name="feed"),
    path("board/<str:number>/", views.board_case, name="case"),
]
