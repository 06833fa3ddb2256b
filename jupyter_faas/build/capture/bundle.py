"""What travels with the captured code besides itself: imported modules and the files it reads.

Owns classifying every import of the captured code (standard library, third-party, or a local module in
the notebook's folder), collecting local modules (followed transitively through their own imports) and
data files (named with ``--include``, or existing relative paths in the captured string constants).
It does not map imports to distributions (``requirements.py``) nor zip anything (``packaging/``).
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import CaptureError

__all__ = ["BundledFile", "ImportRef", "classify", "find_data_files", "find_imports", "included_files"]

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git"}


@dataclass(frozen=True)
class ImportRef:
    """One import of the captured code or of a bundled local module."""

    module: str  # as imported: "PIL.Image"
    origin: str  # "stdlib" | "third-party" | "local" | "future"
    where: str  # "cell 2 (id ab12), line 3" or "helpers.py, line 1"
    optional: bool = False  # inside `try: ... except ImportError:` (a fallback may be missing)
    needed_by: str | None = None  # a bundled model file that needs the module (``modelfiles.py``)

    @property
    def top(self) -> str:
        return self.module.split(".")[0]


@dataclass(frozen=True)
class BundledFile:
    """A file copied into the zip: where it goes (``arcname``), where it comes from, and why."""

    arcname: str  # posix path inside the zip, relative to the action folder
    path: Path
    reason: str


def classify(top: str, base_dir: Path | None) -> str:
    """Where an imported top-level module comes from."""
    if top == "__future__":
        return "future"
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return "stdlib"
    if base_dir is not None and _local_path(top, base_dir) is not None:
        return "local"
    return "third-party"


def _local_path(top: str, base_dir: Path) -> Path | None:
    file = base_dir / f"{top}.py"
    if file.is_file():
        return file
    folder = base_dir / top
    if folder.is_dir() and any(folder.glob("*.py")):
        return folder
    return None


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for name in names:
            if name is None or (isinstance(name, ast.Name) and name.id in _IMPORT_ERRORS):
                return True
    return False


def _imports_in(tree: ast.AST, only: set[str] | None = None) -> Iterable[tuple[str, int, bool]]:
    """``(module, line, optional)`` for each import in ``tree``; optional: under ``except ImportError``."""

    def visit(node: ast.AST, optional: bool) -> Iterable[tuple[str, int, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if only is None or node is not tree or (alias.asname or alias.name.split(".")[0]) in only:
                    yield alias.name, node.lineno, optional
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield node.module, node.lineno, optional
        elif isinstance(node, ast.Try) and _catches_import_error(node):
            for child in ast.iter_child_nodes(node):
                yield from visit(child, True)
        else:
            for child in ast.iter_child_nodes(node):
                yield from visit(child, optional)

    yield from visit(tree, False)


def find_imports(
    trees: Sequence[tuple[ast.AST, str, set[str] | None]], base_dir: Path | None
) -> tuple[list[ImportRef], list[BundledFile]]:
    """Imports of the captured statements ``(node, where, needed names)`` and the local modules they pull.

    Local modules are read too, so their own third-party imports become requirements and the local
    modules they import are bundled as well.
    """
    imports: list[ImportRef] = []
    modules: dict[str, BundledFile] = {}
    seen: set[str] = set()
    queue: list[tuple[ast.AST, str, set[str] | None]] = list(trees)
    while queue:
        tree, where, only = queue.pop(0)
        for module, line, optional in _imports_in(tree, only):
            top = module.split(".")[0]
            origin = classify(top, base_dir)
            imports.append(ImportRef(module, origin, f"{where}, line {line}", optional))
            if origin != "local" or top in seen or base_dir is None:
                continue
            seen.add(top)
            path = _local_path(top, base_dir)
            assert path is not None
            for file in _files_under(path, base_dir, modules=True):
                arcname = file.relative_to(base_dir).as_posix()
                modules[arcname] = BundledFile(arcname, file, f"local module {top}, imported at {where}")
                if file.suffix == ".py":
                    try:
                        queue.append((ast.parse(file.read_text(encoding="utf-8")), arcname, None))
                    except SyntaxError as exc:
                        raise CaptureError(
                            f"Local module {arcname} has a syntax error at line {exc.lineno}: {exc.msg}",
                            fix=f"Fix {file} and build again.",
                        ) from exc
    files = sorted(modules.values(), key=lambda f: f.arcname)
    return imports, files


def _outside(link: Path, root: Path) -> CaptureError:
    target = link.resolve()
    return CaptureError(
        f"{link} is a symbolic link to {target}, outside {root}: its content would be bundled from there.",
        fix=f"Copy the file into {root} (or --include {target} explicitly), or remove the link.",
    )


def _files_under(path: Path, root: Path | None = None, *, modules: bool = False) -> list[Path]:
    """The files to bundle at ``path`` (a file, or a folder's files, hidden ones and caches left out).

    A symbolic link (``path`` itself, or anything below it) must stay inside ``root`` (default: ``path``'s
    own folder): a link leading out is refused by name, never followed silently. With ``modules`` (local
    modules the class imports), a link from one ``.py`` file to another is followed wherever it leads:
    it is code the kernel imported already, by that very name."""
    root = (root or (path if path.is_dir() and not path.is_symlink() else path.parent)).resolve()

    def inside(p: Path) -> bool:
        target = p.resolve()
        if modules and p.suffix == ".py" and target.suffix == ".py" and target.is_file():
            return True
        return target == root or root in target.parents

    if path.is_symlink() and not inside(path):
        raise _outside(path, root)
    if path.is_file():
        return [path]
    out = []
    for folder, dirs, names in os.walk(path, followlinks=True):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
        for d in dirs:
            if (here / d).is_symlink() and not inside(here / d):
                raise _outside(here / d, root)
        for name in sorted(names):
            file = here / name
            if name.startswith(".") or file.suffix == ".pyc":
                continue
            if file.is_symlink() and not inside(file):
                raise _outside(file, root)
            if file.is_file():
                out.append(file)
    return sorted(out)


def _elsewhere(text: str, where: str, what: str) -> str:
    return (
        f"{text!r} ({where}) is {what}: it will not exist in the action, whose container holds only its "
        "package (a local run refuses it too, in the engine's sandbox). Use a path inside the notebook's "
        "folder, --include the file, or pass it by URL or parameter."
    )


def find_data_files(
    trees: Sequence[tuple[ast.AST, str]], base_dir: Path | None
) -> tuple[list[BundledFile], list[str]]:
    """Existing relative paths among the captured string constants, and warnings about absolute ones."""
    if base_dir is None:
        return [], []
    root = base_dir.resolve()
    found: dict[str, BundledFile] = {}
    notes: list[str] = []
    for tree, where in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            if not text or len(text) > 300 or "\n" in text or "\0" in text or "://" in text:
                continue
            candidate = Path(text)
            home = text.startswith("~")
            if candidate.is_absolute() or home:
                where_it_is = candidate.expanduser() if home else candidate
                if where_it_is.exists() and not str(where_it_is).startswith(("/dev", "/proc", "/tmp")):
                    notes.append(
                        _elsewhere(text, where, "a path in your home folder" if home else "an absolute path")
                    )
                continue
            lexical = Path(os.path.normpath(root / candidate))
            if lexical != root and root not in lexical.parents:
                if lexical.exists() and ".." in candidate.parts:
                    notes.append(_elsewhere(text, where, "a path out of the notebook's folder"))
                continue
            if lexical == root or not lexical.exists():
                continue  # (pure checks and one stat first: most string constants are no paths)
            full = lexical.resolve()
            if root not in full.parents:  # inside the folder by name, outside through a link
                raise _outside(next(p for p in [lexical, *lexical.parents] if p.is_symlink()), root)
            reason = f"path {text!r} in the code ({where}, line {node.lineno})"
            for file in _files_under(lexical, root):
                arcname = file.relative_to(root).as_posix()
                found.setdefault(arcname, BundledFile(arcname, file, reason))
    return sorted(found.values(), key=lambda f: f.arcname), notes


def folder_files(folder: Path, reason: str) -> list[BundledFile]:
    """Every file of an action folder (hidden files and caches left out), by its path inside it."""
    root = folder.resolve()
    return [BundledFile(f.relative_to(root).as_posix(), f, reason) for f in _files_under(root, root)]


def included_files(paths: Sequence[str | Path], base_dir: Path | None) -> list[BundledFile]:
    """Files named with ``--include`` (files or folders), relative to the notebook's folder."""
    root = (base_dir or Path.cwd()).resolve()
    out: dict[str, BundledFile] = {}
    for given in paths:
        path = Path(given)
        full = (path if path.is_absolute() else root / path).resolve()
        if not full.exists() and not path.is_absolute():
            full = (Path.cwd() / path).resolve()
        if not full.exists():
            raise CaptureError(
                f"--include {given}: no such file or folder (looked in {root}).",
                fix="Give a path relative to the notebook's folder, or an absolute path.",
            )
        anchor = root if root in full.parents else full.parent
        lexical = Path(os.path.normpath(path if path.is_absolute() else root / path))
        if lexical.exists() and lexical != full and root in lexical.parents and root not in full.parents:
            raise _outside(next(p for p in [lexical, *lexical.parents] if p.is_symlink()), root)
        for file in _files_under(full, anchor):
            arcname = file.relative_to(anchor).as_posix()
            out.setdefault(arcname, BundledFile(arcname, file, f"--include {given}"))
    return sorted(out.values(), key=lambda f: f.arcname)
