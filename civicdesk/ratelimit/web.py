"""Rate limits for web views: a refused request gets a 429 page that says when to try again."""

import math
from functools import wraps

from django.shortcuts import render

from .limits import RateLimited, client_of, hit


def too_many(request, error):
    response = render(request, "429.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
    return response


def limited(scope, methods=("POST",)):
    """Counts the view's requests of these methods per client address against the `scope` limit."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                try:
                    hit(scope, client_of(request))
                except RateLimited as error:
                    return too_many(request, error)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
