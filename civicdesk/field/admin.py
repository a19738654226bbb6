from django.contrib import admin

from .models import Household, Person, Visit


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("area", "address", "head", "phone")
    list_filter = ("area",)
    search_fields = ("address", "head")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "household", "phone")
    list_filter = ("area",)
    search_fields = ("name",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "area", "household", "visitor")
    list_filter = ("area",)
