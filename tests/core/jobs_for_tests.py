"""Jobs for the tests of core/jobs.py; module level, so that a worker process can import them.

Each leaves its trace in a file named by the test (a worker in another process sees it too).
"""

from pathlib import Path

from core import jobs


def _runs(path: str) -> int:
    """Count this run in the file and return how many runs it holds now."""
    log = Path(path)
    runs = int(log.read_text() or 0) + 1 if log.exists() else 1
    log.write_text(str(runs))
    return runs


def _fail_first(path: str, failures: int) -> int:
    runs = _runs(path)
    if runs <= failures:
        raise ConnectionRefusedError(f"run {runs} refused")
    return runs


@jobs.job(retries=3, backoff=30)
def flaky(path: str, failures: int) -> int:
    """Fails `failures` times, then succeeds; returns the run that succeeded."""
    return _fail_first(path, failures)


@jobs.job(retries=3, backoff=30)
def permanent(path: str) -> None:
    _runs(path)
    raise jobs.GiveUp("410 Gone")


@jobs.job(retries=0)
def touch(path: str, text: str) -> None:
    Path(path).write_text(text)


@jobs.job(retries=2, backoff=1)
def flaky_soon(path: str, failures: int) -> int:
    """`flaky` with a pause of one second, for a worker that really waits."""
    return _fail_first(path, failures)
