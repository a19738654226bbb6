import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
application = get_wsgi_application()

# Each gunicorn worker imports this module before it accepts a connection, so it is ready when it does.
from civicdesk.warmup import warm  # noqa: E402

warm()
