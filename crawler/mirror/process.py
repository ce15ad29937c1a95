"""Run the mirror as a subprocess (scrapy's mockserver habit): ephemeral port, URL read from stdout.

proc, url = spawn_mirror_subprocess("--seed", "3")
try:
    ...
finally:
    stop_mirror_subprocess(proc)
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

URL_LINE = re.compile(r"^MIRROR_URL=(http://\S+)$")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class MirrorStartError(RuntimeError):
    """The mirror subprocess did not print its URL line in time."""


def spawn_mirror_subprocess(
    *args: str, timeout: float = 30.0, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m crawler.mirror *args`` and return the process and the URL it serves."""
    child_env = dict(os.environ if env is None else env)
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), child_env.get("PYTHONPATH")) if p
    )
    stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    proc = subprocess.Popen(  # noqa: S603 - fixed interpreter and module, arguments passed as a list
        [sys.executable, "-m", "crawler.mirror", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        encoding="utf-8",
        cwd=PROJECT_ROOT,
        env=child_env,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read_first_line() -> None:
        assert proc.stdout is not None
        lines.put(proc.stdout.readline())

    threading.Thread(target=read_first_line, name="mirror-url-reader", daemon=True).start()
    try:
        first = lines.get(timeout=timeout).strip()
    except queue.Empty:
        first = ""
    match = URL_LINE.match(first)
    if match:
        stderr.close()
        return proc, match.group(1)
    try:
        exit_code: int | None = proc.wait(timeout=2) if not first else None
    except subprocess.TimeoutExpired:
        exit_code = None
    stop_mirror_subprocess(proc)
    stderr.seek(0)
    tail = stderr.read()[-2000:].strip()
    stderr.close()
    if exit_code is not None:
        got = f"it exited with code {exit_code}"
    else:
        got = f"got {first!r}" if first else f"got nothing within {timeout:.0f}s"
    raise MirrorStartError(
        f"mirror subprocess (python -m crawler.mirror {' '.join(args)}) did not print MIRROR_URL=…; {got}."
        + (f" Its stderr ends with:\n{tail}" if tail else "")
    )


def stop_mirror_subprocess(proc: subprocess.Popen[str], timeout: float = 10.0) -> int:
    """SIGTERM the mirror, wait for it, SIGKILL if it does not exit; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    if proc.stdout is not None:
        proc.stdout.close()
    return proc.returncode
