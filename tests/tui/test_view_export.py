"""Export from the reader: replacing a file is asked in the app, a missing folder is an
error (in the CLI too), and the toast says where the file went, in full."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from reader.cli import main
from reader.tui.app import ReaderApp
from reader.tui.screens.export import ExportScreen, ReplaceScreen
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready

SIZE = (120, 30)


async def _export_to(pilot: Pilot[None], value: str) -> ExportScreen:
    await pilot.press("e")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    screen.query_one(Input).value = value
    await pilot.press("enter")
    await pilot.pause()
    return screen


async def _toast(pilot: Pilot[None], start: str) -> str:
    for _ in range(200):
        await pilot.pause(0.05)
        found = [
            str(n.message) for n in pilot.app._notifications if str(n.message).startswith(start)
        ]
        if found:
            return found[-1]
    raise AssertionError(f"no {start!r} toast")


async def test_replacing_a_file_is_asked_and_a_missing_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One reader, two exports: over a file of yours, then into a folder that is not there
    (and, relative, where the toast says in full)."""
    monkeypatch.chdir(tmp_path)
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _replacing_a_file_is_asked_in_the_app(pilot, tmp_path)
        await _a_missing_folder_is_an_error_and_the_toast_has_the_full_path(pilot, tmp_path)


async def _replacing_a_file_is_asked_in_the_app(pilot: Pilot[None], tmp_path: Path) -> None:
    app = pilot.app
    target = tmp_path / "mine.md"
    target.write_text("my notes, not an export\n", encoding="utf-8")
    export = await _export_to(pilot, str(target))
    assert isinstance(app.screen, ReplaceScreen)  # asked, not "use --force"
    await pilot.press("n")
    await pilot.pause()
    assert app.screen_stack[-1] is export  # kept: the path can be changed
    assert "kept" in str(export.query_one("#export-error", Label).render())
    await pilot.pause(0.3)
    assert target.read_text(encoding="utf-8") == "my notes, not an export\n"
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReplaceScreen)
    await pilot.press("y")
    toast = await _toast(pilot, "wrote")
    assert toast == f"wrote {target}"
    assert "习近平" in target.read_text(encoding="utf-8")
    assert not any("--force" in str(n.message) for n in app._notifications)
    app.clear_notifications()


async def _a_missing_folder_is_an_error_and_the_toast_has_the_full_path(
    pilot: Pilot[None], tmp_path: Path
) -> None:
    app = pilot.app
    export = await _export_to(pilot, "no-such-folder/out.md")
    assert app.screen is export
    error = str(export.query_one("#export-error", Label).render())
    assert "no such folder" in error and str(tmp_path / "no-such-folder") in error
    assert not (tmp_path / "no-such-folder").exists()
    export.query_one(Input).value = "out.md"  # relative: the toast says where it is
    await pilot.press("enter")
    toast = await _toast(pilot, "wrote")
    assert toast == f"wrote {tmp_path / 'out.md'}"
    assert (tmp_path / "out.md").is_file()


def test_the_cli_does_not_create_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "out.md"
    code = main(["export", str(PARTY_BUILDING), "-f", "md", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and "no such folder" in err and len(err.strip().splitlines()) == 1
    assert not target.parent.exists()
    code = main(["vocab", "export", str(tmp_path / "missing" / "cards.tsv")])
    err = capsys.readouterr().err
    assert code == 2 and "no such folder" in err
    assert not target.parent.exists()


def test_a_gloss_export_says_so_in_every_row(tmp_path: Path) -> None:
    import json

    target = tmp_path / "out.json"
    assert main(["export", str(PARTY_BUILDING), "-f", "json", "-o", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    rows: list[dict[str, str]] = [data["title"]] if "provenance" in data["title"] else []
    for section in data["sections"]:
        rows.append(section["title"])
        rows.extend(s for p in section["paragraphs"] for s in p["sentences"])
    assert len(rows) > 100
    for row in rows:  # no English from nothing is called a machine translation
        assert row["provenance"] == ("gloss" if row["en"] else "none"), row
