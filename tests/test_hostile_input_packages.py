"""Hostile model packages (issue 12, groups 7 and 8): names, metadata, damage, leftovers.

Real tiny packages from tests/model_factory.py, altered member by member.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reader.cli import main
from reader.translate import packages
from reader.translate.packages import PackageError, install, installed
from tests.test_packages import _models_dir_is_clean, _replace, _rewrite

TOP = "translate-zh_en-0_0_1"


def _renamed_top(source: Path, target: Path, top: str) -> Path:
    return _rewrite(source, target, lambda n, d: (top + n[len(TOP) :], d))


def _metadata(source: Path, target: Path, **changes: object) -> Path:
    def change(name: str, data: bytes) -> tuple[str, bytes]:
        if name == f"{TOP}/metadata.json":
            return name, json.dumps({**json.loads(data), **changes}).encode()
        return name, data

    return _rewrite(source, target, change)


@pytest.mark.parametrize(
    ("top", "shown"),
    [
        (".hidden", "'.hidden'"),
        ("-rf", "'-rf'"),
        ("evil\nname", "'evil\\nname'"),
        ("evil\x1b]0;x\x07", "'evil\\x1b]0;x\\x07'"),
        ("with space", "'with space'"),
    ],
)
def test_a_package_folder_that_is_no_package_name_is_refused(
    model_files: dict[str, Path], tmp_path: Path, top: str, shown: str
) -> None:
    path = _renamed_top(model_files["random"], tmp_path / "p.argosmodel", top)
    with pytest.raises(PackageError) as info:
        install(path)
    message = str(info.value)
    assert f"its folder name {shown} is not a package name" in message
    assert "\n" not in message and "\x1b" not in message
    assert installed() == [] and _models_dir_is_clean()
    assert not packages.models_dir().exists() or list(packages.models_dir().iterdir()) == []


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"package_version": "1.0\n\x1b[2J"}, "package_version is not a short line of text"),
        ({"package_version": "1" * 500}, "package_version is not a short line of text"),
        ({"code": "translate\x07"}, "code is not a short line of text"),
        ({"target_prefix": ["__en__"]}, "target_prefix is not a string"),
    ],
)
def test_metadata_names_must_be_one_short_line(
    model_files: dict[str, Path], tmp_path: Path, changes: dict[str, object], why: str
) -> None:
    path = _metadata(model_files["random"], tmp_path / "m.argosmodel", **changes)
    with pytest.raises(PackageError, match=re.escape(f"metadata.json: {why}")):
        install(path)
    assert installed() == [] and _models_dir_is_clean()


def test_a_numeric_version_still_installs(model_files: dict[str, Path], tmp_path: Path) -> None:
    path = _metadata(model_files["random"], tmp_path / "n.argosmodel", package_version=2)
    assert install(path).version == "2"


def test_a_huge_metadata_file_is_refused(model_files: dict[str, Path], tmp_path: Path) -> None:
    metadata = json.loads(
        zipfile.ZipFile(model_files["random"]).read(f"{TOP}/metadata.json").decode()
    )
    metadata["padding"] = "x" * packages.MAX_METADATA_BYTES
    big = json.dumps(metadata).encode()
    path = _replace(model_files["random"], tmp_path / "big.argosmodel", "metadata.json", big)
    with pytest.raises(PackageError, match=r"metadata\.json is larger than 1 MB"):
        install(path)
    assert installed() == [] and _models_dir_is_clean()


def test_an_installed_package_with_huge_metadata_is_skipped_and_removable(
    model_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder put there by hand (or by an older reader) is never read whole."""
    model = install(model_files["random"])
    meta = model.path / "metadata.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["padding"] = "x" * packages.MAX_METADATA_BYTES
    meta.write_text(json.dumps(data), encoding="utf-8")
    calls = []
    real_loads = json.loads

    def counting_loads(text: str | bytes, *args: object, **kwargs: object) -> object:
        calls.append(len(text))
        return real_loads(text, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json, "loads", counting_loads)
        assert installed(None, None) == []
    assert all(size <= packages.MAX_METADATA_BYTES for size in calls)
    # It cannot be listed, but it can be removed by the name it has.
    assert main(["models", "remove", TOP]) == 0
    assert capsys.readouterr().out == f"removed {TOP}\n"
    assert not model.path.exists() and _models_dir_is_clean()


def test_models_list_prints_no_escape_from_a_hand_made_folder(
    model_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    model = install(model_files["random"])
    meta = model.path / "metadata.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({**data, "package_version": "9\x1b]0;x\x07"}), encoding="utf-8")
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert out.startswith("no models installed")  # a folder that is no package is not shown


def test_a_broken_installed_tokenizer_is_one_line_at_translate_time(
    model_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The install check loads the tokenizer (tests/test_packages.py: "garbage tokenizer");
    one damaged after installing gives the gloss and one warning line, never a traceback."""
    model = install(model_files["random"])
    (model.path / "sentencepiece.model").write_bytes(b"\x00junk")
    assert main(["translate", "浙江很好。"]) == 1  # nothing could be machine-translated
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "cannot load the tokenizer of translate-zh_en-0_0_1" in captured.err
    assert "[failed]" in captured.out and "Zhejiang" in captured.out


# -- 8. what a killed install leaves --------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftover(root: Path, name: str, age_s: float = 0) -> Path:
    folder = root / name
    (folder / TOP / "model").mkdir(parents=True)
    (folder / TOP / "model" / "model.bin").write_bytes(b"\0" * 1000)
    if age_s:
        old = time.time() - age_s
        os.utime(folder, (old, old))
    return folder


def test_stale_install_folders_are_cleaned_at_the_next_list(
    model_files: dict[str, Path],
) -> None:
    install(model_files["random"])
    root = packages.models_dir()
    dead = _dead_pid()
    stale = [
        _leftover(root, f".installing-{TOP}-{dead}.abc_123"),
        _leftover(root, f".removing-{TOP}-{dead}"),
        _leftover(root, ".installing-k2j4h5g6", age_s=2 * 3600),  # an older reader's name
    ]
    live = [
        _leftover(root, f".installing-{TOP}-{os.getpid()}.xyz"),  # an install still going
        _leftover(root, f".installing-{TOP}-1.xyz"),  # pid 1 is alive
        _leftover(root, ".installing-recent99"),  # no pid, but new: it may be running
    ]
    assert [m.name for m in installed()] == [TOP]
    assert [p.exists() for p in stale] == [False, False, False]
    assert [p.exists() for p in live] == [True, True, True]


def test_a_package_caught_mid_swap_is_put_back(model_files: dict[str, Path]) -> None:
    """Killed between moving the old copy aside and renaming the new one in: the old one
    comes back at the next start rather than being lost."""
    model = install(model_files["random"])
    aside = model.path.with_name(f".replaced-{TOP}-{_dead_pid()}")
    model.path.rename(aside)
    assert [m.name for m in installed()] == [TOP]
    assert (model.path / "model" / "model.bin").is_file() and not aside.exists()


def test_a_killed_install_leaves_nothing_after_the_next_install(
    model_files: dict[str, Path], tmp_path: Path
) -> None:
    """A real install killed with SIGKILL while extracting (the archive read is slowed)."""
    root = packages.models_dir()
    script = (
        "import sys, time, zipfile\n"
        "from pathlib import Path\n"
        "from reader.translate import packages\n"
        "real = zipfile.ZipFile.extractall\n"
        "def slow(self, path, *a, **k):\n"
        "    real(self, path, *a, **k)\n"
        "    Path(sys.argv[2]).write_text('extracted')\n"
        "    time.sleep(60)\n"
        "zipfile.ZipFile.extractall = slow\n"
        "packages.install(Path(sys.argv[1]))\n"
    )
    flag = tmp_path / "extracted"
    child = subprocess.Popen([sys.executable, "-c", script, str(model_files["random"]), str(flag)])
    try:
        for _ in range(600):
            if flag.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert flag.exists(), "the install never reached extraction"
        assert any(p.name.startswith(".installing-") for p in root.iterdir())
    finally:
        child.kill()
        child.wait()
    assert any(p.name.startswith(".installing-") for p in root.iterdir())  # what kill -9 leaves
    install(model_files["copy"])
    assert sorted(p.name for p in root.iterdir()) == ["translate-zh_en-0_0_2"]
