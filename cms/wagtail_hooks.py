"""Where Wagtail's admin would show one district's unpublished pages to
another district's officer (tests/marketplace/test_url_walk.py finds
them): closed here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

# The report names the last edited page of every page type, whoever may see
# it: a draft of any district. Only those who may publish (the province's
# reviewers, the platform) read it; officers publish through the review.
PageTypesUsageReportView.any_permission_required = ["publish"]


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page_to_move, destination):
    # Wagtail checks the move only when it is confirmed (POST); the
    # confirmation page itself would show any page's title to anyone.
    if not page_to_move.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_the_user_may_not_edit(pages, request):
    # The chooser (linking to a page) browses the whole tree; a page not yet
    # published is listed only to those who may edit or publish it.
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        request.user, ["change", "publish"]
    )
    return pages.filter(Q(live=True) | Q(pk__in=editable.values("pk")))
