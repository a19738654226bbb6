"""`civicdesk worker`: runs background tasks and the periodic jobs (SLA sweep, notifications).

The task queue is the one TASKS names: the database (django_tasks_db, the embedded default) or Redis
through RQ (django_tasks_rq) when a deployment outgrows one machine. Start as many workers as needed, on
as many machines: each runs the periodic jobs too, and they never do the same piece of work twice."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicdesk.background import periodic


class Command(BaseCommand):
    help = "Runs background tasks and the periodic jobs (SLA sweep, notification delivery)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run each periodic job once and exit")
        parser.add_argument("--periodic-only", action="store_true", help="no task queue, only the jobs")
        parser.add_argument("--no-periodic", action="store_true", help="only the task queue")
        parser.add_argument("--burst", action="store_true", help="RQ: run the queued tasks, then exit")

    def handle(self, *args, once=False, periodic_only=False, no_periodic=False, burst=False, **options):
        if once:
            for name, result in periodic.run_once().items():
                self.stdout.write(f"{name}: {result}")
            return
        stop = None if no_periodic else periodic.start()
        try:
            if periodic_only:
                stop.wait()
            else:
                self.run_queue(burst)
        finally:
            if stop is not None:
                stop.set()

    def run_queue(self, burst=False):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_rq"):
            # RQ runs the tasks through django-tasks-rq's job class (it calls the Task, not a bare function).
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=burst)
        else:
            call_command("db_worker")
