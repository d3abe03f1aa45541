"""E1-E5 over real HTTP: unique names per debtor (in any letter case), lists of text."""

from tests.sandbox.assertions import field_errors, problem


def test_lifecycle(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    url = f"/debtors/{guid}/extrafields"
    created = sandbox_api.http.post(url, json={"name": "riskClass", "value": ["B", "watch"]})
    assert created.status_code == 201
    assert created.json() == {"name": "riskClass", "value": ["B", "watch"]}
    assert sandbox_api.http.get(f"{url}/riskClass").json() == created.json()
    assert sandbox_api.http.get(f"{url}/RISKCLASS").json() == created.json()
    updated = sandbox_api.http.put(f"{url}/riskclass", json={"value": ["C"]})
    assert updated.status_code == 204
    assert sandbox_api.http.get(f"{url}/riskClass").json() == {"name": "riskClass",
                                                               "value": ["C"]}
    assert sandbox_api.http.put(f"{url}/riskClass", json={"name": "risk.class-2",
                                                          "value": []}).status_code == 204
    problem(sandbox_api.http.get(f"{url}/riskClass"), 404)
    assert sandbox_api.http.get(f"{url}/risk.class-2").json() == {"name": "risk.class-2",
                                                                  "value": []}
    assert sandbox_api.http.delete(f"{url}/risk.class-2").status_code == 204
    problem(sandbox_api.http.get(f"{url}/risk.class-2"), 404)
    problem(sandbox_api.http.delete(f"{url}/risk.class-2"), 404)


def test_duplicate_names_conflict(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    url = f"/debtors/{guid}/extrafields"
    sandbox_api.http.post(url, json={"name": "segment", "value": ["B2C"]})
    sandbox_api.http.post(url, json={"name": "note", "value": ["x"]})
    problem(sandbox_api.http.post(url, json={"name": "Segment", "value": []}), 409)
    problem(sandbox_api.http.put(f"{url}/note", json={"name": "SEGMENT", "value": []}), 409)
    # The same name on another debtor is fine.
    other = sandbox_api.create_debtor()["debtorGuid"]
    answer = sandbox_api.http.post(f"/debtors/{other}/extrafields",
                                   json={"name": "segment", "value": []})
    assert answer.status_code == 201


def test_list_filter_and_order(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    url = f"/debtors/{guid}/extrafields"
    for name in ("beta", "Alpha", "gamma"):
        sandbox_api.http.post(url, json={"name": name, "value": [name]})
    listed = sandbox_api.http.get(url).json()
    assert [row["name"] for row in listed["value"]] == ["Alpha", "beta", "gamma"]
    assert listed["total"] == 3
    desc = sandbox_api.http.get(url, params={"$orderby": "name desc", "$top": 1}).json()
    assert (desc["value"], desc["total"]) == ([{"name": "gamma", "value": ["gamma"]}], 3)
    found = sandbox_api.http.get(url, params={"$filter": "name eq 'ALPHA' or name eq 'Gamma'"})
    assert [row["name"] for row in found.json()["value"]] == ["Alpha", "gamma"]
    field_errors(sandbox_api.http.get(url, params={"$filter": "value eq 'x'"}))


def test_validation(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    url = f"/debtors/{guid}/extrafields"
    bad = [
        ({"value": ["x"]}, "name"),
        ({"name": "has space", "value": []}, "name"),
        ({"name": "slash/no", "value": []}, "name"),
        ({"name": "x" * 51, "value": []}, "name"),
        ({"name": "ok", "value": "not a list"}, "value"),
        ({"name": "ok", "value": ["x"] * 21}, "value"),
        ({"name": "ok", "value": ["x" * 501]}, "value"),
        ({"name": "ok", "value": [1]}, "value"),
    ]
    for body, field in bad:
        assert field in field_errors(sandbox_api.http.post(url, json=body)), body
    at_limits = {"name": "n" * 50, "value": ["v" * 500] * 20}
    assert sandbox_api.http.post(url, json=at_limits).status_code == 201
    sandbox_api.http.post(url, json={"name": "ok", "value": []})
    assert "value" in field_errors(sandbox_api.http.put(f"{url}/ok", json={"value": ["x"] * 21}))


def test_unknown_debtor_is_404(sandbox_api):
    problem(sandbox_api.http.get("/debtors/00000000-0000-4000-8000-000000000000/extrafields"),
            404)
    problem(sandbox_api.http.post("/debtors/zz/extrafields", json={"name": "a", "value": []}),
            404)
