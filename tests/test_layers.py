"""Imports only run downward: storage stores, the core never reaches the UI, the CLI is light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).parent

#: Lower layers know nothing of higher ones. The CLI is the top: it opens the UI.
LAYERS: list[tuple[str, ...]] = [
    (
        "reader",
        "reader.errors",
        "reader.hanzi",
        "reader.text_safety",
        "reader.store",
        "reader.seeds",
    ),
    ("reader.document",),
    ("reader.language", "reader.settings"),
    ("reader.translate",),
    ("reader.context",),
    ("reader.english",),
    ("reader.export", "reader.reading"),
    ("reader.batch",),
    ("reader.tui",),
    (
        "reader.cli",
        "reader.cli_export",
        "reader.cli_align",
        "reader.cli_batch",
        "reader.cli_known",
        "reader.cli_report",
        "reader.__main__",
    ),
]


def _layer(module: str) -> int:
    best, rank = -1, -1
    for number, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, rank = len(name), number
    assert rank >= 0, f"{module} is in no layer"
    return rank


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions and TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _imports(path: Path) -> set[str]:
    """The reader modules a file imports."""
    return {name for name in _imported(path) if name == "reader" or name.startswith("reader.")}


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for imported in _imports(path):
            if _layer(imported) > _layer(module):
                upward.append(f"{module} imports {imported}")
    assert upward == []


def test_the_rule_catches_an_upward_import() -> None:
    assert _layer("reader.store.vocab") < _layer("reader.language.annotate")
    assert _layer("reader.reading.session") < _layer("reader.tui.app")
    assert _layer("reader.context") < _layer("reader.export.document")
    assert _layer("reader.export.document") < _layer("reader.batch.tasks") < _layer("reader.cli")


def test_only_the_ui_imports_textual() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module.startswith(("reader.tui", "reader.cli")):
            continue
        if any(name.split(".")[0] == "textual" for name in _imported(path)):
            offenders.append(module)
    assert offenders == []


HEAVY = (
    "jieba", "ctranslate2", "textual", "pypinyin", "sentencepiece", "argostranslate",
    "dask", "distributed",
)  # fmt: skip


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_command_line_path_imports_nothing_heavy() -> None:
    assert _loaded_after("import reader.cli") == []
    assert _loaded_after("import reader.cli; reader.cli._build_parser()") == []
    version = "import contextlib, io, reader.cli\nwith contextlib.suppress(SystemExit), "
    version += "contextlib.redirect_stdout(io.StringIO()):\n    reader.cli.main(['--version'])"
    assert _loaded_after(version) == []
    error = "import contextlib, io, reader.cli\nwith contextlib.suppress(SystemExit), "
    error += "contextlib.redirect_stderr(io.StringIO()):\n    reader.cli.main(['export'])"
    assert _loaded_after(error) == []
    batch_usage = error.replace("['export']", "['batch']")
    assert _loaded_after(batch_usage) == []
    # The check itself works: a command that needs jieba does load it.
    assert "jieba" in _loaded_after(
        "import reader.cli, contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()):\n"
        "    reader.cli.main(['annotate', '中文'])"
    )
