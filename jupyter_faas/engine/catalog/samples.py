"""The ``/whisk.system/samples`` actions (openwhisk-catalog ``packages/samples/*/javascript``), one
function each, installed as ``utils.py`` is (this file the code, the function ``exec.main``).
"""

import subprocess


def greeting(args):
    """``{payload: "Hello, <name> from <place>!"}`` (``stranger`` and ``somewhere`` when not given)."""
    name = args.get("name") or args.get("payload") or "stranger"
    place = args.get("place") or "somewhere"
    return {"payload": f"Hello, {name} from {place}!"}


def hello(args):
    """Logs ``hello <payload>!``; returns nothing (``{}``)."""
    payload = args.get("payload")
    print("hello", f"{'undefined' if payload is None else payload}!")
    return {}


def word_count(args):
    """``{count}``: the number of words (split on single spaces) in ``payload``."""
    if "payload" not in args or args["payload"] is None:
        raise TypeError("Cannot read properties of undefined (reading 'toString')")
    payload = args["payload"]
    text = payload if isinstance(payload, str) else str(payload)
    return {"count": len(text.split(" "))}


def curl(args):
    """``{msg}``: what ``curl --connect-timeout 3 <payload>`` wrote (stdout on success, else stderr)."""
    payload = args.get("payload")
    target = "undefined" if payload is None else str(payload)
    try:
        done = subprocess.run(
            ["curl", "--silent", "--show-error", "--connect-timeout", "3", target],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"msg": str(exc)}
    return {"msg": done.stdout if done.returncode == 0 else done.stderr}
