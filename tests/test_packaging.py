"""Everything reader needs at run time ships in the wheel (a plain `pip install .`)."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["reader"]
    package = ROOT / "reader"
    data_files = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert any(name.endswith(".tcss") for name in data_files)
    assert any(name.startswith("seeds/") for name in data_files)
    missing = [n for n in data_files if not any(fnmatch.fnmatch(n, pat) for pat in patterns)]
    assert missing == []
