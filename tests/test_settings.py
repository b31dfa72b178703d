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
    ],
)
def test_bad_settings(user_dirs: Path, content: str, message: str) -> None:
    write_text(user_dirs / "config" / "settings.toml", content)
    with pytest.raises(ReaderError, match=message):
        load_settings()
