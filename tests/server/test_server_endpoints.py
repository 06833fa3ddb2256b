"""Every endpoint of the server extension through the Jupyter server's test client, against a real engine.

The sidebar's flow end to end: list the classes of a notebook (unsaved cells count), build + local test +
deploy one as a job, see it among the actions, invoke it blocking and not, read its activations (cold then
warm), logs and result, the stats, then delete it. And the errors: each is ``{error, code, fix, status}``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_faas.config import mask_key
from jupyter_faas.contract import GUEST_KEY

GREETER = '''
class Greeter:
    """Says hello."""

    def __init__(self, greeting="Hello"):
        self.greeting = greeting

    def predict(self, name="world", fail=False):
        if fail:
            raise ValueError("asked to fail")
        print(f"greeting {name}")
        return {"text": f"{self.greeting}, {name}!"}
'''

OTHER = """
class Helper:
    def __call__(self, x):
        return x

class _Private:
    pass
"""


async def test_config_is_masked(api: Any, engine: Any) -> None:
    status, config = await api("GET", "config")
    assert status == 200
    assert config["apihost"] == engine.apihost
    assert config["auth"] == mask_key(engine.auth) and engine.auth != GUEST_KEY
    assert config["namespace"] == "_"
    assert engine.auth.split(":")[1] not in str(config)
    assert {row["name"] for row in config["settings"]} == {"apihost", "auth", "namespace", "insecure"}


async def test_classes_of_the_current_cells(api: Any, notebook: Any) -> None:
    body = notebook("import os", GREETER, OTHER, "%%time\nclass Timed:\n    pass\n", "class Broken(:\n")
    status, payload = await api("POST", "classes", body=body)
    assert status == 200, payload
    classes = {c["name"]: c for c in payload["classes"]}
    assert list(classes) == ["Greeter", "Helper", "_Private"]  # the %%time cell and the broken one count not
    greeter = classes["Greeter"]
    assert greeter["cellId"] == "c1" and greeter["cellIndex"] == 1
    assert greeter["method"] == "predict" and greeter["params"] == ["name", "fail"]
    assert greeter["doc"] == "Says hello."
    assert greeter["line"] == 2 and greeter["endLine"] > greeter["line"]
    assert classes["Helper"]["method"] == "__call__"
    assert classes["_Private"]["method"] is None
    # an unsaved edit that renames the class is what the server sees
    body["cells"][1]["source"] = GREETER.replace("class Greeter", "class Welcomer")
    status, payload = await api("POST", "classes", body=body)
    assert payload["classes"][0]["name"] == "Welcomer"


async def test_classes_refuses_paths_outside_the_root(api: Any, notebook: Any) -> None:
    status, error = await api("POST", "classes", body=notebook(GREETER, path="../../etc/x.ipynb"))
    assert status == 403
    assert error["code"] == "FaasError" and "outside" in error["error"] and error["fix"]


async def test_bad_bodies_are_400_with_a_fix(api: Any, jp_fetch: Any) -> None:
    status, error = await api("POST", "classes", body={"cells": "nope"})
    assert status == 400 and error["fix"]
    status, error = await api("POST", "builds", body={"path": "a.ipynb", "cells": [], "options": {}})
    assert status == 400 and "class" in error["error"].lower()
    status, error = await api(
        "POST", "builds", body={"path": "a.ipynb", "cells": [], "options": {"className": "A", "memory": "x"}}
    )
    assert status == 400 and "memory" in error["error"]
    status, error = await api("GET", "activations", params={"limit": "many"})
    assert status == 400 and error["code"] == "BadRequest"
    from tornado.httpclient import HTTPClientError

    try:
        await jp_fetch("jupyter-faas", "classes", method="POST", body="{not json")
    except HTTPClientError as exc:
        assert exc.code == 400
        assert b"not JSON" in exc.response.body
    else:
        raise AssertionError("malformed JSON was accepted")


async def test_build_test_deploy_invoke_activations_stats_delete(
    api: Any, notebook: Any, wait_job: Any
) -> None:
    name = "sidebar-greeter"
    body = notebook("import json", GREETER)
    body["options"] = {
        "className": "Greeter",
        "name": name,
        "memory": 192,
        "timeout": 20000,
        "testArgs": {"name": "test"},
    }
    status, job = await api("POST", "builds", body=body)
    assert status == 202, job
    assert job["state"] == "running" and [s["name"] for s in job["stages"]] == ["build", "test", "deploy"]
    job = await wait_job(job)
    assert job["state"] == "succeeded", job["error"]
    assert [s["state"] for s in job["stages"]] == ["done", "done", "done"]
    build = job["build"]
    assert build["name"] == name and build["className"] == "Greeter" and build["method"] == "predict"
    assert build["plan"]["choice"] in ("zip", "virtualenv") and build["zipBytes"] > 0
    assert "Captured class Greeter" in build["summary"]
    runs = job["test"]["runs"]
    assert job["test"]["ok"] and [r["cold"] for r in runs] == [True, False]
    assert job["test"]["result"] == {"text": "Hello, test!"}
    assert runs[0]["initMs"] is not None and runs[1]["initMs"] is None
    assert job["deployment"]["version"] == "0.0.1" and job["deployment"]["uploaded"] is True

    status, listing = await api("GET", "actions")
    assert status == 200
    mine = next(a for a in listing["actions"] if a["name"] == name)
    assert mine["version"] == "0.0.1" and mine["memory"] == 192 and mine["timeout"] == 20000
    assert mine["className"] == "Greeter.predict" and mine["lastActivation"] is None

    status, action = await api("GET", "actions", name)
    assert status == 200 and action["name"] == name and "code" not in action["exec"]

    # blocking invoke: the first is a cold start on the engine, the second warm
    status, first = await api("POST", "actions", name, "invoke", body={"params": {"name": "Ada"}})
    assert status == 200, first
    assert first["activation"]["response"]["result"] == {"text": "Hello, Ada!"}
    assert first["activation"]["cold"] is True and first["activation"]["initTime"] is not None
    status, second = await api("POST", "actions", name, "invoke", body={"params": {"name": "Bob"}})
    assert second["activation"]["cold"] is False and second["activation"]["initTime"] is None

    # a failed activation is a result to show, not an HTTP error
    status, failed = await api("POST", "actions", name, "invoke", body={"params": {"fail": True}})
    assert status == 200
    assert failed["activation"]["success"] is False
    assert failed["activation"]["status"] == "application error"
    assert "asked to fail" in failed["activation"]["response"]["result"]["error"]

    # non-blocking: 202 with an id; the record appears once stored (404 until then)
    status, started = await api(
        "POST", "actions", name, "invoke", body={"params": {"name": "Cy"}, "blocking": False}
    )
    assert status == 202 and len(started["activationId"]) == 32
    activation_id = started["activationId"]
    for _ in range(200):
        status, record = await api("GET", "activations", activation_id)
        if status != 404:
            break
        assert record["code"] == "NotFound" and record["fix"]
        await asyncio.sleep(0.05)
    assert status == 200 and record["response"]["result"] == {"text": "Hello, Cy!"}
    assert record["cold"] is False and record["waitTime"] is not None

    status, logs = await api("GET", "activations", activation_id, "logs")
    assert status == 200 and any("greeting Cy" in line for line in logs["logs"])
    status, result = await api("GET", "activations", activation_id, "result")
    assert status == 200 and result["result"] == {"text": "Hello, Cy!"} and result["success"] is True

    status, listing = await api("GET", "activations", params={"name": name, "limit": 10})
    assert status == 200
    records = listing["activations"]
    assert len(records) == 4 and {r["name"] for r in records} == {name}
    assert [r["cold"] for r in records][-1] is True  # newest first: the oldest was the cold start
    assert sum(r["cold"] for r in records) == 1
    assert "response" not in records[0]  # summaries: no results shipped in lists

    status, listing = await api("GET", "actions")
    mine = next(a for a in listing["actions"] if a["name"] == name)
    assert mine["lastActivation"]["activationId"] == activation_id

    status, stats = await api("GET", "stats", params={"name": name})
    assert status == 200
    (row,) = stats["actions"]
    assert row["action"] == name and row["count"] == 4 and row["cold"] == 1 and row["warm"] == 3
    assert row["coldShare"] == 0.25 and row["successRate"] == 75.0
    assert row["p50"] is not None and row["p95"] >= row["p50"] and row["initP50"] is not None
    assert len(row["series"]) == 4 and row["series"][0]["cold"] is True

    # deploying again without a change uploads nothing
    status, job = await api("POST", "builds", body={**body, "options": {**body["options"], "testArgs": None}})
    job = await wait_job(job)
    assert job["state"] == "succeeded", job["error"]
    assert job["test"]["smoke"] is True and job["deployment"]["uploaded"] is False

    status, deleted = await api("DELETE", "actions", name)
    assert status == 200 and deleted["deleted"]["name"] == name
    status, error = await api("GET", "actions", name)
    assert status == 404
    assert error["code"] == "NotFound" and error["error"] and error["fix"] and error["status"] == 404


async def test_a_failing_build_reports_the_error_and_fix(api: Any, notebook: Any, wait_job: Any) -> None:
    body = notebook(GREETER)
    body["options"] = {"className": "Missing"}
    status, job = await api("POST", "builds", body=body)
    assert status == 202
    job = await wait_job(job)
    assert job["state"] == "failed"
    assert job["error"]["code"] == "CaptureError"
    assert "Missing" in job["error"]["error"] and "Greeter" in job["error"]["error"] and job["error"]["fix"]
    assert job["stages"][0] == {"name": "build", "state": "failed", "seconds": job["stages"][0]["seconds"]}
    assert job["stages"][1]["state"] == "pending"


async def test_a_failing_local_test_shows_its_runs(api: Any, notebook: Any, wait_job: Any) -> None:
    body = notebook(GREETER)
    body["options"] = {"className": "Greeter", "name": "sidebar-fails", "testArgs": {"fail": True}}
    status, job = await api("POST", "builds", body=body)
    job = await wait_job(job)
    assert job["state"] == "failed"
    assert job["error"]["code"] == "ActionError" and "asked to fail" in job["error"]["error"]
    assert job["test"]["ok"] is False and job["test"]["runs"][0]["status"] == "application error"
    assert [s["state"] for s in job["stages"]] == ["done", "failed", "pending"]
    status, _ = await api("GET", "actions", "sidebar-fails")
    assert status == 404  # nothing was deployed


async def test_unknown_ids(api: Any) -> None:
    status, error = await api("GET", "builds", "f" * 32)
    assert status == 404 and error["code"] == "NotFound"
    status, error = await api("GET", "activations", "nope")
    assert status == 400 and error["code"] == "InvalidRequest" and "32" in error["error"]
    # The next step travels as data, for the sidebar's button; the fix words it as a command.
    assert error["steps"] == [{"verb": "activation.list", "args": []}]
    assert "`jupyter-faas activation list`" in error["fix"]
    status, error = await api("POST", "actions", "no-such-action", "invoke", body={"params": {}})
    assert status == 404 and error["code"] == "NotFound"
    assert error["steps"] == [{"verb": "action.list", "args": []}]


async def test_local_modules_beside_the_notebook_are_bundled(
    api: Any, notebook: Any, wait_job: Any, jp_root_dir: Any
) -> None:
    folder = jp_root_dir / "work"
    folder.mkdir()
    (folder / "helper.py").write_text("def shout(text):\n    return text.upper() + '!'\n")
    body = notebook(
        "from helper import shout",
        "class Shouter:\n    def predict(self, text='hi'):\n        return {'text': shout(text)}\n",
        path="work/shout.ipynb",
    )
    body["options"] = {"className": "Shouter", "testArgs": {"text": "hey"}, "deploy": False}
    status, job = await api("POST", "builds", body=body)
    assert status == 202
    job = await wait_job(job)
    assert job["state"] == "succeeded", job["error"]
    assert [s["name"] for s in job["stages"]] == ["build", "test"]
    assert job["test"]["result"] == {"text": "HEY!"}
    assert "helper.py" in job["build"]["summary"]
    assert job["deployment"] is None
