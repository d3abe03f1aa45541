"""The transport builds each request's URL in one parse: the same URL httpx would build."""

import httpx
import pytest

from backoffice.gateway.transport import Transport

BASE = "http://127.0.0.1:9/sandbox/api/v1/"


@pytest.mark.parametrize("params", [
    None,
    {},
    {"$top": "25", "$skip": "50", "$orderby": "full_name desc,debtor_guid"},
    {"$filter": "contains(full_name,'O''Brien é') and email eq 'a+b&c=d#e%f/g?h'"},
])
def test_the_url_is_the_one_httpx_builds_from_base_path_and_params(params):
    transport = Transport(base_url=BASE, connect_timeout=1, read_timeout=1)
    path = "/debtors/6f1c0a52-7b43-4c8e-9d0e-2a9b5d0c1e11/cases"
    expected = httpx.Client(base_url=BASE).build_request("GET", path, params=params).url
    built = transport.url(path, params)
    assert built == expected
    assert built.raw_path == expected.raw_path
