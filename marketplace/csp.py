"""The Content-Security-Policy of each page (django-csp).

Every page gets settings.CONTENT_SECURITY_POLICY: scripts only from the site
itself and Stripe.js, never inline, never eval. The back office (Wagtail's
admin, Oscar's dashboard) gets the additions of
settings.CONTENT_SECURITY_POLICY_BACK_OFFICE on top: Wagtail's admin writes
inline scripts into its forms (date pickers, inline panels) and compiles
templates with `new Function`, and Oscar's dashboard starts each page with an
inline script; neither can be changed without forking them. Those pages are
only for signed-in staff, and the storefront, which anyone can reach and
which shows what cooperatives and visitors write, keeps the strict policy.
"""

import re

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def is_back_office(path: str) -> bool:
    back_office = settings.CONTENT_SECURITY_POLICY_BACK_OFFICE
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    prefixes = "|".join(re.escape(prefix.strip("/")) for prefix in back_office["PATH_PREFIXES"])
    # Oscar's dashboard sits under the language prefix (/en/shop/dashboard/).
    return re.match(rf"/(?:(?:{languages})/)?(?:{prefixes})/", path) is not None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the back office's additions."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and is_back_office(request.path_info):
            additions = settings.CONTENT_SECURITY_POLICY_BACK_OFFICE["DIRECTIVES"]
            update = dict(parts.update or {})
            for directive, sources in additions.items():
                update[directive] = [*sources, *update.get(directive, [])]
            parts.update = update
        return parts
