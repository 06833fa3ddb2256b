"""Running actions: cold and warm, results, errors, environment variables, logs, isolation."""

from __future__ import annotations

import re

import pytest
from helpers.runtime import log_texts, make_request, make_spec

from jupyter_faas.runtime import Runtime

COUNTER = """
import os
loaded = []
calls = 0
loaded.append(os.getpid())

def main(args):
    global calls
    calls += 1
    return {"calls": calls, "pid": os.getpid(), "loads": len(loaded), "echo": args}
"""


def test_cold_then_warm_reuses_module_globals(runtime: Runtime) -> None:
    spec = make_spec(COUNTER)
    first = runtime.run(spec, make_request({"n": 1}))
    second = runtime.run(spec, make_request({"n": 2}))
    assert first.status_code == 0 and second.status_code == 0
    assert first.result["echo"] == {"n": 1} and second.result["echo"] == {"n": 2}
    assert first.init_ms is not None and first.init_ms >= 0
    assert second.init_ms is None
    assert second.result["pid"] == first.result["pid"]
    assert (first.result["calls"], second.result["calls"]) == (1, 2)
    assert second.result["loads"] == 1
    assert first.start_ms <= first.end_ms and second.start_ms <= second.end_ms
    assert runtime.warm_count(spec.key) == 1


def test_a_different_key_never_reuses_a_container(runtime: Runtime) -> None:
    one = make_spec(COUNTER)
    two = make_spec(COUNTER)
    a = runtime.run(one, make_request())
    b = runtime.run(two, make_request())
    assert b.init_ms is not None
    assert a.result["pid"] != b.result["pid"]
    assert b.result["calls"] == 1


def test_exec_main_names_the_entry_function(runtime: Runtime) -> None:
    spec = make_spec(
        "def main(a):\n    return {'f': 'main'}\ndef handler(a):\n    return {'f': 'handler'}\n",
        main="handler",
    )
    assert runtime.run(spec, make_request()).result == {"f": "handler"}


def test_a_missing_entry_function_fails_init_with_upstream_message(runtime: Runtime) -> None:
    spec = make_spec("def main(a):\n    return {}\n", main="nothere")
    out = runtime.run(spec, make_request())
    assert out.status_code == 2
    assert out.result == {"error": "Cannot start action. Check logs for details."}
    assert out.init_ms is not None
    assert any("cannot import name 'nothere'" in line for line in out.logs)
    assert runtime.warm_count(spec.key) == 0


def test_syntax_error_fails_init_with_upstream_message(runtime: Runtime) -> None:
    out = runtime.run(make_spec("def main(a):\n    return {\n"), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action failed to generate or locate a binary. See logs for details."}
    assert any("SyntaxError" in line for line in out.logs)


def test_ow_environment_variables(runtime: Runtime) -> None:
    code = (
        "import os\ndef main(a):\n    return {k: v for k, v in os.environ.items() if k.startswith('__OW_')}\n"
    )
    spec = make_spec(code, timeout_ms=5000)
    req = make_request(
        action_name="/guest/pkg/envs",
        api_host="http://127.0.0.1:3233",
        transaction_id="tx1",
        action_version="0.0.3",
    )
    env = runtime.run(spec, req).result
    assert env["__OW_ACTIVATION_ID"] == req.activation_id
    assert env["__OW_ACTION_NAME"] == "/guest/pkg/envs"
    assert env["__OW_ACTION_VERSION"] == "0.0.3"
    assert env["__OW_NAMESPACE"] == "guest"
    assert env["__OW_API_HOST"] == "http://127.0.0.1:3233"
    assert env["__OW_TRANSACTION_ID"] == "tx1"
    assert int(env["__OW_DEADLINE"]) > 0
    assert "__OW_API_KEY" not in env
    keyed = runtime.run(spec, make_request(api_key="user:secret")).result
    assert keyed["__OW_API_KEY"] == "user:secret"
    assert "__OW_API_KEY" not in runtime.run(spec, make_request()).result


def test_the_engines_environment_does_not_leak(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_FAAS_SECRET_FOR_TEST", "leak")
    code = "import os, sys\ndef main(a):\n    return {'env': dict(os.environ), 'path': sys.path}\n"
    out = runtime.run(make_spec(code, env={"GIVEN": "yes"}), make_request())
    assert out.status_code == 0
    assert "JUPYTER_FAAS_SECRET_FOR_TEST" not in out.result["env"]
    assert out.result["env"]["GIVEN"] == "yes"
    assert not any("jupyter_faas" in p or "/work/main/.venv" in p for p in out.result["path"])


def test_an_exception_is_an_application_error_with_traceback_in_logs(runtime: Runtime) -> None:
    spec = make_spec("def main(a):\n    raise ValueError('bad input: ' + a['x'])\n")
    out = runtime.run(spec, make_request({"x": "42"}))
    assert out.status_code == 1
    assert out.result == {"error": "bad input: 42"}
    texts = log_texts(out.logs)
    assert "stderr: Traceback (most recent call last):" in texts
    assert any(t.startswith("stderr: ValueError: bad input: 42") for t in texts)
    assert runtime.warm_count(spec.key) == 1  # kept after an application error


def test_an_error_field_is_an_application_error_carrying_only_the_error(runtime: Runtime) -> None:
    out = runtime.run(
        make_spec("def main(a):\n    return {'error': {'why': 1}, 'other': 2}\n"), make_request()
    )
    assert out.status_code == 1
    assert out.result == {"error": {"why": 1}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'a string'", "The action did not return a dictionary or array."),
        ("42", "The action did not return a dictionary or array."),
        ("None", "The action did not produce a valid JSON response: null"),
    ],
)
def test_a_result_that_is_not_an_object_or_array_is_a_developer_error(
    runtime: Runtime, value: str, message: str
) -> None:
    spec = make_spec(f"def main(a):\n    return {value}\n")
    out = runtime.run(spec, make_request())
    assert out.status_code == 2
    assert out.result == {"error": message}
    assert runtime.warm_count(spec.key) == 0  # destroyed after a developer error


def test_an_array_result_is_a_success(runtime: Runtime) -> None:
    out = runtime.run(make_spec("def main(a):\n    return [1, {'b': 2}]\n"), make_request())
    assert (out.status_code, out.result) == (0, [1, {"b": 2}])


def test_a_result_over_1mb_is_an_application_error(runtime: Runtime) -> None:
    spec = make_spec("def main(a):\n    return {'big': 'x' * (1024 * 1024)}\n")
    out = runtime.run(spec, make_request())
    assert out.status_code == 1
    error = out.result["error"]
    assert re.match(
        r"The action produced a response that exceeded the allowed length: \d+ > 1048576 bytes\. "
        r"The truncated response was: \{\"big\": \"xxx",
        error,
    )
    assert int(error.split(": ", 1)[1].split(" ")[0]) > 1024 * 1024


def test_logs_are_upstream_lines_in_order(runtime: Runtime) -> None:
    code = (
        "import sys\n"
        "def main(a):\n    print('one')\n    print('two', file=sys.stderr)\n"
        "    print('three')\n    return {}\n"
    )
    out = runtime.run(make_spec(code), make_request())
    pattern = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr): ")
    assert all(pattern.match(line) for line in out.logs), out.logs
    texts = log_texts(out.logs)
    assert [t for t in texts if t.startswith("stdout")] == ["stdout: one", "stdout: three"]
    assert "stderr: two" in texts
    assert not any("XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX" in line for line in out.logs)


def test_init_output_appears_in_the_cold_activations_logs_only(runtime: Runtime) -> None:
    spec = make_spec("print('loading')\ndef main(a):\n    print('running')\n    return {}\n")
    cold = log_texts(runtime.run(spec, make_request()).logs)
    warm = log_texts(runtime.run(spec, make_request()).logs)
    assert cold == ["stdout: loading", "stdout: running"]
    assert warm == ["stdout: running"]


def test_logs_over_the_limit_are_truncated_with_upstream_message(runtime: Runtime) -> None:
    code = (
        "def main(a):\n"
        "    for i in range(3000):\n        print('line %04d ' % i + 'y' * 400)\n    return {'ok': 1}\n"
    )
    out = runtime.run(make_spec(code, logs_mb=1), make_request())
    assert out.status_code == 0 and out.result == {"ok": 1}
    assert out.logs[-1].endswith(
        " stderr: Logs were truncated because the total bytes size exceeds the limit of 1048576 bytes."
    )
    assert 1000 < len(out.logs) < 3000
    assert sum(len(line) + 1 for line in out.logs[:-1]) <= 1048576
    assert log_texts(out.logs)[0].startswith("stdout: line 0000 ")


def test_isolation_from_the_engines_packages(runtime: Runtime) -> None:
    code = (
        "def main(a):\n"
        "    import requests, bs4, dateutil, simplejson\n"
        "    try:\n"
        "        __import__(a['pkg'])\n"
        "    except ModuleNotFoundError as exc:\n"
        "        return {'missing': exc.name, 'requests': requests.__version__}\n"
        "    return {'missing': None}\n"
    )
    spec = make_spec(code)
    for pkg in ("pytest", "tornado", "jupyter_faas"):
        out = runtime.run(spec, make_request({"pkg": pkg}))
        assert out.result["missing"] == pkg, out
    assert out.result["requests"] == "2.32.2"  # the version python:3.11's image pins


def test_python_default_runs_python_3_10_with_its_own_stock_packages(runtime: Runtime) -> None:
    code = (
        "import sys, requests\n"
        "def main(a):\n    return {'v': list(sys.version_info[:2]), 'r': requests.__version__}\n"
    )
    out = runtime.run(make_spec(code, kind="python:default"), make_request())
    assert out.result == {"v": [3, 10], "r": "2.26.0"}


def test_an_unknown_kind_is_a_whisk_internal_error(runtime: Runtime) -> None:
    out = runtime.run(make_spec("def main(a):\n    return {}\n", kind="python:2.7"), make_request())
    assert out.status_code == 3
    assert out.result["error"].startswith("Failed to provision resources to run the action.")
    assert "python:2.7" in out.result["error"]


def test_a_long_line_is_split_into_16k_entries_as_dockers_log_driver_does(runtime: Runtime) -> None:
    out = runtime.run(make_spec("def main(a):\n    print('z' * 40000)\n    return {}\n"), make_request())
    texts = log_texts(out.logs)
    assert [len(t) - len("stdout: ") for t in texts] == [16384, 16384, 40000 - 2 * 16384]


def test_an_action_that_closes_stdout_keeps_working_warm(runtime: Runtime) -> None:
    code = "import os, sys\ndef main(a):\n    if a.get('close'):\n        os.close(1)\n    return {'ok': 1}\n"
    spec = make_spec(code, timeout_ms=3000)
    assert runtime.run(spec, make_request({"close": True})).result == {"ok": 1}
    again = runtime.run(spec, make_request())
    assert (again.status_code, again.result, again.timeout) == (0, {"ok": 1}, False)


def test_an_action_without_code_fails_init_as_the_proxy_does(runtime: Runtime) -> None:
    out = runtime.run(make_spec(""), make_request())
    assert (out.status_code, out.result) == (2, {"error": "Missing main/no code to execute."})


def test_memory_peak_is_reported(runtime: Runtime) -> None:
    out = runtime.run(make_spec("def main(a):\n    return {}\n"), make_request())
    assert out.memory_peak_bytes is not None and out.memory_peak_bytes > 1024 * 1024


def test_non_ascii_text_survives_logs_params_and_results(runtime: Runtime) -> None:
    code = "def main(a):\n    print('héllo ✓ ' + a['w'])\n    return {'echo': a['w'] + ' ü'}\n"
    out = runtime.run(make_spec(code), make_request({"w": "日本"}))
    assert out.result == {"echo": "日本 ü"}
    assert log_texts(out.logs) == ["stdout: héllo ✓ 日本"]
