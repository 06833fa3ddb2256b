"""Bad input as seen from a notebook cell: every build and client mistake is a ``UsageError`` that says
what went wrong and what to do, with no traceback and never the key."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.shell import TestingShell, open_shell
from IPython.core.error import UsageError

from jupyter_faas.engine import EngineHandle

WRONG_KEY = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:" + "w" * 64
GOOD = "class Good{n}:\n    def predict(self, x=1):\n        return {{'x': x}}\n"


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: EngineHandle) -> TestingShell:
    return open_shell(monkeypatch, tmp_path, engine)


def usage_error(
    shell: TestingShell, source: str, capsys: pytest.CaptureFixture[str], *, cell_error: bool = False
) -> str:
    """Run ``source``; it must fail with a UsageError shown without a traceback of ours. Its message.

    The message may quote an action's own logs (which can hold the action's traceback); with
    ``cell_error`` the user's cell raised, and its traceback (only its own frames) is shown above.
    """
    capsys.readouterr()
    with pytest.raises(UsageError) as caught:
        shell.cell(source)
    message = str(caught.value)
    shown = capsys.readouterr()
    rest = (shown.out + shown.err).replace(message, "")
    assert "UsageError" in rest  # IPython shows it as a one-line usage error
    assert "jupyter_faas" not in rest and "interactiveshell.py" not in rest, rest
    if not cell_error:
        assert "Traceback" not in rest, rest
    return message


Capsys = pytest.CaptureFixture[str]


def test_class_not_found_lists_the_classes(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell(GOOD.format(n=1))
    shell.cell("class Other1:\n    def predict(self):\n        return {}\n")
    text = usage_error(shell, "%faas_deploy Missing --dry-run --no-test", capsys)
    assert "Class Missing not found. Classes in the notebook: Good1, Other1." in text
    assert "Give the name of a class" in text


def test_undefined_name(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell("class Uses2:\n    def predict(self):\n        return {'v': not_defined_anywhere}\n")
    text = usage_error(shell, "%faas_deploy Uses2 --dry-run --no-test", capsys)
    assert "not_defined_anywhere is used by" in text and "defined nowhere in the notebook" in text


def test_missing_method(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell("class NoCall3:\n    def run(self):\n        return {}\n")
    text = usage_error(shell, "%faas_deploy NoCall3 --dry-run --no-test", capsys)
    assert "Class NoCall3 has neither predict nor __call__. Its methods: run." in text
    assert "--method" in text
    text = usage_error(shell, "%faas_test NoCall3 --method infer", capsys)
    assert "Class NoCall3 has no method infer" in text


def test_syntax_errors(shell: TestingShell, capsys: Capsys) -> None:
    text = usage_error(shell, "%%faas_deploy --name broken --dry-run\nclass Broken4(:\n    pass\n", capsys)
    assert "The cell has a syntax error at line 1" in text and "nothing was built" in text
    with pytest.raises(SyntaxError):
        shell.cell("class Broken5:\n    def predict(self) return 1\n")
    text = usage_error(shell, "%faas_deploy Broken5 --dry-run --no-test", capsys)
    assert "Class Broken5 is in In[" in text and "which has a syntax error at line 2" in text


def test_a_cell_that_raises_deploys_nothing(
    shell: TestingShell, capsys: Capsys, engine: EngineHandle
) -> None:
    capsys.readouterr()
    with pytest.raises(UsageError) as caught:
        shell.cell("%%faas_deploy --name raiser\nclass Raiser6:\n    pass\n1 / 0\n")
    assert "The cell raised ZeroDivisionError: division by zero" in str(caught.value)
    shown = capsys.readouterr().out
    assert "ZeroDivisionError" in shown and "1 / 0" in shown  # the user's own traceback is shown
    assert "jupyter_faas" not in shown  # ... without our frames
    assert "raiser" not in [a["name"] for a in shell.cell("%faas_actions")]


def test_class_only_in_a_magic_cell(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell("%%capture\nclass Hidden7:\n    def predict(self):\n        return {}\n")
    text = usage_error(shell, "%faas_deploy Hidden7 --dry-run --no-test", capsys)
    assert "Class Hidden7 is defined only in In[" in text and "(a %%capture cell)" in text
    assert "Move the class into a plain code cell" in text


def test_module_not_installed(shell: TestingShell, capsys: Capsys) -> None:
    cell = "%%faas_deploy --name nomod --dry-run\nimport no_such_module_xyz\nclass NoMod8:\n    pass\n"
    text = usage_error(shell, cell, capsys, cell_error=True)
    assert "ModuleNotFoundError: No module named 'no_such_module_xyz'" in text
    # the same import in an earlier cell that failed: the build says where, and what to install
    with pytest.raises(ModuleNotFoundError):
        shell.cell("import no_such_module_xyz")
    shell.cell("class NoMod9:\n    def predict(self):\n        return {'m': no_such_module_xyz.x}\n")
    text = usage_error(shell, "%faas_deploy NoMod9 --dry-run --no-test", capsys)
    assert "Module no_such_module_xyz (imported at In[" in text and "is not installed in this Python" in text
    assert "pip install no_such_module_xyz" in text


def test_missing_file_and_over_limit_package(shell: TestingShell, capsys: Capsys, tmp_path: Path) -> None:
    shell.cell(GOOD.format(n=10))
    text = usage_error(shell, "%faas_deploy Good10 --include nope.bin --dry-run --no-test", capsys)
    assert "--include nope.bin: no such file or folder" in text
    (tmp_path / "huge.bin").write_bytes(os.urandom(37 * 1024 * 1024))  # incompressible, > 48 MB as base64
    text = usage_error(shell, "%faas_deploy Good10 --include huge.bin --dry-run --no-test", capsys)
    assert "over the 48.0 MB limit under every plan" in text and "Make the bundled files smaller" in text


def test_bad_arguments(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell(GOOD.format(n=11))
    shell.cell("class Second11:\n    pass\n")
    cases = {
        "%faas_deploy --name x": "%faas_deploy needs the class",
        "%%faas_deploy --name two\nclass A11:\n    pass\nclass B11:\n    pass\n": "defines 2 classes (A1",
        "%faas_deploy Good11 --test-args {bad": "--test-args is not JSON",
        "%faas_deploy Good11 --test-args '[1]'": "--test-args must be a JSON object",
        "%faas_deploy Good11 --kind python:2.7 --dry-run": "Unknown kind python:2.7.",
        "%faas_test Good11 --runs 0": "--runs must be at least 1",
        "%faas_invoke x {not json}": "The parameters are not JSON",
        "%faas_invoke x novalue": "'novalue' is not key=value",
        "%faas_stats --last 0": "--last must be at least 1",
        "%faas_deploy Good11 --memory lots": "invalid int value: 'lots'",
    }
    for source, expected in cases.items():
        assert expected in usage_error(shell, source, capsys), source


def test_a_failing_local_test_says_why_and_how_to_fix(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell(
        "import os\nclass Reader12:\n    def predict(self):\n        return {'t': open('data.txt').read()}\n"
    )
    text = usage_error(shell, "%faas_test Reader12 --test-args '{}'", capsys)
    assert "Local test of reader12 failed" in text and "data.txt" in text and "--include" in text


# -- client errors ---------------------------------------------------------------------------------------


def test_unknown_host_names_the_apihost_and_its_source(
    shell: TestingShell, capsys: Capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("__OW_API_HOST", "https://nonexistent.invalid")
    text = usage_error(shell, "%faas_actions", capsys)
    assert "Unknown host 'nonexistent.invalid'" in text
    assert "apihost https://nonexistent.invalid (from environment (__OW_API_HOST))" in text


def test_refused_connection_names_the_apihost(shell: TestingShell, capsys: Capsys) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    shell.cell(f"%faas_config --apihost http://127.0.0.1:{port}")
    text = usage_error(shell, "%faas_invoke hello", capsys)
    assert f"Connection refused by apihost http://127.0.0.1:{port} (from argument)" in text


def test_wrong_key_is_masked(shell: TestingShell, capsys: Capsys) -> None:
    capsys.readouterr()
    shell.cell(f"%faas_config --auth {WRONG_KEY}")
    text = usage_error(shell, "%faas_actions", capsys)
    assert "The supplied authentication is invalid" in text and "23bc46b1-...:****" in text
    assert "w" * 64 not in text + capsys.readouterr().out


def test_404_action_and_activation(shell: TestingShell, capsys: Capsys) -> None:
    text = usage_error(shell, "%faas_invoke no-such-action x=1", capsys)
    assert "action /_/no-such-action does not exist" in text and "%faas_actions" in text
    text = usage_error(shell, "%faas_logs " + "0" * 32, capsys)
    assert "does not exist" in text


def test_payload_over_1mb_is_refused_before_sending(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell("big = 'x' * 1_100_000")
    text = usage_error(shell, "%faas_invoke anything data=$big", capsys)
    assert "over OpenWhisk's limit of 1048576 bytes (1 MB); nothing was sent" in text


def test_an_activation_that_never_appears_times_out_with_its_id(shell: TestingShell, capsys: Capsys) -> None:
    missing = "f" * 32
    text = usage_error(shell, f"%faas_poll {missing} --timeout 1", capsys)
    assert f"Activation {missing} did not finish within 1 s" in text
    assert f"%faas_poll {missing}" in text  # the fix, in notebook words


def test_a_failed_activation_names_its_logs(shell: TestingShell, capsys: Capsys) -> None:
    shell.cell(
        "%%faas_deploy --name failing --no-test\n"
        "class Failing13:\n    def predict(self):\n        raise ValueError('no person found')\n"
    )
    text = usage_error(shell, "%faas_invoke failing", capsys)
    assert "The activation failed" in text and "no person found" in text
    activation_id = text.split("%faas_logs ")[1].split("`")[0]
    logs = shell.cell(f"%faas_logs {activation_id}")
    assert any("ValueError: no person found" in line for line in logs)


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        pids |= {int(p) for p in (task / "children").read_text().split()}
    return pids


def test_interrupting_a_local_test_leaves_no_process_behind(
    shell: TestingShell, capsys: Capsys, ctrl_c: Any
) -> None:
    shell.cell(
        "import time\nclass Slow14:\n    def predict(self):\n        time.sleep(30)\n        return {}\n"
    )
    before = _children()
    ctrl_c(2.0)
    text = usage_error(shell, "%faas_test Slow14 --test-args '{}'", capsys)
    assert "Interrupted while testing slow14 locally" in text
    deadline = time.monotonic() + 20
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _children() - before


def test_every_next_step_names_a_real_magic_or_command(shell: TestingShell) -> None:
    """A step in notebook words is a magic this shell has, or a `jupyter-faas` command the CLI parses."""
    from jupyter_faas.cli import build_parser
    from jupyter_faas.errors import COMMANDS
    from jupyter_faas.magics.session import NOTEBOOK

    magics = shell.magics_manager.lsmagic()
    for verb, words in NOTEBOOK.items():
        name, *options = words.split()
        if name.startswith("%%"):
            assert name[2:] in magics["cell"], (verb, words)
        elif name.startswith("%"):
            assert name[1:] in magics["line"], (verb, words)
            parsed = getattr(magics["line"][name[1:]], "parser", None)
            if options and parsed is not None:
                parsed.parse_args(options)  # the magic takes these options
        else:
            assert words == f"!{COMMANDS[verb]}", (verb, words)
    for verb, command in COMMANDS.items():
        program, *argv = command.split()
        assert program == "jupyter-faas", verb
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args([*argv, "--help"])  # an unknown command exits 2, a known one's help 0
        assert exited.value.code == 0, (verb, command)
