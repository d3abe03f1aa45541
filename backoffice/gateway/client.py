"""`ApticClient`: one typed method per operation of the Aptic Debtors API (28 in all).

Reads return typed records or pages; every mutating method goes through `audited.perform`,
so each attempted change is in the audit log with its outcome, under `actor` (the request's
user when None). Update, delete and activate read the record first (the audit's "before")
and, given `expected_fingerprint`, refuse with `StaleRecord` when it changed since the
caller read it; an update's PUT body is that record with the caller's `changes` applied
(PUT replaces the record upstream, so fields the caller does not name keep their values).
`plan_calculate` stores nothing and is not audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from backoffice.gateway import routes as r
from backoffice.gateway import types as t
from backoffice.gateway.audited import Change, perform
from backoffice.gateway.errors import InvalidQuery, MalformedResponse
from backoffice.gateway.fingerprint import snapshot
from backoffice.gateway.odata import F, Filter, render_filter, render_orderby
from backoffice.gateway.pipeline import Answer, Pipeline
from backoffice.gateway.wire import WireError, from_wire, to_wire

MAX_TOP = 100
OrderBy = str | Sequence[str] | None


def _decode[T](cls: type[T], answer: Answer, route: r.Route, **known: Any) -> T:
    try:
        return from_wire(cls, answer.data, **known)
    except WireError as exc:
        raise MalformedResponse(f"{route.op}: {exc}", status=answer.status,
                                request_id=answer.request_id, operation=route.op) from exc


class ApticClient:
    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, route: r.Route, body: Any = None, params: dict[str, str] | None = None,
              **path: str) -> Answer:
        return self.pipeline.call(route, path_params=path, params=params, body=body)

    def _get[T](self, cls: type[T], route: r.Route, **path: str) -> T:
        return _decode(cls, self._call(route, **path), route)

    def _list[T](self, cls: type[T], route: r.Route, resource: str, *, filter: Filter | None,
                 orderby: OrderBy, skip: int, top: int, **path: str) -> t.Page[T]:
        if skip < 0 or not 1 <= top <= MAX_TOP:
            raise InvalidQuery(f"skip must be >= 0 and top 1 to {MAX_TOP}", operation=route.op)
        params = {"$skip": str(skip), "$top": str(top)}
        if (text := render_filter(resource, filter)) is not None:
            params["$filter"] = text
        if (order := render_orderby(resource, orderby)) is not None:
            params["$orderby"] = order
        answer = self._call(route, params=params, **path)
        data = answer.data
        try:
            if not isinstance(data, dict) or not isinstance(data.get("value"), list):
                raise WireError("a list answer needs a `value` array")
            items = tuple(from_wire(cls, row) for row in data["value"])
            return t.Page(
                items=items,
                skip=int(data.get("skip", skip)),
                count=int(data.get("count", len(items))),
                total=int(data.get("total", skip + len(items))),
                top=top,
            )
        except (WireError, TypeError, ValueError) as exc:
            raise MalformedResponse(f"{route.op}: {exc}", status=answer.status,
                                    request_id=answer.request_id, operation=route.op) from exc

    def iter_pages[T](self, list_method: Callable[..., t.Page[T]], *args: Any,
                      page_size: int = MAX_TOP, **kwargs: Any) -> Iterator[T]:
        """Every item of every page of `list_method(*args, **kwargs)` (for the rare caller)."""
        skip = 0
        while True:
            page = list_method(*args, skip=skip, top=page_size, **kwargs)
            yield from page.items
            if not page.items or not page.has_next:
                return
            skip = page.next_skip

    # -- debtors (D1-D6) --------------------------------------------------------------------

    def debtor_list(self, *, filter: Filter | None = None, orderby: OrderBy = None,
                    skip: int = 0, top: int = 25) -> t.Page[t.DebtorRow]:
        return self._list(t.DebtorRow, r.DEBTOR_LIST, "debtor", filter=filter,
                          orderby=orderby, skip=skip, top=top)

    def debtor_create(self, data: t.DebtorInput, *, actor: Any = None) -> t.Debtor:
        return perform(
            Change("debtor.create", target_type="debtor", body=data, actor=actor),
            lambda body: self._debtor_from(self._call(r.DEBTOR_CREATE, to_wire(body)),
                                           r.DEBTOR_CREATE),
            read_after=lambda debtor: debtor,
            identify=lambda debtor: (debtor.debtor_guid, debtor.debtor_guid),
        )

    def debtor_get(self, debtor_guid: str) -> t.Debtor:
        return self._debtor_from(self._call(r.DEBTOR_GET, debtor_guid=debtor_guid), r.DEBTOR_GET,
                                 debtor_guid=debtor_guid)

    def _debtor_from(self, answer: Answer, route: r.Route, **known: str) -> t.Debtor:
        debtor = _decode(t.Debtor, answer, route, **known)
        if "full_name" in debtor.absent_fields and debtor.is_company:
            # The vendor's debtor answer has no fullName; a company's name is in its list row.
            rows = self.debtor_list(filter=F.eq("debtor_guid", debtor.debtor_guid), top=1)
            if rows.items and rows.items[0].full_name:
                debtor = replace(debtor, full_name=rows.items[0].full_name)
        return debtor

    def debtor_update(self, debtor_guid: str, changes: Mapping[str, Any], *, actor: Any = None,
                      expected_fingerprint: str | None = None) -> None:
        """PUT the debtor as read just now with `changes` (DebtorInput field names) applied.
        The main address lives in the address resource: D4 leaves it out."""

        put: list[t.DebtorInput] = []

        def build(before: t.Debtor) -> dict[str, Any]:
            """The body as recorded: what D4 carries (the main address left out)."""
            put.append(before.as_input(**changes))
            return {k: v for k, v in snapshot(put[0]).items() if k not in t.MAIN_ADDRESS_FIELDS}

        perform(
            Change("debtor.update", debtor_guid, "debtor", debtor_guid, body=dict(changes),
                   actor=actor),
            lambda _body: self._call(r.DEBTOR_UPDATE,
                                     to_wire(put[0], exclude=t.MAIN_ADDRESS_FIELDS),
                                     debtor_guid=debtor_guid),
            read_before=lambda: self.debtor_get(debtor_guid),
            expected_fingerprint=expected_fingerprint,
            build=build,
            read_after=lambda _answer: self.debtor_get(debtor_guid),
        )

    def debtor_delete(self, debtor_guid: str, *, actor: Any = None,
                      expected_fingerprint: str | None = None) -> None:
        perform(
            Change("debtor.delete", debtor_guid, "debtor", debtor_guid, actor=actor),
            lambda _body: self._call(r.DEBTOR_DELETE, debtor_guid=debtor_guid),
            read_before=lambda: self.debtor_get(debtor_guid),
            expected_fingerprint=expected_fingerprint,
        )

    def debtor_summary(self, debtor_guid: str) -> t.CaseSummary:
        return _decode(t.CaseSummary, self._call(r.DEBTOR_SUMMARY, debtor_guid=debtor_guid),
                       r.DEBTOR_SUMMARY, debtor_guid=debtor_guid)

    # -- cases (D7-D8) ----------------------------------------------------------------------

    def case_list(self, debtor_guid: str, *, filter: Filter | None = None,
                  orderby: OrderBy = None, skip: int = 0, top: int = 25) -> t.Page[t.Case]:
        return self._list(t.Case, r.CASE_LIST, "case", filter=filter, orderby=orderby,
                          skip=skip, top=top, debtor_guid=debtor_guid)

    def case_get(self, debtor_guid: str, case_guid: str) -> t.Case:
        answer = self._call(r.CASE_GET, debtor_guid=debtor_guid, case_guid=case_guid)
        return _decode(t.Case, answer, r.CASE_GET, case_guid=case_guid)

    # -- addresses (A1-A5) ------------------------------------------------------------------

    def address_list(self, debtor_guid: str, *, filter: Filter | None = None,
                     orderby: OrderBy = None, skip: int = 0,
                     top: int = 25) -> t.Page[t.Address]:
        return self._list(t.Address, r.ADDRESS_LIST, "address", filter=filter, orderby=orderby,
                          skip=skip, top=top, debtor_guid=debtor_guid)

    def address_create(self, debtor_guid: str, data: t.AddressInput, *,
                       actor: Any = None) -> t.Address:
        return self._create(
            t.Address, r.ADDRESS_CREATE,
            Change("address.create", debtor_guid, "address", body=data, actor=actor),
            key=lambda address: address.address_guid)

    def address_get(self, debtor_guid: str, address_guid: str) -> t.Address:
        return self._get(t.Address, r.ADDRESS_GET, debtor_guid=debtor_guid,
                         address_guid=address_guid)

    def address_update(self, debtor_guid: str, address_guid: str, changes: Mapping[str, Any],
                       *, actor: Any = None, expected_fingerprint: str | None = None) -> None:
        """PUT the address as read just now with `changes` (AddressInput field names)."""
        perform(
            Change("address.update", debtor_guid, "address", address_guid, body=dict(changes),
                   actor=actor),
            lambda body: self._call(r.ADDRESS_UPDATE, to_wire(body), debtor_guid=debtor_guid,
                                    address_guid=address_guid),
            read_before=lambda: self.address_get(debtor_guid, address_guid),
            expected_fingerprint=expected_fingerprint,
            build=lambda before: before.as_input(**changes),
            read_after=lambda _answer: self.address_get(debtor_guid, address_guid),
        )

    def address_delete(self, debtor_guid: str, address_guid: str, *, actor: Any = None,
                       expected_fingerprint: str | None = None) -> None:
        perform(
            Change("address.delete", debtor_guid, "address", address_guid, actor=actor),
            lambda _body: self._call(r.ADDRESS_DELETE, debtor_guid=debtor_guid,
                                     address_guid=address_guid),
            read_before=lambda: self.address_get(debtor_guid, address_guid),
            expected_fingerprint=expected_fingerprint,
        )

    # -- payment plans (P1-P7) --------------------------------------------------------------

    def plan_list(self, debtor_guid: str, *, filter: Filter | None = None,
                  orderby: OrderBy = None, skip: int = 0,
                  top: int = 25) -> t.Page[t.PaymentPlan]:
        return self._list(t.PaymentPlan, r.PLAN_LIST, "plan", filter=filter, orderby=orderby,
                          skip=skip, top=top, debtor_guid=debtor_guid)

    def plan_create(self, debtor_guid: str, data: t.PlanInput, *,
                    actor: Any = None) -> t.PaymentPlan:
        return self._create(
            t.PaymentPlan, r.PLAN_CREATE,
            Change("plan.create", debtor_guid, "plan", body=data, actor=actor),
            key=lambda plan: plan.payment_plan_guid or "")

    def plan_get(self, debtor_guid: str, plan_guid: str) -> t.PaymentPlan:
        answer = self._call(r.PLAN_GET, debtor_guid=debtor_guid, plan_guid=plan_guid)
        return _decode(t.PaymentPlan, answer, r.PLAN_GET, payment_plan_guid=plan_guid)

    def plan_update(self, debtor_guid: str, plan_guid: str, payments: Sequence[t.PlanPayment],
                    *, actor: Any = None, expected_fingerprint: str | None = None) -> None:
        perform(
            Change("plan.update", debtor_guid, "plan", plan_guid,
                   body={"payments": tuple(payments)}, actor=actor),
            lambda body: self._call(r.PLAN_UPDATE,
                                    {"payments": [to_wire(p) for p in body["payments"]]},
                                    debtor_guid=debtor_guid, plan_guid=plan_guid),
            read_before=lambda: self.plan_get(debtor_guid, plan_guid),
            expected_fingerprint=expected_fingerprint,
            read_after=lambda _answer: self.plan_get(debtor_guid, plan_guid),
        )

    def plan_delete(self, debtor_guid: str, plan_guid: str, *, actor: Any = None,
                    expected_fingerprint: str | None = None) -> None:
        perform(
            Change("plan.delete", debtor_guid, "plan", plan_guid, actor=actor),
            lambda _body: self._call(r.PLAN_DELETE, debtor_guid=debtor_guid, plan_guid=plan_guid),
            read_before=lambda: self.plan_get(debtor_guid, plan_guid),
            expected_fingerprint=expected_fingerprint,
        )

    def plan_calculate(self, debtor_guid: str, data: t.PlanInput) -> t.PaymentPlan:
        """P6: the plan Aptic would make; nothing is stored, so nothing is audited."""
        return self._get_from(t.PaymentPlan, r.PLAN_CALCULATE, to_wire(data),
                              debtor_guid=debtor_guid)

    def plan_activate(self, debtor_guid: str, plan_guid: str, *, actor: Any = None,
                      expected_fingerprint: str | None = None) -> None:
        perform(
            Change("plan.activate", debtor_guid, "plan", plan_guid, actor=actor),
            lambda _body: self._call(r.PLAN_ACTIVATE, debtor_guid=debtor_guid, plan_guid=plan_guid),
            read_before=lambda: self.plan_get(debtor_guid, plan_guid),
            expected_fingerprint=expected_fingerprint,
            read_after=lambda _answer: self.plan_get(debtor_guid, plan_guid),
        )

    # -- extra fields (E1-E5) ---------------------------------------------------------------

    def extra_field_list(self, debtor_guid: str, *, filter: Filter | None = None,
                         orderby: OrderBy = None, skip: int = 0,
                         top: int = 25) -> t.Page[t.ExtraField]:
        return self._list(t.ExtraField, r.EXTRA_FIELD_LIST, "extra_field", filter=filter,
                          orderby=orderby, skip=skip, top=top, debtor_guid=debtor_guid)

    def extra_field_create(self, debtor_guid: str, data: t.ExtraField, *,
                           actor: Any = None) -> t.ExtraField:
        return self._create(
            t.ExtraField, r.EXTRA_FIELD_CREATE,
            Change("extrafield.create", debtor_guid, "extrafield", data.name, body=data,
                   actor=actor))

    def extra_field_get(self, debtor_guid: str, name: str) -> t.ExtraField:
        answer = self._call(r.EXTRA_FIELD_GET, debtor_guid=debtor_guid, name=name)
        return _decode(t.ExtraField, answer, r.EXTRA_FIELD_GET, name=name)

    def extra_field_update(self, debtor_guid: str, name: str, data: t.ExtraField, *,
                           actor: Any = None, expected_fingerprint: str | None = None) -> None:
        """Replaces the field's values; `data.name` other than `name` renames it."""
        perform(
            Change("extrafield.update", debtor_guid, "extrafield", name, body=data,
                   actor=actor),
            lambda body: self._call(r.EXTRA_FIELD_UPDATE, to_wire(body),
                                    debtor_guid=debtor_guid, name=name),
            read_before=lambda: self.extra_field_get(debtor_guid, name),
            expected_fingerprint=expected_fingerprint,
            read_after=lambda _answer: self.extra_field_get(debtor_guid, data.name),
        )

    def extra_field_delete(self, debtor_guid: str, name: str, *, actor: Any = None,
                           expected_fingerprint: str | None = None) -> None:
        perform(
            Change("extrafield.delete", debtor_guid, "extrafield", name, actor=actor),
            lambda _body: self._call(r.EXTRA_FIELD_DELETE, debtor_guid=debtor_guid, name=name),
            read_before=lambda: self.extra_field_get(debtor_guid, name),
            expected_fingerprint=expected_fingerprint,
        )

    # -- services (S1-S2) and ping (X1) -----------------------------------------------------

    def service_invoke(self, debtor_guid: str, definition: str,
                       body: Mapping[str, Any] | None = None, *, actor: Any = None,
                       run_async: bool = False) -> t.ServiceResult:
        return self._service(r.SERVICE_INVOKE, definition, body, run_async, actor,
                             debtor_guid=debtor_guid)

    def service_invoke_global(self, definition: str, body: Mapping[str, Any] | None = None, *,
                              actor: Any = None, run_async: bool = False) -> t.ServiceResult:
        return self._service(r.SERVICE_INVOKE_GLOBAL, definition, body, run_async, actor)

    def _service(self, route: r.Route, definition: str, body: Mapping[str, Any] | None,
                 run_async: bool, actor: Any, **path: str) -> t.ServiceResult:
        payload = dict(body or {})
        params = {"async": "true" if run_async else "false"}

        def invoke(_body: Any) -> t.ServiceResult:
            answer = self._call(route, payload, params, definition=definition, **path)
            data = answer.data if answer.data is not None else {}
            if not isinstance(data, dict):
                raise MalformedResponse(f"{route.op}: the answer is not a JSON object",
                                        status=answer.status, request_id=answer.request_id,
                                        operation=route.op)
            return t.ServiceResult(status=answer.status, accepted=answer.status == 202,
                                   data=data)

        return perform(
            Change("service.invoke", path.get("debtor_guid", ""), "service", definition,
                   body={"definition": definition, "async": run_async, "body": payload},
                   actor=actor),
            invoke,
            read_after=lambda result: {"status": result.status, "data": result.data},
        )

    def ping(self, *, timeout: float | None = None, retry: bool = True) -> None:
        """X1: returns when Aptic answers; raises a GatewayError otherwise."""
        self.pipeline.call(r.PING, retry=retry,
                           timeout=httpx.Timeout(timeout) if timeout else None)

    def _create[T](self, cls: type[T], route: r.Route, change: Change, *,
                   key: Callable[[T], str] | None = None) -> T:
        """POSTs `change.body` under the debtor as an audited change; the answer is the
        created record, and `key` its id (the entry's target, known only afterwards)."""
        debtor_guid = change.debtor_guid
        return perform(
            change,
            lambda body: self._get_from(cls, route, to_wire(body), debtor_guid=debtor_guid),
            read_after=lambda created: created,
            identify=None if key is None else lambda created: (debtor_guid, key(created)),
        )

    def _get_from[T](self, cls: type[T], route: r.Route, body: Any, **path: str) -> T:
        return _decode(cls, self._call(route, body, **path), route)
