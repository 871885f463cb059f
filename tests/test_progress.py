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
    slow.label("news.txt")
    slow(10, 100)
    time.sleep(0.05)
    slow(10, 100)
    slow.progress.refresh()
    out = buf.getvalue()
    slow.close()
    assert "news.txt" in out and "20/100" in out and "ETA" in out


def test_disabled_when_quiet():
    buf = io.StringIO()
    r = ProgressReporter(enabled=False, delay=0.0, console=Console(file=buf, force_terminal=True))
    r(5, 10)
    r.close()
    assert buf.getvalue() == "" and r.done == 5
