"""D1-D5: list, create, get, update and delete debtors."""

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import (
    Field,
    ListSpec,
    Validator,
    api_view,
    debtor_get,
    json_response,
    link,
    list_page,
    no_content,
    read_json_object,
)
from sandbox.models import (
    DEBTOR_FOLDED_FIELDS,
    Debtor,
    Gender,
    JuridicalType,
    NotificationChannel,
)
from sandbox.store.debtors import debtor_create, debtor_delete, debtor_update

# camelCase wire name -> model field, for the fields create and update take.
_OWN_FIELDS = {
    "idNumber": "id_number",
    "juridicalType": "juridical_type",
    "placeOfBirth": "place_of_birth",
    "dateOfBirth": "date_of_birth",
    "gender": "gender",
    "cultureCode": "culture_code",
    "fullName": "full_name",
    "firstname": "firstname",
    "middlename": "middlename",
    "lastname": "lastname",
    "nameSuffix": "name_suffix",
    "domicile": "domicile",
    "municipalCode": "municipal_code",
    "vatNumber": "vat_number",
    "naceCode": "nace_code",
    "homePhone": "home_phone",
    "workPhone": "work_phone",
    "cellularPhone": "cellular_phone",
    "telefax": "telefax",
    "email": "email",
    "languageCode": "language_code",
    "currencyCode": "currency_code",
    "underAged": "under_aged",
    "conversationNotificationChannel": "conversation_notification_channel",
    "conversationNotificationEmail": "conversation_notification_email",
    "conversationNotificationCellularPhone": "conversation_notification_cellular_phone",
}
# The parts of an address, wire name -> column: a debtor's main address and A2/A4 share them.
ADDRESS_PARTS = {
    "street": "street",
    "houseNo": "house_no",
    "houseNoExtension": "house_no_extension",
    "city": "city",
    "zipCode": "zip_code",
    "stateCode": "state_code",
    "countryCode": "country_code",
}
_ADDRESS_FIELDS = {**ADDRESS_PARTS, "fullAddress": "full_address"}


def _string(column: str) -> Field:
    return Field("string", column, folded=f"{column}_folded")


DEBTOR_LIST = ListSpec(
    fields={
        "debtorGuid": Field("guid", "guid"),
        "debtorReference": Field("string", "reference", folded="reference"),
        "idNumber": _string("id_number"),
        "juridicalType": Field("int", "juridical_type"),
        "placeOfBirth": _string("place_of_birth"),
        "dateOfBirth": Field("date", "date_of_birth"),
        "fullName": _string("full_name"),
        **{wire: _string(column) for wire, column in ADDRESS_PARTS.items()},
        "underAged": Field("bool", "under_aged"),
        "domicile": _string("domicile"),
        "municipalCode": _string("municipal_code"),
        "naceCode": _string("nace_code"),
        "homePhone": _string("home_phone"),
        "workPhone": _string("work_phone"),
        "cellularPhone": _string("cellular_phone"),
        "email": _string("email"),
        "languageCode": _string("language_code"),
        "currencyCode": _string("currency_code"),
    },
    default_order="debtorReference",
)


def debtor_links(request: HttpRequest, debtor: Debtor) -> list[dict]:
    base = f"/debtors/{debtor.guid}"
    return [
        link(request, "self", base),
        link(request, "update", base, "PUT"),
        link(request, "delete", base, "DELETE"),
        link(request, "summary", f"{base}/summary"),
        link(request, "cases", f"{base}/cases"),
        link(request, "addresses", f"{base}/addresses"),
        link(request, "extrafields", f"{base}/extrafields"),
        link(request, "paymentplans", f"{base}/paymentplans"),
    ]


def debtor_detail(request: HttpRequest, debtor: Debtor) -> dict:
    """D2/D3: the vendor's debtor sample plus fullName and vatNumber."""
    return {
        "debtorGuid": debtor.guid,
        "debtorReference": debtor.reference,
        **{wire: getattr(debtor, column) for wire, column in _OWN_FIELDS.items()},
        "preferredChannel": None,
        "regDate": debtor.reg_date,
        "links": debtor_links(request, debtor),
    }


def validate_address_parts(v: Validator) -> None:
    """The address fields shared by the debtor's main address and A2/A4 (limits as for the
    debtor)."""
    v.string("street", max_length=100)
    v.string("houseNo", max_length=20)
    v.string("houseNoExtension", max_length=20)
    v.string("city", max_length=100)
    v.string("zipCode", max_length=20)
    v.string("stateCode", max_length=20)
    v.country("countryCode")


def _clean_debtor(body: dict, *, creating: bool) -> tuple[dict, dict | None]:
    """Model fields of the debtor (and, on create, of its main address); 400 on failure."""
    v = Validator(body)
    juridical_type = v.choice("juridicalType", JuridicalType.values, required=True)
    v.string("idNumber", max_length=30)
    v.string("placeOfBirth", max_length=100)
    v.date("dateOfBirth")
    v.choice("gender", Gender.values, default=Gender.UNKNOWN)
    v.culture("cultureCode")
    for name in ("fullName", "firstname", "middlename", "lastname", "nameSuffix", "domicile"):
        v.string(name, max_length=100)
    v.string("municipalCode", max_length=20)
    v.string("vatNumber", max_length=30)
    v.string("naceCode", max_length=20)
    for name in ("homePhone", "workPhone", "cellularPhone", "telefax",
                 "conversationNotificationCellularPhone"):
        v.string(name, max_length=30)
    v.email("email")
    v.email("conversationNotificationEmail")
    v.language("languageCode")
    v.currency("currencyCode")
    v.boolean("underAged")
    v.choice("conversationNotificationChannel", NotificationChannel.values,
             default=NotificationChannel.NONE)
    if creating:
        validate_address_parts(v)
        v.string("fullAddress", max_length=400)

    def given(name: str) -> bool:
        value = body.get(name)
        return isinstance(value, str) and bool(value.strip())

    if not given("fullName"):
        if juridical_type == JuridicalType.COMPANY:
            v.error("fullName", "Required for a legal entity.")
        elif juridical_type == JuridicalType.PERSON and not given("lastname"):
            v.error("fullName", "Give fullName, or lastname for a person.")
            v.error("lastname", "Give fullName, or lastname for a person.")
    v.check()

    fields = {column: v.cleaned[wire] for wire, column in _OWN_FIELDS.items()}
    if not given("fullName"):
        parts = (fields["firstname"], fields["middlename"], fields["lastname"])
        fields["full_name"] = " ".join(part.strip() for part in parts if part and part.strip())
    address = None
    if creating:
        address = {column: v.cleaned[wire] for wire, column in _ADDRESS_FIELDS.items()}
    return fields, address


@api_view(methods=["GET", "POST"])
def debtors(request: HttpRequest) -> HttpResponse:
    """D1 list, D2 create."""
    if request.method == "GET":
        rows = Debtor.objects.defer(*(f"{name}_folded" for name in DEBTOR_FOLDED_FIELDS))
        return list_page(request, rows, DEBTOR_LIST)
    fields, address = _clean_debtor(read_json_object(request), creating=True)
    debtor = debtor_create(fields=fields, address=address)
    return json_response(debtor_detail(request, debtor), status=201)


@api_view(methods=["GET", "PUT", "DELETE"])
def debtor(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """D3 get, D4 update (replaces; addresses change through A2-A5), D5 delete."""
    found = debtor_get(debtor_guid)
    if request.method == "GET":
        return json_response(debtor_detail(request, found))
    if request.method == "PUT":
        fields, _address = _clean_debtor(read_json_object(request), creating=False)
        debtor_update(debtor=found, fields=fields)
        return no_content()
    debtor_delete(debtor=found)
    return no_content()
