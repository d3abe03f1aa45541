"""E1-E5: a debtor's extra fields, named (unique per debtor, any letter case) lists of text."""

import re

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import (
    Field,
    ListSpec,
    NotFound,
    Validator,
    api_view,
    debtor_get,
    debtor_key,
    json_response,
    list_page,
    no_content,
    read_json_object,
)
from sandbox.casefold import casefold
from sandbox.models import ExtraField
from sandbox.store.debtors import extra_field_create, extra_field_delete, extra_field_update

NAME = re.compile(r"[\w.\-]{1,50}")
NAME_MESSAGE = "Must be 1 to 50 letters, digits, _ . or -."
MAX_VALUES = 20
MAX_VALUE_LENGTH = 500

EXTRA_FIELD_LIST = ListSpec(
    fields={"name": Field("string", "name", folded="name_folded")},
    default_order="name",
)


def extra_field_body(field: ExtraField) -> dict:
    return {"name": field.name, "value": list(field.value or [])}


def _clean(body: dict, *, default_name: str | None = None) -> tuple[str, list[str]]:
    v = Validator(body)
    name = v.string("name", max_length=50, required=default_name is None, pattern=NAME,
                    pattern_message=NAME_MESSAGE)
    value = v.string_list("value", max_items=MAX_VALUES, max_length=MAX_VALUE_LENGTH)
    v.check()
    return name or default_name or "", value or []


@api_view(methods=["GET", "POST"])
def extra_fields(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """E1 list, E2 create (409 if the name is taken)."""
    if request.method == "GET":
        return list_page(request, debtor_key(debtor_guid).extra_fields.all(), EXTRA_FIELD_LIST,
                         extra_field_body)
    debtor = debtor_get(debtor_guid)
    name, value = _clean(read_json_object(request))
    field = extra_field_create(debtor=debtor, name=name, value=value)
    return json_response(extra_field_body(field), status=201)


@api_view(methods=["GET", "PUT", "DELETE"])
def extra_field(request: HttpRequest, debtor_guid: str, name: str) -> HttpResponse:
    """E3 get, E4 update (replaces the value; another `name` renames), E5 delete."""
    debtor = debtor_get(debtor_guid)
    found = debtor.extra_fields.filter(name_folded=casefold(name)).first()
    if found is None:
        raise NotFound(f"The debtor has no extra field named {name[:50]!r}.")
    if request.method == "GET":
        return json_response(extra_field_body(found))
    if request.method == "PUT":
        new_name, value = _clean(read_json_object(request), default_name=found.name)
        extra_field_update(field=found, name=new_name, value=value)
        return no_content()
    extra_field_delete(field=found)
    return no_content()
