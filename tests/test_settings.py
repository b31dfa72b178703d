from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.settings import Settings, load_settings
from reader.store.atomic import write_text


def test_defaults() -> None:
    assert load_settings() == Settings()
    assert Settings().hsk_standard == "2021"


def test_file_then_environment(user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_text(
        user_dirs / "config" / "settings.toml", 'hsk_standard = "2025"\ntone_numbers = true\n'
    )
    assert load_settings() == Settings(hsk_standard="2025", tone_numbers=True)
    monkeypatch.setenv("READER_TONE_NUMBERS", "off")
    monkeypatch.setenv("READER_TONE_SANDHI", "yes")
    assert load_settings() == Settings(hsk_standard="2025", tone_numbers=False, tone_sandhi=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("tone_numbers = ", "cannot read the settings"),
        ("colour = true", "unknown setting 'colour'"),
        ('tone_numbers = "maybe"', "expected bool"),
        ("beam_size = 0", "setting beam_size must be 1 to 16, got 0"),
        ("beam_size = 99", "setting beam_size must be 1 to 16, got 99"),
        ("inter_threads = -1", "setting inter_threads must be 0"),
        ('compute_type = "int4"', "setting compute_type must be one of"),
    ],
)
def test_bad_settings(user_dirs: Path, content: str, message: str) -> None:
    write_text(user_dirs / "config" / "settings.toml", content)
    with pytest.raises(ReaderError, match=message) as info:
        load_settings()
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(str(user_dirs / "config" / "settings.toml"))


def test_a_bad_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_INTRA_THREADS", "-2")
    with pytest.raises(ReaderError) as info:
        load_settings()
    assert str(info.value).startswith("READER_INTRA_THREADS: setting intra_threads must be 0")
    monkeypatch.setenv("READER_INTRA_THREADS", "3")
    monkeypatch.setenv("READER_BEAM_SIZE", "16")
    assert load_settings() == Settings(intra_threads=3, beam_size=16)
