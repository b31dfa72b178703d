"""The domain core must stay importable without Textual or the UI package (as Harlequin checks)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(reader.__path__, "reader.")
    if not m.name.startswith(("reader.tui", "reader.__main__"))
)


def test_core_modules_exist() -> None:
    assert "reader.document.parse" in CORE
    assert "reader.cli" in CORE and "reader.reading.session" in CORE and "reader.context" in CORE


def test_core_does_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "ui = ('textual', 'reader.tui')\n"
        "bad = sorted(m for m in sys.modules if m in ui or m.startswith(tuple(u + '.' for u in ui)))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
