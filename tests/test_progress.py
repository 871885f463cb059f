import io
import time

from rich.console import Console

from pipeline.progress import ProgressReporter


def test_bar_appears_only_after_a_moment_and_counts_records_over_passes():
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=140)
    quick = ProgressReporter(delay=10.0, console=console)
    quick.start(100, 2, 1)
    quick.advance(50, "a.txt")
    quick.close()
    assert buf.getvalue() == ""
    slow = ProgressReporter(delay=0.0, console=console)
    slow.start(100, 2, 2)
    slow.advance(10, "news.txt")
    time.sleep(0.05)
    slow.advance(10, "news.txt")
    slow.progress.refresh()
    out = buf.getvalue()
    assert "news.txt" in out and "20/100 records" in out and "ETA" in out
    assert "pass 1/2" in out and "file 1/2" in out and "records/s" in out
    slow.advance(80, "other.txt")
    assert slow.completed == 100 and "file 2/2 other.txt" in slow.describe()
    slow.next_pass(1)
    slow.advance(100, "news.txt")
    # the bar's total is records x passes: it reaches the end exactly once
    assert slow.progress.tasks[0].total == 200 and slow.progress.tasks[0].completed == 200
    slow.close()


def test_disabled_when_quiet():
    buf = io.StringIO()
    r = ProgressReporter(enabled=False, delay=0.0, console=Console(file=buf, force_terminal=True))
    r.start(10, 1, 1)
    r.advance(5, "a.txt")
    r.close()
    assert buf.getvalue() == "" and r.done == 5
