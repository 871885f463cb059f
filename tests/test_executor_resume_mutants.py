"""A resumed run recomputes only the tasks whose completion marker is missing, pass by pass
(issue 21, ``executor/driver.py`` mutant #15: pass 0 looked at pass 1's marker, so a shard
whose later pass was lost redid its finished first pass; outputs are equal either way)."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.executor.driver import DONE
from pipeline.executor.local import LocalEngine
from pipeline.runner import RunOptions, run
from tests.test_multishard import CORPUS, Recorder, cfg


def test_a_resume_redoes_only_the_unfinished_tasks(tmp_path, monkeypatch):
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    probe = Recorder()
    run([str(src)], str(tmp_path / "probe"), cfg(3, 2), RunOptions(progress=probe))
    passes = probe.calls[0][2]
    assert passes >= 2
    out = tmp_path / "o"
    # stopped in the second pass, after shards 0 and 1 (one worker: tasks run in order)
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], str(out), cfg(3, 2), RunOptions(progress=Recorder(4 + 2)))
    seen: list[tuple[int, int]] = []
    real_map = LocalEngine.map

    def spy(self: LocalEngine, fn: Any, tasks: Any) -> Any:
        def recorded() -> Any:
            for p, sid, shard in tasks:
                assert shard != DONE  # finished tasks never reach the engine
                seen.append((p, sid))
                yield (p, sid, shard)

        return real_map(self, fn, recorded())

    monkeypatch.setattr(LocalEngine, "map", spy)
    res = run([str(src)], str(out), cfg(3, 2), RunOptions(resume=True))
    assert res.summary["resumed"] is True
    # the first pass is finished for every shard, the second for shards 0 and 1 only: the
    # engine gets the rest (finished tasks are read back from their markers, not sent to it)
    later = [(p, sid) for p in range(2, passes) for sid in range(4)]
    assert seen == [(1, 2), (1, 3), *later]
