"""Plan pages. Mounted at the site root (see backoffice/urls.py), so the debtor-scoped ones
spell out their `debtors/<guid>/plans/` prefix."""

from django.urls import path

from plans import views

app_name = "plans"

_D = "debtors/<uuid:guid>/plans/"
_P = _D + "<uuid:plan_guid>/"

urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("approvals/<int:pk>/approve", views.approve, name="approve"),
    path("approvals/<int:pk>/reject", views.reject, name="reject"),
    path("proposals/mine/", views.my_proposals, name="my-proposals"),
    path(_D, views.debtor_plans, name="debtor-plans"),
    path(_D + "new", views.calculator, name="calculator"),
    path(_D + "new/propose", views.propose, name="propose"),
    path(_D + "new/statement", views.statement, name="statement"),
    path(_D + "settle", views.settlement_offer, name="settlement"),
    path(_D + "settle/propose", views.settlement_propose, name="settlement-propose"),
    path(_D + "new/options", views.plan_options, name="options"),
    path(_P + "payments", views.edit_payments, name="edit-payments"),
    path(_P + "withdraw", views.withdraw, name="withdraw"),
    path(_P + "agreement", views.agreement, name="agreement"),
    # Rescheduling an active plan (plans/reschedule.py)
    path(_P + "reschedule", views.reschedule_new, name="reschedule-new"),
    path("reschedules/<int:pk>/", views.reschedule_detail, name="reschedule"),
    path("reschedules/<int:pk>/approve", views.reschedule_approve, name="reschedule-approve"),
    path("reschedules/<int:pk>/resume", views.reschedule_resume, name="reschedule-resume"),
    path("reschedules/<int:pk>/reject", views.reschedule_reject, name="reschedule-reject"),
    path("reschedules/<int:pk>/abandon", views.reschedule_abandon, name="reschedule-abandon"),
]
