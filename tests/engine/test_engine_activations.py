"""Activation records on a real engine: list filters and paging, docs, count, get/result/logs, bad ids."""

from __future__ import annotations

import pytest
from helpers.engine import OwSession, deploy, unique

SUMMARY_KEYS = {"namespace", "name", "version", "publish", "annotations", "activationId"} | {
    "start", "end", "duration", "statusCode",
}  # fmt: skip


@pytest.fixture(scope="module")
def runs(engine) -> tuple[str, list[dict]]:
    """An action invoked three times (blocking), its records oldest first."""
    with OwSession(engine) as ow:
        name = unique("acts")
        deploy(ow, name, "def main(a):\n    print('n', a['n'])\n    return {'n': a['n']}\n")
        records = []
        for n in range(3):
            r = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"n": n})
            assert r.status_code == 200, r.text
            records.append(r.json())
        return name, records


def test_list_by_name_newest_first_with_summaries(ow: OwSession, runs):
    name, records = runs
    listed = ow.get(ow.ns(f"activations?name={name}")).json()
    assert [a["activationId"] for a in listed] == [r["activationId"] for r in records[::-1]]
    assert set(listed[0]) == SUMMARY_KEYS and listed[0]["statusCode"] == 0
    assert all(a["name"] == name for a in listed)


def test_list_docs_gives_full_records_with_logs(ow: OwSession, runs):
    name, records = runs
    docs = ow.get(ow.ns(f"activations?name={name}&docs=true&limit=1")).json()
    assert len(docs) == 1 and docs[0]["activationId"] == records[-1]["activationId"]
    assert docs[0]["response"]["result"] == {"n": 2}
    assert any(line.endswith("stdout: n 2") for line in docs[0]["logs"])


def test_list_paging_count_and_time_window(ow: OwSession, runs):
    name, records = runs
    ids = [r["activationId"] for r in records]
    page = ow.get(ow.ns(f"activations?name={name}&limit=1&skip=1")).json()
    assert [a["activationId"] for a in page] == [ids[1]]
    assert ow.get(ow.ns(f"activations?name={name}&count=true")).json() == {"activations": 3}
    since, upto = records[1]["start"], records[1]["start"]
    window = ow.get(ow.ns(f"activations?name={name}&since={since}&upto={upto}")).json()
    assert ids[1] in [a["activationId"] for a in window]  # inclusive on start at both ends
    later = ow.get(ow.ns(f"activations?name={name}&since={records[2]['start'] + 1}")).json()
    assert later == []


def test_get_result_and_logs(ow: OwSession, runs):
    _, records = runs
    aid = records[0]["activationId"]
    record = ow.get(ow.ns(f"activations/{aid}")).json()
    assert record["response"] == {"result": {"n": 0}, "size": 7, "status": "success", "success": True}
    assert ow.get(ow.ns(f"activations/{aid}/result")).json() == record["response"]
    logs = ow.get(ow.ns(f"activations/{aid}/logs")).json()["logs"]
    assert logs == record["logs"] and len(logs) == 1
    assert logs[0].endswith("Z stdout: n 0") and logs[0][19] == "." and len(logs[0].split("Z")[0]) == 29


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("count=true&docs=true", 400, "The parameter 'docs' is not permitted with 'count'."),
        ("since=yesterday", 400, "The query parameter 'since' was malformed:\n"
         "Parameter is not a valid value for epoch seconds: yesterday"),
        ("name=a/b/c", 400, "The query parameter 'name' was malformed:\n"
         "Parameter may be a 'simple' name or 'package-name/simple' name: a/b/c"),
        ("limit=500", 400, "The query parameter 'limit' was malformed:\n"
         "The value '500' is not in the range of 0 to 200 for activations."),
    ],
)  # fmt: skip
def test_bad_list_queries(ow: OwSession, query, status, message):
    r = ow.get(ow.ns(f"activations?{query}"))
    assert r.status_code == status and r.json()["error"] == message


@pytest.mark.parametrize(
    ("aid", "message"),
    [
        ("abc", "Activation id length is 3 but must be 32."),
        ("0" * 33, "Activation id length is 33 but must be 32."),
        ("z" * 32, "The activation id is not valid."),
    ],
)
def test_bad_activation_ids_are_400(ow: OwSession, aid, message):
    for suffix in ("", "/result", "/logs"):
        r = ow.get(ow.ns(f"activations/{aid}{suffix}"))
        assert r.status_code == 400 and r.json()["error"] == message


def test_unknown_activation_is_404(ow: OwSession):
    for suffix in ("", "/result", "/logs"):
        r = ow.get(ow.ns(f"activations/{'0' * 32}{suffix}"))
        assert r.status_code == 404 and r.json()["error"] == "The requested resource does not exist."
