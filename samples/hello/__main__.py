"""A tiny OpenWhisk action shipped as a zip: ``__main__.py`` plus a helper module beside it.

Module globals live as long as the warm container, so ``CALLS`` counts the calls one container served.
"""

from greeting import greet

CALLS = 0


def main(args: dict) -> dict:
    global CALLS
    CALLS += 1
    name = args.get("name", "world")
    print(f"call {CALLS} for {name}")
    return {"greeting": greet(name), "calls": CALLS}
