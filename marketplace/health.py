"""The load balancer's check that a web process answers."""

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
@transaction.non_atomic_requests
def liveness(request):
    # Nothing but the request cycle: a database or cache outage shows in the
    # pages' own errors, and must not take every node out of the balancer.
    return HttpResponse("ok", content_type="text/plain")
