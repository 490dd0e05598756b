"""Running the same work in several threads at once, as two requests or two senders do (PostgreSQL tests)."""

import threading
from collections.abc import Callable

from django.db import connections


def at_once(work: Callable[[], None], *, times: int = 2, timeout: float = 120) -> None:
    """Run WORK in TIMES threads started together; each thread closes its own database connections when done."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
