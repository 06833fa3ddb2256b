"""What the tests of several components share: plain classes and functions, imported as ``helpers.<module>``.

pytest puts ``tests/`` on the path (``pythonpath`` in ``pyproject.toml``), so a test writes
``from helpers.engine import OwSession, deploy, unique``. Fixtures stay in ``conftest.py`` files (the
engine's in ``tests/conftest.py``, for every component that talks to one); nothing here is a fixture, and
no test imports a ``conftest``.

* ``engine.py``: an authenticated session on an engine, ``deploy``, ``unique`` names, the stock kinds.
* ``runtime.py``: action specs with fresh keys, run requests, log texts, a folder outside the sandbox.
* ``zips.py``: zips of a few files, as bytes or as the base64 an action's ``exec.code`` carries.
"""
