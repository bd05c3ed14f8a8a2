"""The privacy notice (public) and the account's privacy pages: every
signed-in user downloads their own data; buyers may delete their account."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from . import selectors, services
from .forms import AccountDeleteForm

Order = get_model("order", "Order")


class PrivacyPolicyView(TemplateView):
    """What is collected, why, for how long, who sees it, and the buyer's rights."""

    template_name = "privacy/policy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact_email=settings.PRIVACY_CONTACT_EMAIL, **kwargs)


@method_decorator(never_cache, name="dispatch")
class AccountPrivacyView(LoginRequiredMixin, TemplateView):
    """The two actions, in Oscar's account area."""

    template_name = "privacy/account_privacy.html"
    page_title = gettext_lazy("Your personal data")

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        back_office = selectors.account_is_back_office(user=user)
        return super().get_context_data(
            page_title=self.page_title,
            active_tab="privacy",
            back_office=back_office,
            blockers=[] if back_office else selectors.account_erasure_blockers(user=user),
            orders_kept=Order.objects.filter(user=user).count(),
            form=form or AccountDeleteForm(user=user),
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class PersonalDataDownloadView(LoginRequiredMixin, View):
    """Everything held on the signed-in user, as one JSON file; nobody can
    ask for anyone else's."""

    def get(self, request):
        data = selectors.personal_data_export(user=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{selectors.export_filename()}"'
        return response


class AccountDeleteView(AccountPrivacyView):
    """POST only: the form is on the privacy page."""

    http_method_names = ["post"]

    def post(self, request):
        if selectors.account_is_back_office(user=request.user):
            raise PermissionDenied
        form = AccountDeleteForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.account_erase(user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("privacy:account")
        logout(request)
        messages.success(
            request,
            _(
                "Your account has been deleted. Your orders are kept for the accounting records, "
                "without your name, e-mail, phone number or street."
            ),
        )
        return redirect(settings.OSCAR_HOMEPAGE)
