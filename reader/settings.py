"""User settings: ``settings.toml`` in the config directory, overridden by ``READER_*``.

Example ``settings.toml``::

    hsk_standard = "2021"   # "2021" (GF0025-2021), "2025" (exam syllabus) or "2.0"
    tone_numbers = false    # zhong4 instead of zhòng (for terminals that draw ǒ wide)
    tone_sandhi = false     # 一/不 tone changes (不是 búshì); off shows citation tones
    beam_size = 2           # machine translation: 1 is fastest, 4 is argos's default
    compute_type = "int8"   # CTranslate2 on the CPU: int8, int8_float32, float32 …
    inter_threads = 0       # 0: chosen for the machine
    intra_threads = 0
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from typing import Any

from reader.errors import ReaderError
from reader.language.hsk import DEFAULT_STANDARD
from reader.store.paths import config_dir

SETTINGS_FILE = "settings.toml"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    hsk_standard: str = DEFAULT_STANDARD
    tone_numbers: bool = False
    tone_sandhi: bool = False
    beam_size: int = 2
    compute_type: str = "int8"
    inter_threads: int = 0
    intra_threads: int = 0


def _coerce(name: str, value: Any, kind: type) -> Any:
    if kind is bool and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
    if kind is int and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ReaderError(f"setting {name}: expected {kind.__name__}, got {value!r}")


def load_settings() -> Settings:
    """Defaults, then ``settings.toml``, then ``READER_<NAME>`` variables."""
    path = config_dir() / SETTINGS_FILE
    values: dict[str, Any] = {}
    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except FileNotFoundError:
        pass
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReaderError(f"{path}: cannot read the settings ({exc})") from None
    settings = Settings()
    kinds = {f.name: type(getattr(settings, f.name)) for f in fields(Settings)}
    unknown = sorted(set(values) - set(kinds))
    if unknown:
        raise ReaderError(f"{path}: unknown setting {unknown[0]!r}")
    for name, kind in kinds.items():
        env = os.environ.get(f"READER_{name.upper()}")
        if env is not None:
            values[name] = env
        if name in values:
            settings = replace(settings, **{name: _coerce(name, values[name], kind)})
    return settings
