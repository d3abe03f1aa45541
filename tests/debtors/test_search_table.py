"""`GatewayPageData`: the table's rows come from one upstream page, asked for once."""

from django_tables2 import Column, Table

from backoffice.gateway import Page
from debtors.tables import GatewayPageData


class Row:
    def __init__(self, name):
        self.name = name


class NameTable(Table):
    name = Column()
    colour = Column(orderable=True, empty_values=())


class FakeList:
    """Stands in for a gateway list method: remembers each call, answers `total` rows."""

    def __init__(self, total):
        self.total = total
        self.calls = []

    def __call__(self, *, orderby, skip, top):
        self.calls.append({"orderby": orderby, "skip": skip, "top": top})
        count = max(0, min(top, self.total - skip))
        items = tuple(Row(f"r{skip + i}") for i in range(count))
        return Page(items=items, skip=skip, count=count, total=self.total, top=top)


def test_one_fetch_answers_the_length_and_the_slice():
    fetch = FakeList(total=57)
    data = GatewayPageData(fetch, page=2, per_page=25, order_fields={"name": "full_name"},
                           tiebreak="debtor_guid")
    table = NameTable(data, order_by="-name")
    table.paginate(per_page=25, page=2)
    rows = [row.record.name for row in table.page.object_list]
    assert rows == [f"r{i}" for i in range(25, 50)]
    assert table.paginator.count == 57 and table.paginator.num_pages == 3
    assert fetch.calls == [{"orderby": ["-full_name", "debtor_guid"], "skip": 25, "top": 25}]


def test_columns_outside_the_allow_list_never_reach_upstream():
    fetch = FakeList(total=3)
    data = GatewayPageData(fetch, page=1, per_page=25, order_fields={"name": "full_name"})
    table = NameTable(data, order_by=("colour", "name"))
    table.paginate(per_page=25, page=1)
    assert fetch.calls[0]["orderby"] == ["full_name"]


def test_the_last_page_is_short_and_empty_results_have_one_page():
    fetch = FakeList(total=27)
    table = NameTable(GatewayPageData(fetch, page=2, per_page=25, order_fields={}))
    table.paginate(per_page=25, page=2)
    assert len(table.page.object_list) == 2 and not table.page.has_next()

    empty = FakeList(total=0)
    table = NameTable(GatewayPageData(empty, page=1, per_page=25, order_fields={}))
    table.paginate(per_page=25, page=1)
    assert len(table.page.object_list) == 0 and len(empty.calls) == 1


def test_a_page_sent_ahead_stands_when_the_table_asks_for_the_same_order():
    fetch = FakeList(total=30)
    data = GatewayPageData(fetch, page=1, per_page=25, order_fields={"name": "full_name"})
    data.order_by(["-name"])
    data.prefetch()
    table = NameTable(data, order_by=["-name"])  # built while the call is out
    table.paginate(per_page=25, page=1)
    assert fetch.calls == [{"orderby": ["-full_name"], "skip": 0, "top": 25}]

    other = GatewayPageData(fetch, page=1, per_page=25, order_fields={"name": "full_name"})
    other.order_by(["-name"])
    other.prefetch()
    NameTable(other, order_by=["name"]).paginate(per_page=25, page=1)  # another order
    assert other.orderby == ["full_name"] and other.fetches == 1
    assert ["full_name"] in [call["orderby"] for call in fetch.calls]  # asked for anew
