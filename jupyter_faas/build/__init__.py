"""The build pipeline: a notebook class to a tested OpenWhisk package, one stage per module.

::

    capture/        the class, its imports, helpers, constants, local modules and files (``Capture``)
    requirements.py what the target kind lacks, pinned at the kernel's versions (``Requirements``)
    modelfiles.py   model files a class loads (weights beside the notebook, a package's own models)
    codegen.py      the action's ``__main__.py`` (model loaded once per container, ``main(args)``)
    packaging/      the deterministic zip and its size plan (inline, ``virtualenv/``, image)
    service.py      all of them in one call: ``build(source, BuildOptions) -> BuildResult``; ``deploy``
    local_test.py   the package run as OpenWhisk runs it (``runtime/``): cold init, warm runs, limits
    options.py      every build option defined once, for the CLI, the magics and the sidebar

``pipeline.run_pipeline`` (one level up) runs build -> local test -> deploy for every front end. The zip's
layout (``__main__.py``, ``virtualenv/``) is OpenWhisk's and is named in ``contract.py``. Nothing here
imports Jupyter; what the front ends use is re-exported here.
"""

from __future__ import annotations

from .service import *  # noqa: F403  (what the front ends call: service.__all__)
from .service import __all__ as __all__
