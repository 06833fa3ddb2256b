"""Zip actions: layout, files beside __main__.py, virtualenv/, and zip-slip protection."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from helpers.runtime import log_texts, make_request, make_spec, make_zip

from jupyter_faas.errors import ActionError
from jupyter_faas.runtime import Runtime
from jupyter_faas.runtime.archive import extract_zip

MAIN = """
import helper
with open("data/greeting.txt") as f:
    GREETING = f.read().strip()

def main(args):
    return {"text": helper.shout(GREETING + " " + args.get("name", "you"))}
"""


def test_zip_with_module_and_data_file_read_by_relative_path(runtime: Runtime) -> None:
    code = make_zip(
        {
            "__main__.py": MAIN,
            "helper.py": "def shout(s):\n    return s.upper()\n",
            "data/greeting.txt": "hello\n",
        }
    )
    out = runtime.run(make_spec(code), make_request({"name": "ada"}))
    assert (out.status_code, out.result) == (0, {"text": "HELLO ADA"})


def test_zip_without_main_py_fails_init(runtime: Runtime) -> None:
    out = runtime.run(make_spec(make_zip({"other.py": "x = 1\n"})), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action failed to generate or locate a binary. See logs for details."}
    assert "stderr: Zip file does not include __main__.py" in log_texts(out.logs)


def test_code_that_is_not_a_zip_fails_init(runtime: Runtime) -> None:
    out = runtime.run(make_spec(b"this is not a zip"), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action failed to generate or locate a binary. See logs for details."}
    assert any("not a valid zip archive" in line for line in out.logs)


def _tiny_virtualenv(root: Path, python: str) -> dict[str, bytes]:
    """A real venv (made by `python -m virtualenv`) with a pure-python package written on the fly."""
    venv = root / "virtualenv"
    subprocess.run([python, "-m", "virtualenv", "--no-seed", "-q", str(venv)], check=True)
    site = next(venv.glob("lib/python3.*/site-packages"))
    (site / "tinypkg").mkdir()
    (site / "tinypkg" / "__init__.py").write_text("VALUE = 'from the zip virtualenv'\n")
    files: dict[str, bytes] = {}
    for path in sorted(venv.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[str(path.relative_to(root))] = path.read_bytes()
    return files


def test_zip_with_virtualenv_is_activated_before_import(runtime: Runtime, kinds: Any, tmp_path: Path) -> None:
    files: dict[str, Any] = _tiny_virtualenv(tmp_path, str(kinds["python:3.11"].python))
    assert "virtualenv/bin/activate_this.py" in files
    files["__main__.py"] = "import tinypkg\ndef main(a):\n    return {'v': tinypkg.VALUE}\n"
    out = runtime.run(make_spec(make_zip(files)), make_request())
    assert (out.status_code, out.result) == (0, {"v": "from the zip virtualenv"}), out.logs


def test_zip_with_virtualenv_missing_activate_this(runtime: Runtime) -> None:
    code = make_zip(
        {
            "__main__.py": "def main(a):\n    return {}\n",
            "virtualenv/lib/python3.11/site-packages/x.py": "",
        }
    )
    out = runtime.run(make_spec(code), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action failed to generate or locate a binary. See logs for details."}
    assert "stderr: Invalid virtualenv. Zip file does not include 'activate_this.py'." in log_texts(out.logs)


def _raw_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.py", "'..' components"),
        ("sub/../../evil.py", "'..' components"),
        ("/tmp/evil.py", "absolute paths"),
        ("C:/evil.py", "absolute paths"),
    ],
)
def test_zip_slip_is_rejected_and_nothing_is_written(tmp_path: Path, name: str, why: str) -> None:
    target = tmp_path / "a" / "action"
    data = _raw_zip([("__main__.py", b"ok"), (name, b"pwned")])
    with pytest.raises(ActionError, match=why):
        extract_zip(data, target)
    assert not (tmp_path / "a" / "evil.py").exists()
    assert not (tmp_path / "evil.py").exists()
    assert list(target.iterdir()) == []


def test_symlinks_are_rejected(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(ActionError, match="symbolic links"):
        extract_zip(_raw_zip([(link, b"/etc/passwd")]), tmp_path / "t")


def test_a_zip_bomb_is_rejected_before_writing(tmp_path: Path) -> None:
    data = _raw_zip([("big.bin", b"\0" * (2 * 1024 * 1024))])
    with pytest.raises(ActionError, match="expands to"):
        extract_zip(data, tmp_path / "t", max_bytes=1024 * 1024)


def test_an_unsafe_zip_fails_the_action_as_an_init_error(runtime: Runtime) -> None:
    out = runtime.run(make_spec(_raw_zip([("__main__.py", b""), ("../x.py", b"")])), make_request())
    assert out.status_code == 2
    assert any("Unsafe zip entry '../x.py'" in line for line in out.logs)


def test_extracting_keeps_executable_bits(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("bin/tool")
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    extract_zip(_raw_zip([(info, b"#!/bin/sh\n")]), tmp_path / "t")
    assert (tmp_path / "t" / "bin" / "tool").stat().st_mode & 0o100


@pytest.mark.slow
def test_requirements_without_virtualenv_are_installed_at_init(runtime: Runtime) -> None:
    code = make_zip(
        {
            "__main__.py": "import tabulate\ndef main(a):\n    return {'v': tabulate.__version__}\n",
            "requirements.txt": "tabulate==0.9.0\n",
        }
    )
    out = runtime.run(make_spec(code, timeout_ms=120_000), make_request())
    assert (out.status_code, out.result) == (0, {"v": "0.9.0"}), out.logs


@pytest.mark.slow
def test_requirements_that_cannot_install_fail_init_with_pips_words_in_logs(runtime: Runtime) -> None:
    code = make_zip(
        {"__main__.py": "def main(a):\n    return {}\n", "requirements.txt": "no-such-dist-x9q==0.0.1\n"}
    )
    out = runtime.run(make_spec(code, timeout_ms=120_000), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action failed to generate or locate a binary. See logs for details."}
    assert any("no-such-dist-x9q" in line for line in out.logs)


# -- issue 11, point 4: bounded, corrupted, once per revision, inside the init's time limit -------------


def test_a_corrupted_zip_is_a_developer_error_at_init_not_a_whisk_error(runtime: Runtime) -> None:
    data = bytearray(make_zip({"__main__.py": "def main(a):\n    return {'x': " + "1" * 5000 + "}\n"}))
    at = data.index(b"__main__.py") + 40  # inside the deflated stream of the one file
    data[at : at + 16] = b"\x00" * 16
    out = runtime.run(make_spec(bytes(data)), make_request())
    assert out.status_code == 2, out
    assert out.result == {"error": "The action failed to generate or locate a binary. See logs for details."}
    assert any("not a valid zip archive" in line for line in out.logs), out.logs


def test_a_zip_with_too_many_entries_is_refused_before_writing(tmp_path: Path) -> None:
    data = make_zip({f"f{i}.txt": "" for i in range(11)})
    with pytest.raises(ActionError, match="has 11 entries, more than the 10 allowed"):
        extract_zip(data, tmp_path / "out", max_entries=10)
    assert not any((tmp_path / "out").iterdir())


def test_extraction_counts_inside_the_init_time_limit(runtime: Runtime) -> None:
    big = {f"data{i}.bin": os.urandom(1 << 20) for i in range(40)}  # 40 MB that do not compress
    spec = make_spec(make_zip({"__main__.py": "def main(a):\n    return {}\n", **big}), timeout_ms=100)
    out = runtime.run(spec, make_request())
    assert out.status_code == 2 and out.timeout, out
    expected = "The action exceeded its time limits of 100 milliseconds during initialization."
    assert out.result == {"error": expected}


def test_a_revision_is_extracted_once_for_all_its_containers(runtime: Runtime) -> None:
    code = (
        "import os, time\n\ndef main(a):\n    time.sleep(0.5)\n"
        "    return {'ino': os.stat('data.txt').st_ino, 'pid': os.getpid()}\n"
    )
    spec = make_spec(make_zip({"__main__.py": code, "data.txt": "x"}))
    revisions = runtime.work_dir / "revisions"
    with ThreadPoolExecutor(3) as pool:  # three at once: three cold containers of one revision
        outs = list(pool.map(lambda _: runtime.run(spec, make_request()), range(3)))
    assert all(o.status_code == 0 for o in outs), outs
    assert len({o.result["pid"] for o in outs}) == 3  # three containers...
    assert len({o.result["ino"] for o in outs}) == 1  # ...one extracted copy, linked into each
    assert len([p for p in revisions.iterdir() if not p.name.startswith(".")]) == 1


def test_the_init_limit_message_names_the_whole_limit_when_extraction_took_part_of_it(
    runtime: Runtime,
) -> None:
    slow = "import time\ntime.sleep(5)\n\ndef main(a):\n    return {}\n"
    big = {f"data{i}.bin": os.urandom(1 << 20) for i in range(8)}
    out = runtime.run(make_spec(make_zip({"__main__.py": slow, **big}), timeout_ms=1500), make_request())
    assert out.status_code == 2 and out.timeout, out
    assert out.result == {
        "error": "The action exceeded its time limits of 1500 milliseconds during initialization."
    }
