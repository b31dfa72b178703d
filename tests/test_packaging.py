"""Everything reader needs at run time ships in the wheel (a plain `pip install .`)."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["reader"]
    package = ROOT / "reader"
    data_files = []
    # os.walk, not rglob: reader/seeds is a link to the top-level seeds folder.
    for folder, dirs, files in os.walk(package, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if not name.endswith((".py", ".pyc")):
                data_files.append((Path(folder) / name).relative_to(package).as_posix())
    assert any(name.endswith(".tcss") for name in data_files)
    assert any(name.startswith("seeds/") for name in data_files)
    missing = [n for n in data_files if not any(fnmatch.fnmatch(n, pat) for pat in patterns)]
    assert missing == []
