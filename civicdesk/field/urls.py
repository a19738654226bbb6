from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("field/", views.field_home, name="home"),
    path("field/visits/new/", views.visit_new, name="visit_new"),
    path("field/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("field/areas/<int:pk>/", views.area_ledger, name="area"),
    path("field/households/<int:pk>/", views.household_ledger, name="household"),
]
