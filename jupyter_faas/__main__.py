"""``python -m jupyter_faas``: the same as the ``jupyter-faas`` command."""

import sys

from .cli import main

sys.exit(main())
