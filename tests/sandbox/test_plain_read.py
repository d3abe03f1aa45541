"""plain_get() reads a row as the ORM would: the same values and types, the rest deferred."""

import uuid

import pytest

from sandbox.models import Case, Debtor, FaultConfig
from sandbox.models.plain_read import all_fields, plain_get
from sandbox.seed import seed_portfolio

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_faults_in_force_come_back_with_their_types():
    FaultConfig.objects.create(pk=FaultConfig.SINGLETON_PK, latency_ms=50, failure_rate=0.25,
                               status=503, retry_after=None, hang=True, methods=["POST"],
                               paths=["/debtors/*/paymentplans"])
    faults = FaultConfig.current()
    assert faults.as_wire() == FaultConfig.objects.get().as_wire()
    assert faults.hang is True and faults.methods == ["POST"] and faults.retry_after is None
    assert faults.get_deferred_fields() == {"updated_at"}


def test_no_faults_set_is_the_all_clear():
    assert FaultConfig.current().is_clear and FaultConfig.current().pk == 1


def test_a_debtor_by_guid_with_only_its_key():
    seed_portfolio(debtors=3, seed=7)
    debtor = Debtor.objects.order_by("pk").last()
    found = plain_get(Debtor, by="guid", value=debtor.guid, fields=())
    assert found.pk == debtor.pk and "full_name" in found.get_deferred_fields()
    assert list(found.cases.values_list("pk", flat=True)) == \
        list(debtor.cases.values_list("pk", flat=True))
    assert plain_get(Debtor, by="guid", value=uuid.uuid4(), fields=()) is None


def _columns(row) -> dict:
    return {field.attname: (getattr(row, field.attname), type(getattr(row, field.attname)))
            for field in type(row)._meta.concrete_fields}


@pytest.mark.parametrize("model", [Debtor, Case])
def test_a_whole_row_comes_back_as_the_orm_reads_it(model):
    """Dates, decimals, GUIDs and flags alike: on SQLite they come back as text or numbers
    that the database's own converters turn into what the ORM gives."""
    seed_portfolio(debtors=5, seed=11)
    for row in model.objects.order_by("pk")[:20]:
        found = plain_get(model, by="guid", value=row.guid, fields=all_fields(model))
        assert _columns(found) == _columns(row) and not found.get_deferred_fields()
