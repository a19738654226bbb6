from django.contrib import admin

from .models import ContactHousehold, Household, Person, Visit


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


@admin.register(ContactHousehold)
class ContactHouseholdAdmin(admin.ModelAdmin):
    list_display = ("staff", "household", "every_days", "assigned_on")
    list_filter = ("household__area",)
    autocomplete_fields = ("household",)
