"""The helper module of the hello sample (imported by ``__main__.py`` from the action's folder)."""


def greet(name: str) -> str:
    return f"Hello, {name}!"
