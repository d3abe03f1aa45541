"""A1-A5: a debtor's addresses. Exactly one is the default; the debtor list shows it."""

import re

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import (
    Field,
    ListSpec,
    Validator,
    api_view,
    debtor_get,
    debtor_key,
    get_by_guid,
    json_response,
    list_page,
    no_content,
    read_json_object,
)
from sandbox.api.debtors import ADDRESS_PARTS, validate_address_parts
from sandbox.store.debtors import address_create, address_delete, address_update

_ADDRESS_TYPE = re.compile(r"[\w\-. ]{1,50}")

ADDRESS_LIST = ListSpec(
    fields={
        "addressGuid": Field("guid", "guid"),
        "addressType": Field("string", "address_type"),
        "fullName": Field("string", "full_name"),
        **{wire: Field("string", column) for wire, column in ADDRESS_PARTS.items()},
        "fullAddress": Field("string", "full_address"),
        "addressNotValidDate": Field("date", "address_not_valid_date"),
        "defaultAddress": Field("bool", "default_address"),
        "validFrom": Field("date", "valid_from"),
        "validTo": Field("date", "valid_to"),
        "validatedAt": Field("datetime", "validated_at"),
        "validOverride": Field("bool", "valid_override"),
        "lastUpdatedAt": Field("datetime", "last_updated_at"),
    },
    default_order="defaultAddress desc, addressType",
)

# What A2 and A4 write (fullAddress is composed from the parts), wire name -> column.
_WRITTEN = {
    "addressType": "address_type",
    "fullName": "full_name",
    **ADDRESS_PARTS,
    "addressNotValidDate": "address_not_valid_date",
    "validFrom": "valid_from",
    "validTo": "valid_to",
}


def _clean_address(body: dict) -> tuple[dict, bool | None]:
    v = Validator(body)
    v.string("addressType", max_length=50, required=True, pattern=_ADDRESS_TYPE,
             pattern_message="Must be LEGAL or a word of letters, digits, spaces, _ . or -.",
             blank_is_null=True)
    v.string("fullName", max_length=100)
    validate_address_parts(v)
    v.date("addressNotValidDate")
    valid_from = v.date("validFrom")
    valid_to = v.date("validTo")
    default = v.boolean("defaultAddress")
    street, city = body.get("street"), body.get("city")
    if not (isinstance(street, str) and street.strip()) and not (
        isinstance(city, str) and city.strip()
    ):
        v.error("street", "Give street or city.")
        v.error("city", "Give street or city.")
    if valid_from and valid_to and valid_to < valid_from:
        v.error("validTo", "Must not be before validFrom.")
    v.check()
    return {column: v.cleaned[wire] for wire, column in _WRITTEN.items()}, default


@api_view(methods=["GET", "POST"])
def addresses(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """A1 list, A2 create."""
    if request.method == "GET":
        return list_page(request, debtor_key(debtor_guid).addresses.all(), ADDRESS_LIST)
    debtor = debtor_get(debtor_guid)
    fields, default = _clean_address(read_json_object(request))
    address = address_create(debtor=debtor, fields=fields, default=default)
    return json_response(ADDRESS_LIST.row(address), status=201)


@api_view(methods=["GET", "PUT", "DELETE"])
def address(request: HttpRequest, debtor_guid: str, address_guid: str) -> HttpResponse:
    """A3 get, A4 update (replaces), A5 delete."""
    found = get_by_guid(debtor_get(debtor_guid).addresses, address_guid, what="address")
    if request.method == "GET":
        return json_response(ADDRESS_LIST.row(found))
    if request.method == "PUT":
        fields, default = _clean_address(read_json_object(request))
        address_update(address=found, fields=fields, default=default)
        return no_content()
    address_delete(address=found)
    return no_content()
