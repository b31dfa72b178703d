"""Work a first run ever hands to another process, on another core.

Building the CC-CEDICT index and writing the tables the next start reads
are seconds of pure Python; in this process they would wait for jieba's load
(or share the interpreter with the reader's drawing, and hold up a quit).
A fresh interpreter started with the same environment (cache folder and all)
does them beside it; each caller checks the result as it would its own work,
so a process that could not start, or failed, only costs the time.
"""

from __future__ import annotations

import subprocess
import sys


def start_python(code: str, *args: str, pipes: bool = False) -> subprocess.Popen[bytes] | None:
    """``python -c code args…`` in the background, silent; None if it cannot start or
    this process has a single core to run on (the work is then done here, as before).
    ``pipes``: its standard input and output are this process's to write and read."""
    from reader.language.parallel import cpu_count

    if cpu_count() < 2:
        return None
    stream = subprocess.PIPE if pipes else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=stream,
            stdout=stream,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
