import io
import time

from rich.console import Console

from pipeline.progress import ProgressReporter


def test_bar_appears_only_after_a_moment_and_shows_eta():
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100)
    quick = ProgressReporter(delay=10.0, console=console)
    quick(50, 100)
    quick.close()
    assert buf.getvalue() == ""
    slow = ProgressReporter(delay=0.0, console=console)
    slow(10, 100, "news.txt")
    time.sleep(0.05)
    slow(10, 100, "news.txt")
    slow.progress.refresh()
    out = buf.getvalue()
    assert "news.txt" in out and "20/100" in out and "ETA" in out
    # The next file restarts the count even when its total is the same.
    slow(5, 100, "other.txt")
    assert slow.done == 5 and slow.progress.tasks[0].description == "other.txt"
    slow.close()


def test_disabled_when_quiet():
    buf = io.StringIO()
    r = ProgressReporter(enabled=False, delay=0.0, console=Console(file=buf, force_terminal=True))
    r(5, 10)
    r.close()
    assert buf.getvalue() == "" and r.done == 5
