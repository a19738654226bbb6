"""The `civicdesk` console command: Django's manage.py with a few friendly names.

civicdesk serve [addr:port]   run the web server (prints the demo accounts when demo data is loaded)
civicdesk demo [--if-empty]   build the demo city and its cases
civicdesk worker              run background tasks and the periodic jobs (SLA sweep, notifications)
civicdesk sla_sweep           mark cases approaching or past their deadlines
civicdesk <any manage.py command>
"""

import os
import sys

ALIASES = {}


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
