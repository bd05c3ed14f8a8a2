"""The roles of DESIGN.md, as Django groups.

Buyers need no group to shop (guest checkout is allowed); the group marks
registered buyers. Platform admins are also superusers.
"""

from django.utils.translation import gettext_lazy as _

BUYER = "Buyer"
COOPERATIVE_STAFF = "Cooperative staff"
TOURISM_OFFICER = "Tourism officer"
PROVINCE_OFFICER = "Province officer"
PLATFORM_ADMIN = "Platform admin"

ROLE_LABELS = {
    BUYER: _("Buyer"),
    COOPERATIVE_STAFF: _("Cooperative staff"),
    TOURISM_OFFICER: _("Tourism officer"),
    PROVINCE_OFFICER: _("Province officer"),
    PLATFORM_ADMIN: _("Platform admin"),
}

# Permissions each group holds, as (app_label, model, codename). Later features
# add theirs in their own migrations.
ROLE_PERMISSIONS = {
    BUYER: [],
    # Oscar's dashboard lets a partner's users in with this permission and
    # then shows them only their partner's products and orders; they never
    # get is_staff.
    COOPERATIVE_STAFF: [("partner", "partner", "dashboard_access")],
    TOURISM_OFFICER: [("wagtailadmin", "admin", "access_admin")],
    PROVINCE_OFFICER: [
        ("wagtailadmin", "admin", "access_admin"),
        ("cooperatives", "cooperative", "review_cooperative"),
        ("cooperatives", "pilotprogramme", "add_pilotprogramme"),
        ("cooperatives", "pilotprogramme", "change_pilotprogramme"),
        ("cooperatives", "pilotprogramme", "view_pilotprogramme"),
        ("reports", "target", "view_reports"),
        ("reports", "target", "add_target"),
        ("reports", "target", "change_target"),
        ("reports", "target", "view_target"),
    ],
    PLATFORM_ADMIN: [],
}
