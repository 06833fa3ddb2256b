"""Fidelity: the official OpenWhisk JS client's own integration tests, as published, against a fresh engine.

Takes a local copy of apache/openwhisk-client-js (its git directory, as the tool library's ``fetch`` brings
it, or a checked-out folder; its code is never committed here), exports it into a temporary folder, installs
its dev dependencies with npm, starts an engine of ours on a free port with a data folder of its own, and
runs ``ava test/integration/*.test.js`` with the variables its README asks for (``__OW_API_KEY``,
``__OW_API_HOST``, ``__OW_NAMESPACE``, ``__OW_APIGW_TOKEN``). Prints how many tests pass and, for each
failure, its name and the first lines of why. Not part of ``make test``: CI reaches no source host.

    .venv/bin/python bench/fidelity.py --client-js /work/.mirror/apache+openwhisk-client-js/repo
    .venv/bin/python bench/fidelity.py --client-js ~/src/openwhisk-client-js --keep   # keep the folder
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jupyter_faas.engine import start

DEFAULT = Path("/work/.mirror/apache+openwhisk-client-js/repo")
_RESULT = re.compile(r"^(ok|not ok) \d+ - (.*?)(?: # (SKIP|TODO).*)?$")


def _export(source: Path, into: Path) -> None:
    """A working copy of ``source`` (a git directory or a folder) in ``into``."""
    if (source / "package.json").is_file():
        shutil.copytree(source, into, ignore=shutil.ignore_patterns("node_modules", ".git"))
        return
    archive = subprocess.run(
        ["git", f"--git-dir={source}", "archive", "HEAD"], check=True, capture_output=True
    )
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def _failures(tap: str) -> list[tuple[str, str]]:
    """(test name, why) of each ``not ok`` in ava's TAP output: the YAML block's message and values."""
    out: list[tuple[str, str]] = []
    lines = tap.splitlines()
    for i, line in enumerate(lines):
        match = _RESULT.match(line)
        if not match or match.group(1) != "not ok":
            continue
        why: list[str] = []
        for detail in lines[i + 1 : i + 40]:
            if _RESULT.match(detail) or detail.strip() == "...":
                break
            text = detail.strip()
            if text and text != "---" and not text.startswith(("at:", "stack:")):
                why.append(text)
        out.append((match.group(2), " | ".join(why)[:400]))
    return out


def _why_alone(repo: Path, env: dict[str, str], name: str) -> str:
    """Run one failed test alone (on an engine of its own): the error it logged, as one line (most of the
    suite logs the client's error, then calls ``t.fail()``)."""
    file, _, title = name.partition(" \u203a ")  # ava names a test "file, then U+203A, then title"
    done = subprocess.run(
        ["npx", "ava", "--tap", "--match", title, f"test/integration/{file}.test.js"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    logged = [line.strip() for line in done.stderr.splitlines() if line.strip() and line.strip() != "}"]
    return " ".join(logged)[:300]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client-js", type=Path, default=DEFAULT, help=f"default: {DEFAULT}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not args.client_js.exists():
        print(f"{args.client_js} does not exist: fetch apache/openwhisk-client-js first", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="fidelity-"))
    repo = work / "openwhisk-client-js"
    _export(args.client_js, repo)
    version = subprocess.run(
        ["node", "-e", "console.log(require('./package.json').version)"],
        cwd=repo,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"openwhisk-client-js {version}: npm install ...", flush=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=repo, check=True)
    engine = start(port=0, data_dir=work / "engine")
    try:
        env = {
            **os.environ,
            "__OW_API_KEY": engine.auth,
            "__OW_API_HOST": engine.apihost,
            "__OW_NAMESPACE": "guest",
            "__OW_APIGW_TOKEN": "no-api-gateway",
        }
        files = sorted(str(p.relative_to(repo)) for p in (repo / "test" / "integration").glob("*.test.js"))
        done = subprocess.run(
            ["npx", "ava", "--tap", "--timeout=2m", "--serial", *files],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        tap = done.stdout
        (work / "ava.tap").write_text(tap + "\n" + done.stderr)
        results = [m for m in map(_RESULT.match, tap.splitlines()) if m]
        passed = sum(1 for m in results if m.group(1) == "ok" and not m.group(3))
        skipped = sum(1 for m in results if m.group(3))
    finally:
        engine.stop()
    failures = []
    for n, (name, why) in enumerate(_failures(tap)):  # each alone, on a fresh engine, for its logged error
        fresh = start(port=0, data_dir=work / f"engine-{n}")
        try:
            alone = {**env, "__OW_API_KEY": fresh.auth, "__OW_API_HOST": fresh.apihost}
            failures.append((name, _why_alone(repo, alone, name) or why))
        finally:
            fresh.stop()
    print(f"\n## openwhisk-client-js {version} integration tests against the engine\n")
    print(f"{passed} of {len(results) - skipped} pass ({skipped} skipped by the suite itself)\n")
    for name, why in failures:
        print(f"- FAIL {name}: {why}")
    print(f"\nTAP output: {work / 'ava.tap'}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
