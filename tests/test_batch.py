"""``reader batch`` on a real Dask LocalCluster: 127.0.0.1, two worker processes, one thread each.

One cluster serves the module (worker processes start in seconds, and each
loads jieba, the dictionary and its model once); the workers read the same
config and data folders as the tests, so ``reader export`` here and a
worker's export use the same model, glossary and memory. The gloss translator
is used where the model is not the point.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from reader.batch.cluster import DaskRunner, local_cluster
from reader.batch.discovery import Job, discover
from reader.batch.engine import CHUNK_DOCUMENTS, CHUNKS_PER_SLOT, InProcess, chunked, run_batch
from reader.batch.manifest import MANIFEST, Manifest, Record
from reader.batch.tasks import BatchConfig, Outcome
from reader.cli import main
from reader.translate.packages import install
from tests.conftest import AQ
from tests.model_factory import build_package
from tests.test_human import EN as STORY_EN
from tests.test_human import ZH as STORY_ZH

SENTENCES = [
    "全会指出，共同富裕是社会主义的本质要求。",
    "浙江省委推动高质量发展建设共同富裕示范区。",
    "我们要坚持党的全面领导，推进现代化建设。",
    "八八战略是浙江发展的总纲领。",
    "人民群众是共同富裕的主力军。",
    "山海协作促进了区域协调发展。",
    "他慢慢地走过来，笑着说你好。",
    "这本书很重要，我们一起学习中文。",
    "今天天气很好，大家都去公园了。",
    "红楼梦是中国古典小说的代表作。",
]

#: Documents that cannot be done, and what their failure says.
BAD = {
    "bad/binary.txt": "not a text file",
    "bad/empty.txt": "empty",
    "bad/blank.md": "empty",
}


def _text(i: int) -> str:
    body = "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(2 + i % 4))
    return f"《文件{i}》\n\n第一章 总则\n\n{body}\n\n第二章 附则\n\n{SENTENCES[i % 7]}\n"


def write_corpus(folder: Path) -> list[str]:
    """17 documents in every encoding reader reads, 3 bad ones, 2 files that are no documents."""
    good: list[str] = []

    def put(rel: str, data: bytes) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    for i in range(13):
        rel = f"{'ab'[i % 2]}/{'c/' if i % 3 == 0 else ''}doc{i:02}.txt"
        put(rel, _text(i).encode("utf-8"))
        good.append(rel)
    specials = {
        "gb/gb18030.txt": _text(20).encode("gb18030"),
        "gb/crlf.txt": _text(21).replace("\n", "\r\n").encode("utf-8-sig"),
        "utf16.txt": _text(22).encode("utf-16"),
        "notes.md": f"# 笔记\n\n## 第一节\n\n{SENTENCES[3]}{SENTENCES[4]}\n".encode(),
    }
    for rel, data in specials.items():
        put(rel, data)
        good.append(rel)
    put("bad/binary.txt", b"\x00\x01\x02\x89PNG\r\n" * 50)
    put("bad/empty.txt", b"")
    put("bad/blank.md", b"  \n\n \n")
    put(".hidden.txt", _text(1).encode())
    put("data.csv", b"a,b\n")
    return good


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Config and data folders for the module, with the tiny random model installed."""
    root = tmp_path_factory.mktemp("batch-home")
    env = {
        "READER_CONFIG_DIR": str(root / "config"),
        "READER_DATA_DIR": str(root / "data"),
        "READER_CACHE_DIR": os.environ["READER_CACHE_DIR"],
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        install(build_package(root / "random.argosmodel", "random"))
    return env


@pytest.fixture(autouse=True)
def same_home(user_dirs: Path, home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """This process reads what the workers read (and a restarted worker inherits it)."""
    for name, value in home.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def cluster(home: dict[str, str]) -> Iterator[LocalCluster]:
    with local_cluster(2, env=home) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder)


@pytest.fixture(scope="module")
def argos_batch(
    cluster: LocalCluster, corpus: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, str, str]:
    """The corpus done once on the cluster with the model, through the command line."""
    out = tmp_path_factory.mktemp("out") / "tmx"
    argv = ["batch", str(corpus[0]), "-f", "tmx", "-o", str(out), "--translator", "argos"]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([*argv, "--cluster", cluster.scheduler_address])
    return out, code, stdout.getvalue(), stderr.getvalue()


def _records(out: Path) -> dict[str, Record]:
    with Manifest(out, create=False) as manifest:
        return {r.rel: r for r in manifest.records()}


def test_a_batch_with_bad_documents_completes_with_the_right_manifest(
    argos_batch: tuple[Path, int, str, str],
    corpus: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, code, stdout, stderr = argos_batch
    folder, good = corpus
    assert code == 0
    assert "17 done, 3 failed, 0 already done" in stdout
    records = _records(out)
    assert sorted(records) == sorted([*good, *BAD])  # hidden files and .csv left out
    for rel in good:
        record = records[rel]
        assert record.status == "done", record
        output = out / record.output
        assert output.is_file() and output.parent == (out / rel).parent
        # Named by content: the document's SHA-256, its first 12 digits.
        digest = hashlib.sha256((folder / rel).read_bytes()).hexdigest()[:12]
        assert output.name == f"{Path(rel).stem}.{digest}.tmx"
        assert record.sentences > 0 and record.provenance.get("mt", 0) > 0
        assert "translate-zh_en" in record.made_by
    for rel, reason in BAD.items():
        record = records[rel]
        assert record.status == "failed" and reason in record.error
        assert str(folder / rel) in record.error
        assert f"failed: {folder / rel}" in stderr
    # --status says the same, in words and in JSON.
    assert main(["batch", "--status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "20 documents: 17 done, 3 failed" in text and "binary.txt: not a text file" in text
    assert main(["batch", "--status", str(out), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["status"] == {"done": 17, "failed": 3}
    assert status["sentences"] == sum(r.sentences for r in records.values() if r.status == "done")
    assert len(status["failures"]) == 3 and status["last_run"]["done"] == 17


def test_outputs_are_byte_identical_to_reader_export(
    argos_batch: tuple[Path, int, str, str],
    corpus: tuple[Path, list[str]],
    cluster: LocalCluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same bytes as ``reader export``, given the same translations. With the tiny
    random model a sentence's translation depends on what else is in its batch (its
    outputs are near ties), and which sentences a worker finds in the cache depends on
    which worker got to them first; so both read the one cache the first batch filled:
    a second batch, and the exports here, translate nothing (this failed one run in
    three while the export translated afresh)."""
    from reader.translate import cache

    assert argos_batch[1] == 0
    folder, _ = corpus
    monkeypatch.setattr(cache, "CACHE_FILE", "translations.sqlite")  # the workers' own
    again = tmp_path / "again"
    argv = ["batch", str(folder), "-f", "tmx", "-o", str(again), "--translator", "argos"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main([*argv, "--cluster", cluster.scheduler_address]) == 0
    records = _records(again)
    for rel in ("gb/gb18030.txt", "utf16.txt", "notes.md", "a/c/doc00.txt"):
        mine = tmp_path / f"{Path(rel).stem}.tmx"
        argv = ["export", str(folder / rel), "-f", "tmx", "-o", str(mine), "--translator", "argos"]
        assert main(argv) == 0
        batch = (again / records[rel].output).read_bytes()
        assert batch == mine.read_bytes(), rel


def _worker_pids(client: Client) -> dict[str, int]:
    return dict(client.run(os.getpid))


def test_a_worker_killed_mid_document_still_completes_the_batch(
    client: Client, corpus: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder, good = corpus
    shutil.copytree(folder, tmp_path / "docs")
    # The largest document goes first, and takes long enough to be killed in the middle.
    (tmp_path / "docs" / "aq.txt").write_text(AQ.read_text(encoding="utf-8")[:6000])
    jobs = discover(tmp_path / "docs", tmp_path / "out")
    assert jobs[0].rel == "aq.txt"
    killed: dict[str, object] = {}

    def kill_the_busy_worker(job: Job, outcome: Outcome) -> None:
        if killed:
            return
        processing = client.processing()
        pids = _worker_pids(client)
        for worker, keys in processing.items():
            if any(str(k).endswith("-0") for k in keys):  # aq.txt, submitted first
                os.kill(pids[worker], signal.SIGKILL)
                killed.update(worker=worker, pid=pids[worker])

    result = run_batch(
        jobs,
        tmp_path / "out",
        BatchConfig("tmx", "gloss"),
        DaskRunner(client, "test"),
        on_outcome=kill_the_busy_worker,
    )
    assert killed, "aq.txt was not being done when the first document came back"
    outcomes = {job.rel: outcome for job, outcome in result.outcomes}
    assert sorted(outcomes) == sorted(["aq.txt", *good, *BAD])
    assert all(outcomes[rel].ok for rel in ["aq.txt", *good])
    # Dask gave aq.txt to a live worker: the one killed never reported it.
    assert not outcomes["aq.txt"].worker.endswith(f":{killed['pid']}")
    assert outcomes["aq.txt"].sentences > 100
    client.wait_for_workers(2, timeout=60)
    assert killed["pid"] not in _worker_pids(client).values()


def test_an_interrupted_batch_redoes_only_what_is_missing(
    client: Client, corpus: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder, good = corpus
    out = tmp_path / "out"
    jobs = discover(folder, out)
    config = BatchConfig("md", "gloss")
    runner = DaskRunner(client, "test")
    seen: list[str] = []

    def interrupt(job: Job, outcome: Outcome) -> None:
        seen.append(job.rel)
        if len(seen) == 6:
            raise KeyboardInterrupt

    first = run_batch(jobs, out, config, runner, on_outcome=interrupt)
    assert first.interrupted and len(first.outcomes) == 6
    before = _records(out)
    done_first = {rel for rel, r in before.items() if r.status == "done"}
    assert len(before) == 6 and done_first
    with Manifest(out, create=False) as manifest:
        assert manifest.runs()[-1].interrupted

    second = run_batch(jobs, out, config, runner)
    redone = [job.rel for job, _ in second.outcomes]
    # Every task the workers ran is one the first run had not finished: nothing twice.
    assert sorted(redone) == sorted({*good, *BAD} - done_first)
    assert second.tally.skipped == len(done_first) and not second.interrupted
    after = _records(out)
    for rel in done_first:
        assert after[rel] == before[rel]  # untouched: same run, same time
    # Nothing left but the documents that cannot be done; --force does them all.
    third = run_batch(jobs, out, config, runner)
    assert sorted(job.rel for job, _ in third.outcomes) == sorted(BAD)
    forced = run_batch(jobs, out, config, runner, force=True)
    assert len(forced.outcomes) == 20
    # One context (one loaded model, jieba, dictionary) per worker process, over four batches.
    contexts: dict[str, set[int]] = {}
    for _, outcome in [*first.outcomes, *second.outcomes, *third.outcomes, *forced.outcomes]:
        if outcome.ok:
            contexts.setdefault(outcome.worker, set()).add(outcome.context)
    assert all(len(c) == 1 for c in contexts.values()) and len(contexts) <= 3


def test_the_command_starts_its_own_cluster_and_aligns_human_translations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No --cluster: a local cluster of its own; --english-dir: the translations are aligned."""
    docs, english, out = tmp_path / "docs", tmp_path / "en", tmp_path / "out"
    (docs / "shelf").mkdir(parents=True)
    (english / "shelf").mkdir(parents=True)
    (docs / "shelf" / "story.txt").write_text(STORY_ZH, encoding="utf-8")
    (english / "shelf" / "story.txt").write_text(STORY_EN, encoding="utf-8")
    (docs / "alone.txt").write_text(_text(3), encoding="utf-8")
    listing = docs / "batch.list"
    listing.write_text("# two documents, one translated\nshelf/story.txt\n\nalone.txt\n")
    argv = ["batch", str(listing), "-f", "json", "-o", str(out), "--translator", "gloss"]
    assert main([*argv, "--english-dir", str(english), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "local cluster, 1 workers" in captured.err and "2 done, 0 failed" in captured.out
    records = _records(out)
    assert sorted(records) == ["alone.txt", "shelf/story.txt"]
    story, alone = records["shelf/story.txt"], records["alone.txt"]
    assert story.provenance["human"] > 0 and "human" not in alone.provenance
    mine = tmp_path / "story.json"
    zh, en = docs / "shelf" / "story.txt", english / "shelf" / "story.txt"
    argv = ["export", str(zh), "--english", str(en), "-f", "json", "-o", str(mine)]
    assert main([*argv, "--translator", "gloss"]) == 0
    assert (out / story.output).read_bytes() == mine.read_bytes()


def test_without_dask_the_batch_runs_in_this_process(
    corpus: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    folder, _ = corpus
    docs, out = tmp_path / "docs", tmp_path / "out"
    shutil.copytree(folder / "a", docs)
    argv = ["batch", str(docs), "-f", "tsv", "-o", str(out), "--translator", "gloss"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "pip install 'reader[cluster]'" in captured.err
    assert "7 done, 0 failed" in captured.out
    records = _records(out)
    assert all(r.worker.endswith(f":{os.getpid()}") for r in records.values())
    # An edited document is done again, under its new hash; its old output goes.
    old = out / records["doc02.txt"].output
    (docs / "doc02.txt").write_text(_text(30), encoding="utf-8")
    assert main(argv) == 0
    assert "1 done, 0 failed, 6 already done" in capsys.readouterr().out
    new = out / _records(out)["doc02.txt"].output
    assert new != old and new.is_file() and not old.exists()
    # --cluster cannot work without Dask: one line, status 2.
    assert main([*argv, "--cluster", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--cluster needs Dask" in err


def test_in_process_runner_matches_the_worker_task(
    corpus: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """The runner without Dask records like the cluster's (same task, same manifest)."""
    folder, _ = corpus
    jobs = [j for j in discover(folder, tmp_path / "out") if j.rel.startswith("bad/")]
    result = run_batch(jobs, tmp_path / "out", BatchConfig("json", "gloss"), InProcess())
    assert sorted(j.rel for j, o in result.outcomes if not o.ok) == sorted(BAD)
    assert result.tally.failed == 3 and result.tally.done == 0


def test_discovery_walks_lists_and_orders_largest_first(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for rel, size in (("small.txt", 10), ("sub/big.md", 300), ("sub/.hidden.txt", 999)):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("中" * size, encoding="utf-8")
    (docs / "out").mkdir()
    (docs / "out" / "old.md").write_text("中文", encoding="utf-8")  # an earlier output
    jobs = discover(docs, docs / "out")
    assert [j.rel for j in jobs] == ["sub/big.md", "small.txt"]
    assert jobs[0].shown == str(docs / "sub" / "big.md")
    assert jobs[0].output_name("tmx") == f"sub/big.{jobs[0].sha256[:12]}.tmx"
    listing = tmp_path / "lists" / "x.list"
    listing.parent.mkdir()
    listing.write_text("# corpus\n../docs/small.txt\n../docs/missing.txt\n", encoding="utf-8")
    listed = discover(listing, tmp_path / "o")
    assert sorted(j.rel for j in listed) == ["missing.txt", "small.txt"]
    missing = next(j for j in listed if j.rel == "missing.txt")
    assert missing.error is not None and "no such file" in missing.error


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["batch", "-f", "tmx", "-o", "x"], "needs DIR or LIST_FILE"),
        (["batch", "DOCS", "-o", "x"], "needs --format"),
        (["batch", "DOCS", "-f", "tmx"], "needs --out"),
        (["batch", "DOCS", "-f", "tmx", "-o", "OUT", "--workers", "0"], "--workers must be"),
        (["batch", "EMPTY", "-f", "tmx", "-o", "OUT"], "no .txt or .md documents"),
        (["batch", "DOCS", "-f", "tmx", "-o", "FILE"], "is a file, not a folder"),
        (["batch", "--status", "EMPTY"], f"no {MANIFEST}"),
        (["batch", "NOWHERE", "-f", "tmx", "-o", "OUT"], "no such folder or list file"),
    ],
)
def test_usage_errors_are_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("中文。", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("x")
    names = {
        "DOCS": tmp_path / "docs",
        "EMPTY": tmp_path / "empty",
        "OUT": tmp_path / "out",
        "FILE": tmp_path / "file",
        "NOWHERE": tmp_path / "nowhere",
    }
    assert main([str(names.get(a, a)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def _job(rel: str, size: int) -> Job:
    return Job(f"/{rel}", rel, rel, size, "0" * 64)


def test_small_documents_share_a_task_and_large_ones_go_alone() -> None:
    jobs = [_job("novel.txt", 2_000_000), _job("long.txt", 70_000)]
    jobs += [_job(f"tiny{i:03}.txt", 100) for i in range(600)]
    chunks = chunked(jobs, slots=2)
    assert [c[0].rel for c in chunks[:2]] == ["novel.txt", "long.txt"]
    assert all(len(c) == 1 for c in chunks[:2])
    assert [j.rel for c in chunks for j in c] == [j.rel for j in jobs]  # order kept
    assert all(len(c) <= CHUNK_DOCUMENTS for c in chunks) and len(chunks) < 20
    # A handful of documents: every worker thread still gets several tasks.
    few = [_job(f"doc{i}.txt", 300) for i in range(20)]
    assert len(chunked(few, slots=2)) >= 2 * CHUNKS_PER_SLOT


def test_a_translator_that_cannot_work_stops_the_batch_in_one_line(
    corpus: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "no-models"))
    folder, _ = corpus
    out = tmp_path / "out"
    argv = ["batch", str(folder / "a"), "-f", "tmx", "-o", str(out), "--translator", "argos"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "batch interrupted: 0 done, 0 failed" in captured.out and "7 left" in captured.out
    errors = [line for line in captured.err.splitlines() if not line.startswith("reader: Dask")]
    assert errors[-1].startswith("reader: batch stopped") and "models install" in errors[-1]
    assert not [line for line in errors if "failed:" in line]
    assert _records(out) == {}  # nothing recorded: the next run does every document


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_counts_documents_and_failures() -> None:
    from reader.batch.progress import BatchProgress, summary_line

    screen = _Terminal()
    progress = BatchProgress(3, 300, stream=screen)
    progress.advance(200, sentences=12)
    progress.advance(50, failure="bad.txt: the file is empty")
    progress.advance(50, sentences=3)
    progress.close()
    assert "failed: bad.txt: the file is empty" in screen.getvalue()
    tally = progress.tally
    assert (tally.done, tally.failed, tally.sentences) == (2, 1, 15)
    line = summary_line(tally, "out")
    assert line.startswith("batch: 2 done, 1 failed, 0 already done · 15 sentences")


def test_a_scheduler_that_cannot_be_reached_is_one_line(
    corpus: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("reader.batch.cluster.CONNECT_TIMEOUT", 1)
    folder, _ = corpus
    argv = ["batch", str(folder / "a"), "-f", "tmx", "-o", str(tmp_path / "out")]
    assert main([*argv, "--cluster", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the scheduler" in err, err


def test_device_reaches_ctranslate2(
    corpus: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--device cuda`` is CTranslate2's device: without a GPU the model cannot load, and
    the batch stops in one line; an impossible setting is one line naming it."""
    import ctranslate2

    monkeypatch.setitem(sys.modules, "distributed", None)
    folder, _ = corpus
    argv = ["batch", str(folder / "gb"), "-f", "tmx", "-o", str(tmp_path / "out")]
    code = main([*argv, "--translator", "argos", "--device", "cuda"])
    captured = capsys.readouterr()
    if ctranslate2.get_cuda_device_count() == 0:
        assert code == 2 and "batch stopped" in captured.err and "cannot load" in captured.err
    else:
        assert code == 0 and "2 done, 0 failed" in captured.out
    monkeypatch.setenv("READER_DEVICE", "gpu")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "READER_DEVICE" in err and "cuda" in err
