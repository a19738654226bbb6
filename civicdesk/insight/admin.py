from django.contrib import admin

from .models import AssessmentWeights


@admin.register(AssessmentWeights)
class AssessmentWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "response", "resolution", "satisfaction", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AssessmentWeights.objects.exists()
