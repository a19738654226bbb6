"""The application's URLs plus `bench/bare`: a Django view that inserts one row and answers like Open311,
the yardstick the intake path is measured against."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (body, created_at) VALUES (%s, %s)",
            [request.POST.get("description", ""), timezone.now()],
        )
        row_id = cursor.lastrowid if connection.vendor == "sqlite" else None
        if row_id is None:
            cursor.execute("SELECT lastval()")
            row_id = cursor.fetchone()[0]
    return JsonResponse([{"service_request_id": str(row_id)}], safe=False, status=201)


urlpatterns = [path("bench/bare", bare_insert), path("", include("civicdesk.urls"))]
