from django.urls import path

from .views import onboarding, public

app_name = "cooperatives"

urlpatterns = [
    path("", public.CooperativeDirectoryView.as_view(), name="directory"),
    path("apply/", onboarding.CooperativeApplyView.as_view(), name="apply"),
    path("apply/thanks/", onboarding.CooperativeApplyThanksView.as_view(), name="apply-thanks"),
    path("review/", onboarding.ApplicationListView.as_view(), name="review-list"),
    path("review/<int:pk>/", onboarding.ApplicationDetailView.as_view(), name="review-detail"),
    path("review/<int:pk>/approve/", onboarding.ApplicationApproveView.as_view(), name="review-approve"),
    path("review/<int:pk>/reject/", onboarding.ApplicationRejectView.as_view(), name="review-reject"),
    path("review/<int:pk>/suspend/", onboarding.CooperativeSuspendView.as_view(), name="review-suspend"),
    path("review/documents/<int:pk>/", onboarding.ApplicationDocumentView.as_view(), name="review-document"),
    path("<slug:slug>/", public.CooperativeProfileView.as_view(), name="detail"),
]
