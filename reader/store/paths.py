"""User directories (platformdirs), each overridable by an environment variable.

The overrides let tests, and users with unusual setups, keep everything in a
folder of their choice: ``READER_CONFIG_DIR`` (glossary, word splits,
settings), ``READER_DATA_DIR`` (positions, bookmarks, vocabulary) and
``READER_CACHE_DIR`` (dictionary index, jieba cache, translations).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "reader"


def _dir(variable: str, default: str) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value else Path(default)


def config_dir() -> Path:
    return _dir("READER_CONFIG_DIR", platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return _dir("READER_DATA_DIR", platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    return _dir("READER_CACHE_DIR", platformdirs.user_cache_dir(APP, appauthor=False))
