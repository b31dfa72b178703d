"""User settings: ``settings.toml`` in the config directory, overridden by ``READER_*``.

Example ``settings.toml``::

    hsk_standard = "2021"   # "2021" (GF0025-2021), "2025" (exam syllabus) or "2.0"
    tone_numbers = false    # zhong4 instead of zhòng (for terminals that draw ǒ wide)
    tone_sandhi = false     # 一/不 tone changes (不是 búshì); off shows citation tones
    beam_size = 2           # machine translation, 1–16: 1 is fastest, 4 is argos's default
    compute_type = "int8"   # CTranslate2 on the CPU: int8, int8_float32, float32 …
    inter_threads = 0       # 0: chosen for the machine
    intra_threads = 0
    device = "cpu"          # CTranslate2's device: "cpu", "cuda" (a GPU) or "auto"

A value that cannot work (``beam_size = 0``, ``inter_threads = -1``, an unknown
``compute_type``) is a one-line error naming the setting when settings load,
not a traceback from CTranslate2 in the middle of translating.
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
#: Beam sizes worth decoding with: 1 is greedy; past 16 is slower and no better.
MIN_BEAM, MAX_BEAM = 1, 16
#: The compute types CTranslate2 accepts (one the CPU lacks falls back to the
#: closest it has); "default" keeps the model's own, "auto" picks the fastest.
COMPUTE_TYPES = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
    "int16", "float16", "bfloat16", "float32",
)  # fmt: skip
#: Thread counts: 0 means "chosen for the machine"; more than this is a typo.
MAX_THREADS = 256
#: Where CTranslate2 runs the model ("auto": a GPU if CTranslate2 sees one).
DEVICES = ("cpu", "cuda", "auto")


@dataclass(frozen=True, slots=True)
class Settings:
    hsk_standard: str = DEFAULT_STANDARD
    tone_numbers: bool = False
    tone_sandhi: bool = False
    beam_size: int = 2
    compute_type: str = "int8"
    inter_threads: int = 0
    intra_threads: int = 0
    device: str = "cpu"


def _coerce(where: str, name: str, value: Any, kind: type) -> Any:
    if kind is bool and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
    if kind is int and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ReaderError(f"{where}: setting {name}: expected {kind.__name__}, got {value!r}")


def beam_problem(beam: int) -> str | None:
    """Why a beam size cannot be used, or None (shared by the setting and ``--beam``)."""
    if not MIN_BEAM <= beam <= MAX_BEAM:
        return f"must be {MIN_BEAM} to {MAX_BEAM}, got {beam}"
    return None


def _problem(name: str, value: Any) -> str | None:
    """Why a translation setting's value cannot work, or None."""
    if name == "beam_size":
        return beam_problem(value)
    if name == "compute_type" and value not in COMPUTE_TYPES:
        return f"must be one of {', '.join(COMPUTE_TYPES)}, got {value!r}"
    if name == "device" and value not in DEVICES:
        return f"must be one of {', '.join(DEVICES)}, got {value!r}"
    if name in ("inter_threads", "intra_threads") and not 0 <= value <= MAX_THREADS:
        return f"must be 0 (chosen for the machine) to {MAX_THREADS}, got {value}"
    return None


def load_settings() -> Settings:
    """Defaults, then ``settings.toml``, then ``READER_<NAME>`` variables.

    Each value is checked where it came from, so the error names the file or
    the variable to fix.
    """
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
        where = str(path)
        env = os.environ.get(f"READER_{name.upper()}")
        if env is not None:
            values[name] = env
            where = f"READER_{name.upper()}"
        if name in values:
            value = _coerce(where, name, values[name], kind)
            problem = _problem(name, value)
            if problem:
                raise ReaderError(f"{where}: setting {name} {problem}")
            settings = replace(settings, **{name: value})
    return settings
