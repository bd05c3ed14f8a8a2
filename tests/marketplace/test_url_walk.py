"""Every back-office URL, as every role: who gets in, who is kept out, and
that no one ever gets a 500 or another owner's data.

The walk reads Django's URL resolver, so a URL added later is walked too: a
URL under one of ``BACK_OFFICES`` must have its arguments in ``FILL`` (or,
for Django's admin, an object of its model in the world), or be listed in
``NOT_WALKED`` with a reason, or ``test_every_back_office_url_is_walked``
fails and names it. Each URL with an owner's object is walked once with
each owner's object (cooperative A and B, district Na Hang and Hàm Yên), so
a role must pass on its own and fail on the other.

What each role may do is the table ``EXPECTATIONS``: one row per group of
URLs, one column per role, to be read against DESIGN.md's roles. A URL in
no group (``GROUP_OF``) fails ``test_every_back_office_url_has_an_expectation``,
so a new tool cannot ship without its row. The walk uses GET only; a few
changes are POSTed at the end, refused without effect.

Runs in about a minute and a half on SQLite after the migrations (the world
is built once for the module).
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from reports import exports

from .url_walk_data import SECRETS, url_walk_world

# Every back office, and the signed-in user's own security and privacy pages.
BACK_OFFICES = (
    "shop/dashboard/",
    "cms/",
    "django-admin/",
    "reports/",
    "cooperatives/review/",
    "shop/accounts/privacy/",
    "accounts/2fa/",
)

ROLES = ("anonymous", "buyer", "staff_a", "staff_b", "officer_x", "officer_y", "province", "admin")
# Whose objects each role's own: cooperative A and B, district Na Hang (x)
# and Hàm Yên (y).
OWNER_OF_ROLE = {"staff_a": "a", "staff_b": "b", "officer_x": "x", "officer_y": "y"}
# Whose secrets a role may read: its own; the province and the platform
# read everyone's.
MAY_READ = {
    **{role: set() for role in ROLES},
    **{role: {owner} for role, owner in OWNER_OF_ROLE.items()},
    "province": set(SECRETS),
    "admin": set(SECRETS),
}


# --- The resolver's URLs ----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route spells it
    name: str | None
    callback: object

    @property
    def key(self) -> str:
        """The name, or the route for Django admin's unnamed patterns."""
        return self.name or self.route


def _join(route1, route2):
    # As django.urls.resolvers.URLResolver._join_route.
    return route2 if not route1 else route1 + route2.removeprefix("^")


def _walk(patterns, route="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, _join(route, str(pattern.pattern)), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Pattern(_join(route, str(pattern.pattern)), name, pattern.callback)


def back_office_patterns() -> list[Pattern]:
    return [p for p in _walk(get_resolver().url_patterns) if p.route.lstrip("^").startswith(BACK_OFFICES)]


_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def arguments(route) -> set[str]:
    return {a or b for a, b in _ARGUMENT.findall(route)}


def concrete(route, kwargs) -> str:
    """The path of ``route`` with ``kwargs`` put in."""
    path = _ARGUMENT.sub(lambda m: str(kwargs[m.group(1) or m.group(2)]), route)
    return "/" + path.lstrip("^").removesuffix("$").replace("\\.", ".").replace("\\", "")


# --- Arguments, from the world ----------------------------------------------------
#
# Each entry gives a pattern's variants: (arguments, owner), owner being
# whose object the URL is about ("a"/"b" cooperatives, "x"/"y" districts) or
# None. A str instead of arguments is the whole path (catch-all patterns).


def per_cooperative(**arguments_of):
    """One variant with each cooperative's object: ``pk="lot"`` means the pk
    of ``lot_a`` and of ``lot_b``."""

    def variants(w):
        return [
            ({name: _lookup(w, key, owner) for name, key in arguments_of.items()}, owner)
            for owner in ("a", "b")
        ]

    return variants


def per_district(**arguments_of):
    def variants(w):
        return [
            ({name: _lookup(w, key, owner) for name, key in arguments_of.items()}, owner)
            for owner in ("x", "y")
        ]

    return variants


def _value(obj):
    return getattr(obj, "pk", obj)


def _lookup(w, key, owner):
    """``key`` of ``owner`` in the world: its pk, or for "order.number" the
    attribute named."""
    key, _, attribute = key.partition(".")
    found = w[f"{key}_{owner}"]
    return getattr(found, attribute) if attribute else _value(found)


def fixed(**arguments_of):
    """One variant, no owner: each argument a world key (its pk) or, as a
    one-element tuple, a literal."""
    return lambda w: [
        ({n: v[0] if isinstance(v, tuple) else _value(w[v]) for n, v in arguments_of.items()}, None)
    ]


def path(literal):
    return lambda w: [(literal, None)]


def _bulk_actions(w):
    """Every registered bulk action, over an object of each district."""
    bulk_action_registry._scan_for_bulk_actions()
    variants = []
    objects = {("wagtailcore", "page"): "draft", ("wagtailimages", "image"): "image",
               ("wagtaildocs", "document"): "wagtail_document"}  # fmt: skip
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            for action in actions:
                kwargs = {"app_label": app_label, "model_name": model_name, "action": action}
                key = objects.get((app_label, model_name))
                if key is None:  # users: the other district's officer
                    variants += [((kwargs, f"?id={w['officer_' + owner].pk}"), owner) for owner in ("x", "y")]
                else:
                    variants += [((kwargs, f"?id={w[f'{key}_{owner}'].pk}"), owner) for owner in ("x", "y")]
    return variants


def _admin_api_actions(w):
    from wagtail.admin.api.views import PagesAdminAPIViewSet

    return [
        ({"pk": w[f"draft_{owner}"].pk, "action_name": name}, owner)
        for name in sorted(PagesAdminAPIViewSet.actions)
        for owner in ("x", "y")
    ]


def _report_exports(kind, tables):
    def variants(w):
        subjects = (
            [(w["units"]["province"].pk, None), (w["units"]["072"].pk, None), (w["units"]["02395"].pk, None)]
            if kind == "unit"
            else [(w["coop_a"].pk, "a"), (w["coop_b"].pk, "b")]
        )
        return [
            ({"pk": pk, "table": table, "file_format": file_format}, owner)
            for pk, owner in subjects
            for table in tables
            for file_format in exports.FILE_FORMATS
        ]

    return variants


def _editing_session_ping(w):
    return [
        (
            {"app_label": "cms", "model_name": "destinationpage", "object_id": w[f"draft_{o}"].pk,
             "session_id": w[f"editing_session_{o}"].pk},
            o,
        )
        for o in ("x", "y")
    ]  # fmt: skip


def _password_reset_confirm(w):
    user = w["officer_x"]
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return [({"uidb64": uidb64, "token": default_token_generator.make_token(user)}, None)]


def _view_on_site(w):
    product_type = ContentType.objects.get_for_model(w["product_a"])
    return [({"content_type_id": product_type.pk, "object_id": w["product_a"].pk}, None)]


PAGE = per_district(page_id="draft")
FILL = {
    # Oscar's dashboard (platform staff; cooperatives only its index).
    "dashboard:catalogue-product": per_cooperative(pk="product"),
    "dashboard:catalogue-product-delete": per_cooperative(pk="product"),
    "dashboard:catalogue-product-create": lambda w: [
        ({"product_class_slug": w["product_a"].get_product_class().slug}, None)
    ],
    "dashboard:catalogue-product-create-child": per_cooperative(parent_pk="product"),
    "dashboard:catalogue-category-detail-list": fixed(pk="category"),
    "dashboard:catalogue-category-create-child": fixed(parent="category"),
    "dashboard:catalogue-category-update": fixed(pk="category"),
    "dashboard:catalogue-category-delete": fixed(pk="category"),
    "dashboard:catalogue-class-update": lambda w: [({"pk": w["product_a"].get_product_class().pk}, None)],
    "dashboard:catalogue-class-delete": lambda w: [({"pk": w["product_a"].get_product_class().pk}, None)],
    "dashboard:catalogue-attribute-option-group-update": fixed(pk="option_group"),
    "dashboard:catalogue-attribute-option-group-delete": fixed(pk="option_group"),
    "dashboard:catalogue-option-update": fixed(pk="option"),
    "dashboard:catalogue-option-delete": fixed(pk="option"),
    "dashboard:order-detail": per_cooperative(number="order.number"),
    "dashboard:order-detail-note": lambda w: [
        ({"number": w[f"order_{o}"].number, "note_id": w[f"note_{o}"].pk}, o) for o in ("a", "b")
    ],
    "dashboard:order-line-detail": lambda w: [
        ({"number": w[f"order_{o}"].number, "line_id": w[f"line_{o}"].pk}, o) for o in ("a", "b")
    ],
    "dashboard:order-shipping-address": per_cooperative(number="order.number"),
    "dashboard:user-detail": per_cooperative(pk="staff"),
    "dashboard:user-password-reset": per_cooperative(pk="staff"),
    "dashboard:user-alert-delete": fixed(pk="alert"),
    "dashboard:user-alert-update": fixed(pk="alert"),
    "dashboard:page-update": fixed(pk="flatpage"),
    "dashboard:page-delete": fixed(pk="flatpage"),
    "dashboard:partner-manage": lambda w: [({"pk": w[f"coop_{o}"].partner_id}, o) for o in ("a", "b")],
    "dashboard:partner-delete": lambda w: [({"pk": w[f"coop_{o}"].partner_id}, o) for o in ("a", "b")],
    "dashboard:partner-user-create": lambda w: [({"partner_pk": w[f"coop_{o}"].partner_id}, o) for o in "ab"],
    "dashboard:partner-user-select": lambda w: [({"partner_pk": w[f"coop_{o}"].partner_id}, o) for o in "ab"],
    **{
        f"dashboard:partner-user-{action}": (
            lambda w: [
                ({"partner_pk": w[f"coop_{o}"].partner_id, "user_pk": w[f"staff_{o}"].pk}, o) for o in "ab"
            ]
        )
        for action in ("link", "unlink", "update")
    },
    **{
        f"dashboard:offer-{step}": fixed(pk="offer")
        for step in ("metadata", "condition", "benefit", "restrictions", "delete", "detail")
    },
    **{
        f"dashboard:range-{action}": fixed(pk="range")
        for action in ("update", "delete", "products", "reorder")
    },
    "dashboard:reviews-update": fixed(pk="review"),
    "dashboard:reviews-delete": fixed(pk="review"),
    **{f"dashboard:voucher-{action}": fixed(pk="voucher") for action in ("update", "delete", "stats")},
    **{
        f"dashboard:voucher-set-{action}": fixed(pk="voucher_set")
        for action in ("update", "detail", "download", "delete")
    },
    "dashboard:comms-update": lambda w: [({"slug": w["comms"].code}, None)],
    **{
        f"dashboard:shipping-method-{action}": fixed(pk="shipping_method")
        for action in ("detail", "edit", "delete")
    },
    "dashboard:shipping-method-band-edit": fixed(method_pk="shipping_method", pk="shipping_band"),
    "dashboard:shipping-method-band-delete": fixed(method_pk="shipping_method", pk="shipping_band"),
    # The cooperatives' own tools.
    "cooperative-dashboard:area-update": per_cooperative(pk="area"),
    "cooperative-dashboard:area-delete": per_cooperative(pk="area"),
    "cooperative-dashboard:certification-create": per_cooperative(area_pk="area"),
    "cooperative-dashboard:certification-delete": per_cooperative(pk="certification"),
    "cooperative-dashboard:linkage-model-update": per_cooperative(pk="linkage"),
    "cooperative-catalog:product-update": per_cooperative(pk="product"),
    **{
        f"cooperative-catalog:{name}": per_cooperative(pk="lot")
        for name in ("lot-detail", "lot-event-create", "lot-recall", "lot-label", "lot-label-sheet")
    },
    "cooperative-orders:group-detail": per_cooperative(pk="group"),
    # The platform's ledger.
    "ledger:settle": lambda w: [({"pk": w[f"coop_{o}"].partner.ledger_account.pk}, o) for o in ("a", "b")],
    "ledger:order-refund": per_cooperative(number="order.number"),
    # The province's review of cooperatives and lots.
    **{
        f"cooperatives:review-{action}": per_cooperative(pk="coop")
        for action in ("detail", "approve", "reject", "suspend")
    },
    "cooperatives:review-document": per_cooperative(pk="document"),
    "lot-review:recall": per_cooperative(pk="lot"),
    # The province's reports and their exports.
    "reports:unit": lambda w: [({"pk": w["units"][code].pk}, None) for code in ("province", "072", "02395")],
    "reports:unit-products": lambda w: [({"pk": w["units"][code].pk}, None) for code in ("province", "074")],
    "reports:unit-pdf": lambda w: [({"pk": w["units"][code].pk}, None) for code in ("province", "072")],
    "reports:cooperative": per_cooperative(pk="coop"),
    "reports:target-edit": lambda w: [({"pk": w["target"].pk}, None)],
    "reports:unit-export": _report_exports("unit", exports.TABLES),
    "reports:cooperative-export": _report_exports("cooperative", exports.COOPERATIVE_TABLES),
    # Wagtail's admin: pages of each district (the officer's draft) ...
    **{
        f"wagtailadmin_pages:{name}": PAGE
        for name in (
            "usage",
            "edit",
            "preview_on_edit",
            "view_draft",
            "delete",
            "unpublish",
            "copy",
            "set_privacy",
            "lock",
            "unlock",
            "revisions_index",
            "workflow_history",
            "history",
            "history_results",
        )
    },  # fmt: skip
    "wagtailadmin_pages:confirm_workflow_cancellation": per_district(page_id="review"),
    "wagtailadmin_pages:convert_alias": per_district(page_id="alias"),
    "wagtailadmin_explore": per_district(parent_page_id="section"),
    "wagtailadmin_explore_results": per_district(parent_page_id="section"),
    "wagtailadmin_pages:add_subpage": per_district(parent_page_id="section"),
    "wagtailadmin_pages:add": lambda w: [
        (
            {
                "content_type_app_name": "cms",
                "content_type_model_name": "destinationpage",
                "parent_page_id": w[f"section_{o}"].pk,
            },
            o,
        )
        for o in ("x", "y")
    ],  # fmt: skip
    "wagtailadmin_pages:preview_on_add": lambda w: [
        (
            {
                "content_type_app_name": "cms",
                "content_type_model_name": "destinationpage",
                "parent_page_id": w[f"section_{o}"].pk,
            },
            o,
        )
        for o in ("x", "y")
    ],  # fmt: skip
    "wagtailadmin_pages:type_use": fixed(
        content_type_app_name=("cms",), content_type_model_name=("destinationpage",)
    ),
    "wagtailadmin_pages:type_use_results": fixed(
        content_type_app_name=("cms",), content_type_model_name=("destinationpage",)
    ),
    "wagtailadmin_pages:choose_parent": fixed(app_label=("cms",), model_name=("destinationpage",)),
    "wagtailadmin_pages:move": per_district(page_to_move_id="draft"),
    "wagtailadmin_pages:set_page_position": per_district(page_to_move_id="draft"),
    "wagtailadmin_pages:move_confirm": per_district(page_to_move_id="draft", destination_id="section"),
    **{
        f"wagtailadmin_pages:{name}": lambda w, name=name: [
            (
                {
                    "page_id": w[f"review_{o}"].pk,
                    "action_name": action,
                    "task_state_id": w[f"task_state_{o}"].pk,
                },
                o,
            )
            for o in ("x", "y")
            for action in ("approve", "reject")
        ]
        for name in ("workflow_action", "collect_workflow_action_data")
    },  # fmt: skip
    "wagtailadmin_pages:workflow_preview": lambda w: [
        ({"page_id": w[f"review_{o}"].pk, "task_id": w["task"].pk}, o) for o in ("x", "y")
    ],
    "wagtailadmin_pages:workflow_history_detail": lambda w: [
        ({"page_id": w[f"review_{o}"].pk, "workflow_state_id": w[f"workflow_state_{o}"].pk}, o)
        for o in ("x", "y")
    ],
    **{
        f"wagtailadmin_pages:revisions_{name}": per_district(page_id="draft", revision_id="revision")
        for name in ("view", "revert", "unschedule")
    },
    "wagtailadmin_pages:revisions_compare": lambda w: [
        ({"pk": w[f"draft_{o}"].pk, "revision_id_a": "earliest", "revision_id_b": "latest"}, o)
        for o in ("x", "y")
    ],
    "simple_translation:submit_page_translation": PAGE,
    "wagtailadmin_choose_page_child": per_district(parent_page_id="section"),
    "wagtailadmin_api:pages:detail": per_district(pk="draft"),
    **{
        f"wagtailadmin_api:{api}:find": lambda w, key=key: [
            (({}, f"?id={w[f'{key}_{o}'].pk}"), o) for o in "xy"
        ]
        for api, key in (("pages", "draft"), ("images", "image"), ("documents", "wagtail_document"))
    },
    "wagtailadmin_api:pages:action": _admin_api_actions,
    "wagtailadmin_api:images:detail": per_district(pk="image"),
    "wagtailadmin_api:documents:detail": per_district(pk="wagtail_document"),
    "wagtail_bulk_action": _bulk_actions,
    # ... images and documents each district's officer uploaded ...
    **{
        f"wagtailimages:{name}": per_district(image_id="image")
        for name in (
            "edit",
            "delete",
            "url_generator",
            "url_generator_output",
            "image_usage",
            "edit_multiple",
            "delete_multiple",
        )
    },  # fmt: skip
    "wagtailimages:preview": lambda w: [
        ({"image_id": w[f"image_{o}"].pk, "filter_spec": "fill-40x40"}, o) for o in ("x", "y")
    ],  # fmt: skip
    "wagtailimages:create_multiple_from_uploaded_image": per_district(uploaded_file_id="uploaded_image"),
    "wagtailimages:delete_upload_multiple": per_district(uploaded_file_id="uploaded_image"),
    "wagtailimages_chooser:chosen": per_district(pk="image"),
    "wagtailimages_chooser:select_format": per_district(image_id="image"),
    **{
        f"wagtaildocs:{name}": per_district(document_id="wagtail_document")
        for name in ("edit", "delete", "document_usage")
    },
    "wagtaildocs:edit_multiple": per_district(doc_id="wagtail_document"),
    "wagtaildocs:delete_multiple": per_district(doc_id="wagtail_document"),
    "wagtaildocs:create_multiple_from_uploaded_document": per_district(uploaded_file_id="uploaded_document"),
    "wagtaildocs:delete_upload_multiple": per_district(uploaded_file_id="uploaded_document"),
    "wagtaildocs_chooser:chosen": per_district(pk="wagtail_document"),
    "wagtailadmin_editing_sessions:ping": _editing_session_ping,
    "wagtailadmin_editing_sessions:release": per_district(session_id="editing_session"),
    # ... and the platform's settings.
    "wagtailadmin_collections:edit": fixed(pk="collection"),
    "wagtailadmin_collections:delete": fixed(pk="collection"),
    "wagtailadmin_collections:set_privacy": fixed(collection_id="collection"),
    **{
        f"wagtailadmin_workflows:{name}": fixed(pk="workflow")
        for name in ("enable", "disable", "edit", "usage", "usage_results")
    },
    "wagtailadmin_workflows:remove": lambda w: [
        ({"page_pk": w["site"].home.pk}, None),
        ({"page_pk": w["site"].home.pk, "workflow_pk": w["workflow"].pk}, None),
    ],
    "wagtailadmin_workflows:add_task": fixed(app_label=("wagtailcore",), model_name=("groupapprovaltask",)),
    **{
        f"wagtailadmin_workflows:{name}": fixed(pk="task")
        for name in ("edit_task", "disable_task", "enable_task")
    },
    "wagtailadmin_workflows:task_chosen": fixed(task_id="task"),
    "wagtailredirects:edit": fixed(redirect_id="redirect"),
    "wagtailredirects:delete": fixed(redirect_id="redirect"),
    **{
        f"wagtaillocales:{name}": fixed(pk="locale")
        for name in ("edit", "delete", "history", "history_results", "usage")
    },
    **{
        f"wagtailsites:{name}": fixed(pk="wagtail_site")
        for name in ("edit", "delete", "history", "history_results", "usage", "copy")
    },
    **{
        f"wagtailusers_users:{name}": per_district(pk="officer")
        for name in ("edit", "delete", "history", "history_results", "usage", "copy")
    },
    **{
        f"wagtailusers_groups:{name}": fixed(pk="group_y")
        for name in ("edit", "delete", "history", "history_results", "usage")
    },
    "wagtailadmin_tag_model_autocomplete": fixed(app_name=("taggit",), model_name=("tag",)),
    "wagtailadmin_password_reset_confirm": _password_reset_confirm,
    r"cms/.*/$": path("/cms/khong-co-trang-nay/"),
    # Django's admin, the pieces that are no model's object page.
    "admin:view_on_site": _view_on_site,
    "admin:otp_totp_totpdevice_config": fixed(pk="totp_device"),
    "admin:otp_totp_totpdevice_qrcode": fixed(pk="totp_device"),
    "audit:event-detail": fixed(pk="audit_event"),
    "admin:auth_user_password_change": lambda w: [({"id": w["staff_b"].pk}, None)],
    r"django-admin/(?P<url>.*)$": path("/django-admin/khong-co-trang-nay/"),
}

# Patterns the walk does not request, each with the reason.
NOT_WALKED = {
    # Raises on purpose, to show Wagtail's 500 page; it is behind the CMS
    # login like every other /cms/ URL, which the walk checks everywhere.
    "wagtailadmin_error_test": "deliberately raises an exception to test the error page",
    # Snippets: no model of the project is registered as a snippet, so the
    # route has no app_label/model_name/pk to fill.
    "simple_translation:submit_snippet_translation": "no snippet model is registered",
}


# Django's admin: every model page gets the pk of an object of its model.
_ADMIN_OBJECT_ROUTE = re.compile(r"^django-admin/(\w+)/(\w+)/<path:object_id>/")


def _admin_object(pattern, w):
    match = _ADMIN_OBJECT_ROUTE.match(pattern.route.lstrip("^"))
    model = apps.get_model(match.group(1), match.group(2))
    first = model._default_manager.order_by("pk").first()
    # No object of the model: a pk of none, which Django's admin answers
    # its staff with a redirect to the model's list, anyone else with its
    # sign-in page (the walk is about the latter).
    return [({"object_id": first.pk if first is not None else 987654}, None)]


def _admin_app_lists(pattern, w):
    labels = re.search(r"\(\?P<app_label>([\w|]+)\)", pattern.route).group(1).split("|")
    return [(f"/django-admin/{label}/", None) for label in labels]


def variants(pattern, w) -> list[tuple[str, str | None]]:
    """The concrete URLs (path, owner) to walk for ``pattern``; [] when the
    walk cannot fill its arguments."""
    filler = FILL.get(pattern.key)
    if filler is not None:
        found = filler(w)
    elif not arguments(pattern.route):
        found = [({}, None)]
    elif _ADMIN_OBJECT_ROUTE.match(pattern.route.lstrip("^")):
        found = _admin_object(pattern, w)
    elif pattern.name == "admin:app_list":
        found = _admin_app_lists(pattern, w)
    else:
        found = []
    urls = []
    for kwargs, owner in found:
        query = ""
        if isinstance(kwargs, tuple):
            kwargs, query = kwargs
        if isinstance(kwargs, dict) and set(kwargs) != arguments(pattern.route):
            continue  # another pattern of the same name (e.g. with and without a pk)
        urls.append(((kwargs if isinstance(kwargs, str) else concrete(pattern.route, kwargs)) + query, owner))
    if not urls and not arguments(pattern.route):
        # A name FILL gives arguments for, used by a second pattern with none.
        urls.append((concrete(pattern.route, {}), None))
    return urls


# --- What each role may do: the table -------------------------------------------------
#
# DESIGN.md, "Roles": buyers (any visitor) have no back office; cooperative
# staff see and change only their own cooperative's things; tourism
# officers edit their district's destination pages in Wagtail, publishing
# through the review workflow; province officers read the reports and
# approve cooperatives; the platform admin (a superuser) has everything but
# the cooperatives' own tools, which act for one cooperative.
#
# Outcomes, judged by ``judge()``:
#   allow    200 (405 for a sign-out that wants POST), or a redirect that
#            is not to a sign-in page
#   refuse   400, 403, 404, 405, or a redirect to a sign-in page or to the
#            home of Wagtail's or Oscar's dashboard (``REFUSAL_PAGES``); for
#            anonymous visitors always the redirect to a sign-in page
#   own      allow with the role's own cooperative's or district's objects,
#            refuse with the other's
#   may      the tool's own finer rules decide (Wagtail's page permissions:
#            an officer edits a draft but may not publish it), so only a
#            500, a redirect to sign in or another owner's secret fails
#   own-may  may with the own district's objects, refuse with the other's
#   open     anything but a 500 (sign-in and sign-out pages, which may send
#            anyone to sign in)

ALLOW, REFUSE, OWN, MAY, OWN_MAY, OPEN = "allow", "refuse", "own", "may", "own-may", "open"

EXPECTATIONS = """
group          anonymous buyer  staff_a staff_b officer_x officer_y province admin
sign-in        open      open   open    open    open      open      open     open
closed         refuse    refuse refuse  refuse  refuse    refuse    refuse   refuse
oscar-index    refuse    refuse allow   allow   refuse    refuse    refuse   allow
oscar          refuse    refuse refuse  refuse  refuse    refuse    refuse   allow
cooperative    refuse    refuse own     own     refuse    refuse    refuse   refuse
ledger         refuse    refuse refuse  refuse  refuse    refuse    refuse   allow
audit          refuse    refuse refuse  refuse  refuse    refuse    refuse   allow
review         refuse    refuse refuse  refuse  refuse    refuse    allow    allow
reports        refuse    refuse refuse  refuse  refuse    refuse    allow    allow
cms-settings   refuse    refuse refuse  refuse  refuse    refuse    refuse   allow
cms-publishers refuse    refuse refuse  refuse  refuse    refuse    may      allow
cms-shared     refuse    refuse refuse  refuse  may       may       may      allow
cms            refuse    refuse refuse  refuse  own-may   own-may   may      allow
django-admin   refuse    refuse refuse  refuse  refuse    refuse    refuse   allow
privacy        refuse    allow  allow   allow   allow     allow     allow    allow
twofactor      refuse    allow  allow   allow   allow     allow     allow    allow
"""


def _parse(table):
    header, *rows = (line.split() for line in table.strip().splitlines())
    assert tuple(header[1:]) == ROLES, header
    return {row[0]: dict(zip(ROLES, row[1:], strict=True)) for row in rows}


EXPECTED = _parse(EXPECTATIONS)

# Which group a URL is in: the first whose test matches its name (or, for
# "cms" and "django-admin", its path). A URL in no group fails
# ``test_every_back_office_url_has_an_expectation``, so a new tool under
# /shop/dashboard/ must be given its row before it can ship.

# Sign-in and sign-out pages, and assets of the admins' pages (no data).
SIGN_IN_PAGES = {
    "admin:login", "admin:logout", "dashboard:login", "dashboard:logout", "wagtailadmin_login",
    "wagtailadmin_logout", "wagtailadmin_password_reset", "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm", "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite", "wagtailadmin_javascript_catalog", "admin:javascript-catalog",
}  # fmt: skip

# Closed to every role, the platform admin too, each for its reason.
CLOSED = {
    r"cms/.*/$": "Wagtail's admin has no such page",
    r"django-admin/(?P<url>.*)$": "Django's admin has no such page",
    "wagtailimages:url_generator": "no dynamic image serve view is mounted",
    "wagtailimages:url_generator_output": "no dynamic image serve view is mounted",
    "wagtailadmin_block_preview": "previews a block named in the query; the walk names none",
    "admin:autocomplete": "answers a model's autocomplete field named in the query; the walk names none",
    "django-admin/catalogue/category/move/": "django-treebeard moves a category on POST only",
    # Written only by the code, never added by hand.
    "admin:audit_auditevent_add": "the audit trail is written by the code",
    "admin:audit_auditevent_delete": "the audit trail is never deleted",
    "admin:reports_indicatorsnapshot_add": "snapshots are taken by the nightly task",
    "admin:axes_accessattempt_add": "django-axes writes its own records",
    "admin:axes_accesslog_add": "django-axes writes its own records",
    "admin:axes_accessfailurelog_add": "django-axes writes its own records",
}

CMS_PLATFORM_SETTINGS = ("wagtailusers_users:", "wagtailusers_groups:", "wagtailsites:", "wagtaillocales:",
                         "wagtailadmin_workflows:", "wagtailadmin_collections:",
                         "wagtailredirects:")  # fmt: skip
# Choosing a workflow's task (a name, no content) is open to every editor.
CMS_TASK_CHOOSER = ("wagtailadmin_workflows:task_chooser", "wagtailadmin_workflows:task_chosen")
# The report of page types names the last edited page of each type, drafts
# of every district included: for those who publish (cms/wagtail_hooks.py).
CMS_FOR_PUBLISHERS = ("wagtailadmin_reports:page_types_usage",)
# Wagtail shares the page tree and the image and document library among
# its editors: an officer browses the other district's section and picks
# any image, but sees none of its drafts (``leaked``), and opens none of
# its pages or uploads to change them. The bulk actions' confirmations
# list what one may not act on without naming it (templates/wagtailadmin);
# the question before publishing a page in review tells only that a
# workflow is under way.
CMS_SHARED = {
    "wagtailadmin_explore", "wagtailadmin_explore_results", "wagtailadmin_choose_page_child",
    "wagtail_bulk_action", "wagtailimages_chooser:chosen", "wagtailimages_chooser:select_format",
    "wagtaildocs_chooser:chosen", "wagtailadmin_api:images:detail", "wagtailadmin_api:documents:detail",
    "wagtailadmin_pages:confirm_workflow_cancellation",
    # These send on to the image's or document's detail, above.
    "wagtailadmin_api:images:find", "wagtailadmin_api:documents:find",
}  # fmt: skip

COOPERATIVE_TOOLS = ("cooperative-dashboard:", "cooperative-catalog:", "cooperative-ledger:",
                     "cooperative-shipping:", "cooperative-orders:")  # fmt: skip

GROUP_OF = [
    ("sign-in", lambda name, route: name in SIGN_IN_PAGES),
    ("closed", lambda name, route: name in CLOSED or route in CLOSED),
    ("oscar-index", lambda name, route: name == "dashboard:index"),
    ("oscar", lambda name, route: name.startswith("dashboard:")),
    ("cooperative", lambda name, route: name.startswith(COOPERATIVE_TOOLS)),
    ("ledger", lambda name, route: name.startswith("ledger:")),
    ("audit", lambda name, route: name.startswith("audit:")),
    ("review", lambda name, route: name.startswith(("cooperatives:review-", "lot-review:"))),
    ("reports", lambda name, route: name.startswith("reports:")),
    ("cms-publishers", lambda name, route: name.startswith(CMS_FOR_PUBLISHERS)),
    ("cms-shared", lambda name, route: name in CMS_SHARED or name.startswith(CMS_TASK_CHOOSER)),
    ("cms-settings", lambda name, route: name.startswith(CMS_PLATFORM_SETTINGS)),
    ("cms", lambda name, route: route.startswith("cms/")),
    ("django-admin", lambda name, route: route.startswith("django-admin/")),
    ("privacy", lambda name, route: name.startswith("privacy:")),
    ("twofactor", lambda name, route: name.startswith("twofactor:")),
]


def group_of(pattern) -> str | None:
    name, route = pattern.key, pattern.route.lstrip("^")
    return next((group for group, test in GROUP_OF if test(name, route)), None)


def expected(role, group, owner) -> str:
    """The outcome for ``role`` at a URL of ``group`` about ``owner``'s
    object (None: no one's), as ALLOW, REFUSE or MAY."""
    outcome = EXPECTED[group][role]
    if outcome in (OWN, OWN_MAY):
        if owner is not None and owner != OWNER_OF_ROLE[role]:
            return REFUSE
        return ALLOW if outcome == OWN else MAY
    return outcome


# --- The walk ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_storage(tmp_path_factory):
    """The world's uploads: MEDIA_ROOT and the private storage."""
    root = tmp_path_factory.mktemp("url-walk-media")
    return {
        "MEDIA_ROOT": str(root / "public"),
        "STORAGES": {
            **django_settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root / "private")},
            },
        },
    }


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, world_storage):
    """The world, built once for the module inside a transaction rolled back
    at its end; each test runs in a savepoint within it."""
    for cache in caches.all():
        cache.clear()
    with django_db_blocker.unblock(), override_settings(**world_storage), transaction.atomic():
        world = url_walk_world()
        world["patterns"] = back_office_patterns()
        world["urls"] = {pattern: variants(pattern, world) for pattern in world["patterns"]}
        yield world
        transaction.set_rollback(True)
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def world(_world, db, settings, world_storage):
    for name, value in world_storage.items():
        setattr(settings, name, value)
    for cache in caches.all():
        cache.clear()
    return _world


# Where a signed-in user is sent, with a message, from a page they may not
# use: Wagtail's and Oscar's dashboards' home pages.
REFUSAL_PAGES = {"/cms/", "/shop/dashboard/"}
# Old addresses that only send on to another of the walk's URLs, which the
# walk judges itself.
SENDS_ON_TO = {"wagtailadmin_pages:revisions_index": "wagtailadmin_pages:history"}


def _is_login(location) -> bool:
    return "login" in urlsplit(location).path


def _sent_on(key, location) -> bool:
    try:
        return resolve(urlsplit(location).path).view_name == SENDS_ON_TO.get(key)
    except Resolver404:
        return False


def judge(role, outcome, response, url, key=None) -> str | None:
    """Why ``response`` breaks ``outcome``, or None."""
    status = response.status_code
    location = response.get("Location", "")
    if status >= 500:
        return f"{status}"
    if outcome == OPEN:
        return None
    if outcome == REFUSE:
        if role == "anonymous":
            return None if status == 302 and _is_login(location) else f"{status}, not sent to log in"
        refusal = _is_login(location) or urlsplit(location).path in REFUSAL_PAGES or _sent_on(key, location)
        if status == 302 and not refusal:
            return f"302 to {location}, neither a sign-in page nor a back office's home"
        if status not in (302, 400, 403, 404, 405):
            return f"{status} for a role that may not use it"
    elif status == 302 and _is_login(location) and outcome in (ALLOW, MAY):
        return f"sent to log in ({location})"
    elif outcome == ALLOW and status not in (200, 302, 405):
        return f"{status} for a role that may use it"
    return None


def leaked(role, response) -> list[str]:
    if response.status_code != 200 or response.streaming:
        return []
    if not response.get("Content-Type", "").startswith(("text/", "application/json")):
        return []
    body = response.content.decode(errors="replace")
    if response["Content-Type"].startswith("application/json"):
        # Wagtail's modals send their HTML inside JSON, "\u1ea1" for "ạ".
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return [secret for owner, secrets in SECRETS.items() if owner not in MAY_READ[role]
            for secret in secrets if secret in body]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_back_office_url_as_every_role(client, world, role):
    user = world.get(role)
    failures = []
    walked = 0
    signed_in = False
    for pattern in world["patterns"]:
        group = group_of(pattern)
        if pattern.key in NOT_WALKED or group is None:
            continue  # failed by the tests below
        for url, owner in world["urls"][pattern]:
            if user is not None and not signed_in:
                client.force_login(user)
            # A sign-in or sign-out page may end the session: in again after it.
            signed_in = group != "sign-in"
            outcome = expected(role, group, owner)
            try:
                response = client.get(url)
            except Exception as error:  # noqa: BLE001 (every error is a finding of the walk)
                failures.append(f"{url} ({pattern.key}, {owner}): raised {error!r}"[:400])
                continue
            walked += 1
            problem = judge(role, outcome, response, url, pattern.key)
            secrets = leaked(role, response)
            if secrets:
                problem = (problem + "; " if problem else "") + f"shows {secrets}"
            if problem:
                failures.append(f"{url} ({group}: {pattern.key}, owner {owner}, {outcome}): {problem}")
    assert walked > 1000
    assert failures == [], f"{len(failures)} failures as {role}:\n" + "\n".join(failures)


def test_every_back_office_url_has_an_expectation(world):
    without = [pattern.key for pattern in world["patterns"] if group_of(pattern) is None]
    assert without == [], f"Give these URLs a group in GROUP_OF of {__file__}: {without}"


def test_every_back_office_url_is_walked(world):
    not_walked = [pattern.key for pattern in world["patterns"]
                  if pattern.key not in NOT_WALKED and not world["urls"][pattern]]  # fmt: skip
    assert not_walked == [], (
        f"Give these URLs arguments in FILL of {__file__} (or a reason in NOT_WALKED): {not_walked}"
    )


def test_every_walked_url_reaches_its_own_pattern(world):
    wrong = []
    for pattern, urls in world["urls"].items():
        for url, _owner in urls:
            match = resolve(urlsplit(url).path)
            if match.route != pattern.route:
                wrong.append(f"{url} reaches {match.route}, not {pattern.route}")
    assert wrong == []


def test_the_tables_name_only_real_urls(world):
    keys = {pattern.key for pattern in world["patterns"]} | {pattern.route for pattern in world["patterns"]}
    assert set(NOT_WALKED) <= keys
    assert set(FILL) - keys == set()
    assert set(CLOSED) - keys == set()
    assert SIGN_IN_PAGES - keys == set()
    used = {group_of(pattern) for pattern in world["patterns"]}
    assert set(EXPECTED) - used == set(), "a row of EXPECTATIONS no URL is in"


def test_the_walk_reaches_each_owners_objects(world):
    """Each kind of owner's object is walked with both owners, so that
    ``own`` is tested from both sides."""
    owners = {owner for urls in world["urls"].values() for _url, owner in urls}
    assert owners == {None, "a", "b", "x", "y"}


# --- A few changes, refused without effect -----------------------------------------------
#
# (role, URL name, the world's object whose pk is the argument, form data,
# a check that the object is unchanged): each as the other cooperative's
# staff or district's officer, or a role with no say.
def _exists(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).exists()


POSTS = [
    ("staff_b", "cooperative-dashboard:area-delete", "area_a", {}, _exists),
    ("staff_b", "cooperative-dashboard:certification-delete", "certification_a", {}, _exists),
    ("staff_b", "cooperative-catalog:lot-recall", "lot_a", {"reason": "Không an toàn"},
     lambda lot: type(lot).objects.get(pk=lot.pk).recalled_at is None),
    ("staff_a", "cooperatives:review-suspend", "coop_b", {"reason": "Vi phạm"},
     lambda coop: type(coop).objects.get(pk=coop.pk).status == coop.status),
    ("staff_a", "ledger:settle", "ledger_account_a", {"amount": "1000", "reference": "CK-1"},
     lambda account: not account.settlements.exists()),
    ("officer_y", "wagtailadmin_pages:delete", "draft_x", {}, _exists),
    ("officer_y", "wagtailadmin_pages:unpublish", "published_x", {},
     lambda page: type(page).objects.get(pk=page.pk).live),
    ("anonymous", "wagtailadmin_pages:delete", "draft_y", {}, _exists),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "name", "key", "data", "unchanged"), POSTS, ids=[f"{p[0]}-{p[1]}" for p in POSTS]
)
def test_changes_of_anothers_objects_are_refused(client, world, role, name, key, data, unchanged):
    target = world[key]
    if world.get(role) is not None:
        client.force_login(world[role])
    response = client.post(reverse(name, args=[target.pk]), data)
    assert judge(role, REFUSE, response, response.request["PATH_INFO"]) is None, response
    assert unchanged(target)
