from django.urls import path

from debtors.views import actions, addresses, debtor_edit, detail, extra_fields, saved, search

app_name = "debtors"

urlpatterns = [
    # Search and saved searches.
    path("", search.search, name="search"),
    path("saved/", saved.create, name="saved-create"),
    path("saved/<int:pk>/delete/", saved.delete, name="saved-delete"),
    # The debtor 360.
    path("<uuid:guid>/", detail.detail, name="detail"),
    path("<uuid:guid>/cases/<uuid:case_guid>/", detail.case, name="case"),
    path("<uuid:guid>/reveal/", detail.reveal, name="reveal"),
    # The editors: debtor, addresses, extra fields, custom actions.
    path("new/", debtor_edit.create, name="create"),
    path("<uuid:guid>/edit/", debtor_edit.edit, name="edit"),
    path("<uuid:guid>/delete/", debtor_edit.delete, name="delete"),
    path("<uuid:guid>/addresses/", addresses.panel, name="address-panel"),
    path("<uuid:guid>/addresses/new/", addresses.add, name="address-add"),
    path("<uuid:guid>/addresses/<uuid:address_guid>/edit/", addresses.edit,
         name="address-edit"),
    path("<uuid:guid>/addresses/<uuid:address_guid>/delete/", addresses.delete,
         name="address-delete"),
    path("<uuid:guid>/addresses/<uuid:address_guid>/default/", addresses.make_default,
         name="address-default"),
    path("<uuid:guid>/addresses/<uuid:address_guid>/invalid/", addresses.mark_not_valid,
         name="address-invalid"),
    path("<uuid:guid>/extrafields/", extra_fields.panel, name="extrafield-panel"),
    path("<uuid:guid>/extrafields/new/", extra_fields.add, name="extrafield-add"),
    path("<uuid:guid>/extrafields/<str:name>/edit/", extra_fields.edit, name="extrafield-edit"),
    path("<uuid:guid>/extrafields/<str:name>/delete/", extra_fields.delete,
         name="extrafield-delete"),
    path("<uuid:guid>/actions/run/", actions.run, name="action-run"),
    path("<uuid:guid>/actions/json/", actions.run_json, name="action-json"),
]
