"""Servers under test as child processes on 127.0.0.1: start, wait until they answer, measure, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

FFKG = str(Path(sys.executable).with_name("ffkg"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    command: list[str], ready_url: str, *, timeout: float = 300.0, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` (in `env`, or this process's environment) until the block ends; returns once
    `ready_url` answers below 500.

    The server's output goes to a scratch file (a pipe nobody reads would fill up and stall
    it), which is quoted if the server dies before answering.
    """
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_ready(process, log, ready_url, timeout)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], log: IO[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}: {log.read().decode()[-2000:]}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{process.args[0]} did not answer {url} within {timeout:g} s")
        time.sleep(0.2)


def ffkg_serve(data_dir: Path, port: int, *, workers: int = 4) -> list[str]:
    return [FFKG, "serve", "--data-dir", str(data_dir), "--port", str(port), "--query-threads", str(workers)]


def peak_rss_bytes(pid: int) -> int:
    """Peak resident memory (VmHWM) of a live process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")
