"""Run many writers at once, each thread on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connections


def run_concurrently(workers: list[Callable[[], object]]) -> list[object]:
    """Start every worker at the same instant; return each one's result or exception."""
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # the test inspects what each writer met
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
