"""Two answers compared with upstream's documented ones (issue 13's divergences):

* parameters marked ``"init": true`` leave the run's arguments on every run and become the environment of
  a cold start's init, stringified as the invoker does (contract part 2, 5.1); the ``__OW_*`` values are
  there at init too (5.2);
* ``sys.exit()`` in a run answers the Go action proxy's ``{"error": "command exited"}`` (``runHandler.go``),
  and during init its ``Cannot start action. Check logs for details.`` with ``command exited`` in the logs
  (``initHandler.go`` with ``OW_LOG_INIT_ERROR``, as the Python images set it).
"""

from __future__ import annotations

from helpers.engine import OwSession, deploy, invoke, unique

# Reads its environment at import (init) and reports it with its arguments on each run.
SEES = (
    "import os\n"
    "AT_INIT = {k: os.environ.get(k) for k in ('TOKEN', 'LIMITS', 'FLAG', 'EMPTY', '__OW_ACTION_NAME',\n"
    "           '__OW_ACTIVATION_ID', '__OW_NAMESPACE')}\n"
    "def main(a):\n"
    "    return {'init': AT_INIT, 'args': sorted(a)}\n"
)


def _init_params() -> list[dict]:
    return [
        {"key": "TOKEN", "value": "abc", "init": True},
        {"key": "LIMITS", "value": {"n": [1, 2]}, "init": True},
        {"key": "FLAG", "value": True, "init": True},
        {"key": "EMPTY", "value": None, "init": True},
        {"key": "plain", "value": 1},
    ]


def test_init_parameters_go_to_the_environment_and_never_to_the_run(ow: OwSession):
    name = unique("initenv")
    doc = deploy(ow, name, SEES, parameters=_init_params())
    assert {"key": "TOKEN", "value": "abc", "init": True} in doc["parameters"]
    cold = invoke(ow, name, {"extra": 2})
    assert cold.status_code == 200, cold.text
    result = cold.json()["response"]["result"]
    assert result["args"] == ["extra", "plain"]  # init keys are removed from the run's value
    env = result["init"]
    assert (env["TOKEN"], env["LIMITS"], env["FLAG"], env["EMPTY"]) == ("abc", '{"n":[1,2]}', "true", "")
    assert env["__OW_ACTION_NAME"] == f"/guest/{name}" and env["__OW_NAMESPACE"] == "guest"
    assert env["__OW_ACTIVATION_ID"] == cold.json()["activationId"]  # the cold start's own id
    warm = invoke(ow, name, {"TOKEN": "from-the-invoke"}).json()
    assert warm["response"]["result"]["args"] == ["plain"]  # removed on warm runs too, even when invoked


def test_the_invoke_value_of_an_init_parameter_wins_at_a_cold_start(ow: OwSession):
    name = unique("initwin")
    deploy(ow, name, SEES, parameters=_init_params())
    cold = invoke(ow, name, {"TOKEN": "given"}).json()
    assert cold["response"]["result"]["init"]["TOKEN"] == "given"


def test_sys_exit_in_a_run_is_command_exited_and_the_next_run_is_cold(ow: OwSession):
    name = unique("exitrun")
    code = (
        "import sys\ndef main(a):\n    if a.get('stop'):\n        sys.exit('bye now')\n    return {'ok': 1}\n"
    )
    deploy(ow, name, code)
    assert invoke(ow, name).status_code == 200
    r = invoke(ow, name, {"stop": True})
    assert r.status_code == 502
    record = r.json()
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"] == {"error": "command exited"}
    logs = ow.get(ow.ns(f"activations/{record['activationId']}/logs")).json()["logs"]
    assert any(line.endswith("stderr: bye now") for line in logs), logs
    again = invoke(ow, name).json()
    assert any(a["key"] == "initTime" for a in again["annotations"])  # the container was destroyed


def test_sys_exit_during_init_logs_command_exited(ow: OwSession):
    name = unique("exitinit")
    deploy(ow, name, "import sys\nsys.exit(3)\ndef main(a):\n    return {}\n")
    r = invoke(ow, name)
    record = r.json()
    assert record["response"]["result"] == {"error": "Cannot start action. Check logs for details."}
    logs = ow.get(ow.ns(f"activations/{record['activationId']}/logs")).json()["logs"]
    assert any(line.endswith("stderr: command exited") for line in logs), logs
