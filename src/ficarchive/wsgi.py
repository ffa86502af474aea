"""WSGI entry point for production servers (gunicorn ficarchive.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficarchive.settings")
application = get_wsgi_application()
