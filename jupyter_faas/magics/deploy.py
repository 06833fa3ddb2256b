"""``%%faas_deploy`` / ``%faas_deploy`` and ``%faas_test``: a notebook class to a tested, deployed action.

Thin: parse the arguments (the build options are defined once, in ``build/options.py``, for the CLI,
these magics and the sidebar), run the cell so the class exists in the kernel too, then run the pipeline
(``pipeline.run_pipeline``: build from the kernel's history, local test, and deploy, which uploads nothing
when the server has the same package), each stage a progress line. Returns a
``display.Deployment`` / ``display.LocalTestReport``. Errors are ``UsageError`` (``session.faas_errors``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, TypeVar

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..build.capture.cells import Kernel
from ..display import Deployment, LocalTestReport
from ..pipeline import BUILD, DEPLOY, TEST, Hooks, Stage
from .params import parse_line
from .progress import Progress
from .session import Session, faas_errors

__all__ = ["DeployMagics", "kernel_of"]

T = TypeVar("T")

_NOTHING_DEPLOYED = "Nothing was deployed; run the magic again."


# what %faas_test takes of the build options (no name, parameters, web: nothing is deployed)
_TEST_OPTIONS = [
    *("class_name", "test_args", "method", "kind", "image"),
    *("requirements", "include", "memory", "timeout", "output"),
]


def kernel_of(shell: Any, cell: str | None = None) -> Kernel:
    """What capture reads of ``shell``: its raw input history and namespace, with the running cell added
    (capture reads a ``%%faas_deploy`` cell as its body, so a class defined in one is found later too)."""
    manager = getattr(shell, "history_manager", None)
    history = list(getattr(manager, "input_hist_raw", None) or shell.user_ns.get("In", []) or [""])
    if cell is not None:
        if len(history) > 1 and _is_deploy_cell(history[-1]) and cell.strip() in history[-1]:
            history[-1] = cell
        else:
            history.append(cell)
    return Kernel.from_history(history, shell.user_ns)


def _is_deploy_cell(source: str) -> bool:
    return source.lstrip().startswith("%%faas_deploy")


def _build_arguments(
    *, only: list[str] | None = None, positional_class: bool = False, warm: bool = False, **help: str
) -> Callable[[Any], Any]:
    """Add the build options (``build.options.OPTIONS``, ``only`` these if given, with ``help`` overriding
    some texts) to a magic's parser, after its own ``@argument``s: one definition for every front end."""

    def add(func: Any) -> Any:
        from ..build.options import add_arguments

        add_arguments(func.parser, only=only, help=help, positional_class=positional_class, warm=warm)
        func.__doc__ = func.parser.format_help()
        return func

    return add


class _Shown(Hooks):
    """The magics' view of a run: each stage a progress line; an interrupt says what state it left."""

    _DEPLOY_INTERRUPTED = "The action is as it was, or fully updated (one request); check with %faas_actions."

    def __init__(self, shell: Any, build_interrupted: str, test_interrupted: str) -> None:
        self.progress = Progress(shell)
        self.interrupted = {
            BUILD: build_interrupted,
            TEST: test_interrupted,
            DEPLOY: self._DEPLOY_INTERRUPTED,
        }

    def run(self, stage: Stage, work: Callable[[], T]) -> T:
        with self.progress.step(stage.label, interrupted=self.interrupted[stage.name]):
            return work()


@magics_class
class DeployMagics(Magics):
    def _run_cell(self, cell: str) -> list[str]:
        """Run the cell in the user's namespace; the names of the classes it defines."""
        shell: Any = self.shell
        code = shell.transform_cell(cell)
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            raise UsageError(
                f"The cell has a syntax error at line {exc.lineno}: {exc.msg}.\n"
                "Fix the cell and run it again; nothing was built."
            ) from None
        filename = shell.compile.cache(code)
        try:
            exec(compile(code, filename, "exec"), shell.user_global_ns, shell.user_ns)
        except Exception as exc:
            tb = exc.__traceback__
            shell.showtraceback((type(exc), exc, tb.tb_next if tb else None))  # the cell's frames only
            raise UsageError(
                f"The cell raised {type(exc).__name__}: {exc}.\n"
                "Fix the cell (its traceback is above) and run it again; nothing was built."
            ) from None
        return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]

    def _class_name(self, given: str | None, defined: list[str] | None) -> str:
        if given:
            return given
        if defined is None:
            raise UsageError("%faas_deploy needs the class: %faas_deploy CLASS --name NAME")
        if len(defined) != 1:
            found = ", ".join(defined) or "none"
            raise UsageError(
                f"The cell defines {len(defined)} classes ({found}).\n"
                "Name the one to deploy: %%faas_deploy CLASS --name NAME"
            )
        return defined[0]

    @line_cell_magic
    @_build_arguments(
        warm=True, output="where to write __main__.py, the zip and any Dockerfile (default: a cache folder)"
    )
    @magic_arguments()
    @argument("class_arg", nargs="?", metavar="CLASS", help="the class (default: the only class of the cell)")
    @argument("--dry-run", action="store_true", help="build and test, but do not deploy")
    @faas_errors
    def faas_deploy(self, line: str, cell: str | None = None) -> Deployment:
        """Capture a class, build its package, test it locally, and create or update the action."""
        from ..build.options import from_arguments
        from ..pipeline import run_pipeline

        args = parse_line(self.faas_deploy, line)
        defined = self._run_cell(cell) if cell is not None else None
        options = from_arguments(
            args, class_name=self._class_name(args.class_arg or args.class_name, defined)
        )
        session = Session.of(self.shell)
        client = None if args.dry_run else (lambda: session.client)
        hooks = _Shown(self.shell, _NOTHING_DEPLOYED, _NOTHING_DEPLOYED)
        run = run_pipeline(kernel_of(self.shell, cell), options, warm=args.warm, client=client, hooks=hooks)
        return Deployment(run.result, run.test, run.deployment)

    @line_magic
    @_build_arguments(
        only=_TEST_OPTIONS,
        positional_class=True,
        class_name="a class defined in an earlier cell",
        test_args="parameters of each run, a JSON object",
        memory="memory limit of each run",
        timeout="time limit of each run",
        output="where to write __main__.py, the zip and any Dockerfile",
    )
    @magic_arguments()
    @argument("--runs", type=int, default=3, metavar="N", help="runs: the first cold, the others warm")
    @faas_errors
    def faas_test(self, line: str) -> LocalTestReport:
        """Build a class's package and run it locally as OpenWhisk would: once cold, then warm."""
        from ..build.options import from_arguments
        from ..pipeline import run_pipeline

        args = parse_line(self.faas_test, line)
        if args.runs < 1:
            raise UsageError("--runs must be at least 1 (the cold start).")
        options = from_arguments(args)
        hooks = _Shown(self.shell, "Nothing was tested.", "The test's processes are stopped.")
        run = run_pipeline(kernel_of(self.shell), options, warm=args.runs - 1, hooks=hooks)
        assert run.test is not None  # options.no_test is False
        return LocalTestReport(run.result, run.test)
