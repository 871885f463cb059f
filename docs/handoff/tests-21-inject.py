"""Issue 21 evidence: inject each surviving bug by hand, run its tests, expect a failure, revert.

    python docs/handoff/tests-21-inject.py [ID ...]

Each bug is an exact string replacement in one source file (the file is restored afterwards,
even on Ctrl-C). Prints one line per bug: ``ID  FAILED-AS-WANTED`` or ``ID  NOT CAUGHT``.
The replacements name the code as it was on 2026-12-03 after merging ``core``: when
the text is not found the line says ``STALE`` instead of guessing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BUGS: list[tuple[str, str, str, str, list[str]]] = [
    # id, file, old text, new text, tests
    (
        "R1-resume-size-only",
        "pipeline/resume.py",
        "        if o != f:\n",
        '        if o["size"] != f["size"]:\n',
        ["tests/test_run_survivors.py::test_resume_refuses_an_input_edited_to_the_same_size"],
    ),
    (
        "R2-trailing-stats-lost",
        "pipeline/executor/driver.py",
        "    for p, sid in pending_done:\n        yield load(wd.done(p, sid))",
        "    for p, sid in pending_done[:0]:\n        yield load(wd.done(p, sid))",
        [
            "tests/test_multishard.py::test_resume_after_deleting_chosen_markers_gives_the_same_outputs"
        ],
    ),
    (
        "R3-progress-segments",
        "pipeline/runner.py",
        "progress.advance(res.records,",
        "progress.advance(res.segments,",
        ["tests/test_multishard.py::test_progress_counts_records_per_pass_not_segments"],
    ),
    (
        "R4a-batch-split-range",
        "pipeline/executor/work.py",
        "for i in range(0, n, size)",
        "for i in range(0, n - 1, size)",
        ["tests/test_multishard.py::test_every_shape_gives_the_hand_derived_outputs"],
    ),
    (
        "R4b-batch-split-slice",
        "pipeline/executor/work.py",
        "v[i : i + size]",
        "v[i : i + size - 1]",
        ["tests/test_multishard.py::test_every_shape_gives_the_hand_derived_outputs"],
    ),
    (
        "R5-shard0-state",
        "pipeline/executor/work.py",
        "load_state(wd, st.name, sid)",
        "load_state(wd, st.name, 0)",
        ["tests/test_multishard.py::test_every_shape_gives_the_hand_derived_outputs"],
    ),
    (
        "R6-mode-0600",
        "pipeline/writers/atomic.py",
        "        os.fchmod(fd, 0o666 & ~_umask())",
        "        pass",
        ["tests/test_run_survivors.py::test_outputs_follow_the_umask_not_0600"],
    ),
    (
        "R7-glob-basename",
        "pipeline/inputs.py",
        "fnmatchcase(rel, p) or fnmatchcase(name, p)",
        "fnmatchcase(name, p)",
        [
            "tests/test_run_survivors.py::test_include_glob_matches_the_path_relative_to_the_folder",
            "tests/test_run_survivors.py::test_exclude_glob_matches_the_path_relative_to_the_folder",
        ],
    ),
    (
        "R8-gold-as-input",
        "pipeline/inputs.py",
        ' or q.name.endswith(".gold.jsonl")',
        "",
        ["tests/test_run_survivors.py::test_gold_sidecars_in_a_folder_are_not_inputs"],
    ),
    (
        "R9-retranslate-termbases",
        "pipeline/config.py",
        'if name in ("glossary_known", "retranslate"):',
        'if name in ("glossary_known",):',
        ["tests/mt/test_retranslate_terms.py::test_glossary_termbases_reach_the_retranslate_stage"],
    ),
    (
        "R10-src-lang-unvalidated",
        "pipeline/cli_conventions.py",
        'cfg.input.src_lang = validate_language(src_lang, "--src-lang")',
        "cfg.input.src_lang = src_lang",
        ["tests/test_run_survivors.py::test_src_lang_is_validated_and_standardised"],
    ),
    (
        "R11-eval-last-score",
        "pipeline/evaluate.py",
        'r["score"] = max(r["score"], s["garble_score"])',
        'r["score"] = s["garble_score"]',
        ["tests/test_evaluate.py::test_by_record_aggregates_segments"],
    ),
    (
        "M1a-guard-floor-ignored",
        "pipeline/stages/guards.py",
        'and at_least(flag["severity"], self.min_severity):',
        ":",
        ["tests/mt/test_retranslate_terms.py::test_guard_severity_floor"],
    ),
    (
        "M1b-guard-floor-strict",
        "pipeline/stages/guards.py",
        'and at_least(flag["severity"], self.min_severity):',
        'and at_least(flag["severity"], self.min_severity)'
        ' and flag["severity"] != self.min_severity:',
        ["tests/mt/test_retranslate_terms.py::test_guard_severity_floor"],
    ),
    (
        "M2-forced-placeholder-not-restored",
        "pipeline/stages/retranslate.py",
        "hyps[i], _ = terms.unmask(text, slots[i])",
        "hyps[i] = text",
        [
            "tests/mt/test_retranslate_terms.py::"
            "test_placeholders_are_restored_after_a_forced_retranslation"
        ],
    ),
    (
        "M3-cache-key-without-compute-type",
        "pipeline/mt/load.py",
        "threads,\n           compute_type)",
        "threads)",
        ["tests/mt/test_retranslate_terms.py::test_model_cache_keeps_compute_types_apart"],
    ),
    (
        "A1-rejected-hit-applied",
        "pipeline/review/apply.py",
        '(h["action"] == "replaced" and v != "reject")',
        '(h["action"] == "replaced")',
        ["tests/review/test_apply_hits.py::test_a_rejected_hit_stays_out_of_an_accepted_segment"],
    ),
    (
        "A2-hits-left-to-right",
        "pipeline/review/apply.py",
        'sorted(hits, key=lambda h: h["start"], reverse=True)',
        'sorted(hits, key=lambda h: h["start"])',
        ["tests/review/test_apply_hits.py"],
    ),
    (
        "A3-changed-input-accepted",
        "pipeline/review/apply.py",
        'raise UsageError(f"{real}: record {rec.id!r} changed since the run; run again")',
        "pass",
        ["tests/review/test_apply_hits.py::test_an_input_changed_since_the_run_is_refused"],
    ),
    (
        "A4a-hit-index-plus-one",
        "pipeline/review/apply.py",
        "d.hits.get((*key, i))",
        "d.hits.get((*key, i + 1))",
        ["tests/review/test_apply_hits.py::test_a_hit_decision_applies_to_the_hit_of_that_index"],
    ),
    (
        "A4b-hit-index-minus-one",
        "pipeline/review/apply.py",
        "d.hits.get((*key, i))",
        "d.hits.get((*key, i - 1))",
        ["tests/review/test_apply_hits.py::test_a_hit_decision_applies_to_the_hit_of_that_index"],
    ),
    (
        "Q1-record-is-its-own-peer",
        "pipeline/stages/score.py",
        "if k != me]",
        "]",
        [
            "tests/quality/test_score_peers.py::test_a_record_is_compared_with_the_other_records_mt_not_itself_nor_edits"
        ],
    ),
    (
        "Q2-first-not-best-retranslation",
        "pipeline/stages/choice.py",
        'top = max(rivals, key=lambda c: c["score"] or 0.0)',
        "top = rivals[0]",
        [
            "tests/quality/test_score_peers.py::test_the_best_retranslation_competes_wherever_it_stands"
        ],
    ),
    (
        "Q3a-glossary-edit-in-peer-pool",
        "pipeline/stages/score.py",
        'batch["source"], batch["target"], batch["file"]',
        'batch["source"], batch["output"], batch["file"]',
        [
            "tests/quality/test_score_peers.py::test_a_record_is_compared_with_the_other_records_mt_not_itself_nor_edits"
        ],
    ),
    (
        "Q3b-glossary-edit-compared-with-its-mt",
        "pipeline/stages/score.py",
        'family = "mt" if cand["origin"] in MT_FAMILY else cand["text"]',
        'family = cand["origin"]',
        [
            "tests/quality/test_score_peers.py::test_a_record_is_compared_with_the_other_records_mt_not_itself_nor_edits"
        ],
    ),
    (
        "Q4-question-mismatch-inverted",
        "pipeline/quality/features.py",
        'float(_has(source, "?？") != _has(target, "?"))',
        'float(_has(source, "?？") == _has(target, "?"))',
        [
            "tests/quality/test_score_peers.py::test_question_mismatch_is_one_exactly_when_one_side_asks"
        ],
    ),
    (
        "Q5-vanished-figure-ignored",
        "pipeline/quality/regress.py",
        'elif d and a is not None and b is None and key != "glossary.compliance":\n'
        "            bad = True",
        'elif d and a is not None and b is None and key != "glossary.compliance":\n'
        "            bad = False",
        ["tests/quality/test_regress.py::test_a_scored_figure_that_vanishes_is_a_regression"],
    ),
    (
        "Q6-quality-before-from-output",
        "pipeline/quality/regress.py",
        'q_before += mt["score"] if mt else row["quality"]',
        'q_before += row["quality"]',
        ["tests/quality/test_regress.py::test_snapshot_quality_before_and_after_by_hand"],
    ),
    (
        "C1a-qian-unit-10000",
        "pipeline/checks/numbers.py",
        '"千": 1000}',
        '"千": 10000}',
        [
            "tests/test_number_and_length_checks.py::test_qian_is_a_thousand",
            "tests/test_number_and_length_checks.py::test_qian_read_as_ten_thousand_would_be_wrong",
        ],
    ),
    (
        "C1b-qian-multiplier-1e4",
        "pipeline/checks/numbers.py",
        '"千": 1e3}',
        '"千": 1e4}',
        [
            "tests/test_number_and_length_checks.py::test_qian_is_a_thousand",
            "tests/test_number_and_length_checks.py::test_qian_read_as_ten_thousand_would_be_wrong",
        ],
    ),
    (
        "C2a-length-ratio-strict-threshold",
        "pipeline/checks/length_ratio.py",
        "if factor <= cfg.tolerance:",
        "if factor < cfg.tolerance:",
        [
            "tests/test_number_and_length_checks.py::test_length_ratio_threshold_and_severity_with_tolerance_2"
        ],
    ),
    (
        "C2b-length-ratio-major-threshold",
        "pipeline/checks/length_ratio.py",
        "factor > cfg.tolerance**1.5",
        "factor > cfg.tolerance**2",
        [
            "tests/test_number_and_length_checks.py::test_length_ratio_threshold_and_severity_with_tolerance_2"
        ],
    ),
    (
        "C2c-length-ratio-default-tolerance",
        "pipeline/checks/length_ratio.py",
        "Field(2.2, gt=1.0",
        "Field(2.0, gt=1.0",
        ["tests/test_number_and_length_checks.py::test_length_ratio_default_bounds_for_zh_en"],
    ),
]


def run_one(bug: tuple[str, str, str, str, list[str]]) -> str:
    name, rel, old, new, tests = bug
    path = ROOT / rel
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        return f"{name}  STALE ({rel}: text found {text.count(old)} times)"
    try:
        path.write_text(text.replace(old, new), encoding="utf-8")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-n",
                "0",
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                "--no-header",
                *tests,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(text, encoding="utf-8")
    tail = (proc.stdout.strip().splitlines() or [""])[-1]
    verdict = "FAILED-AS-WANTED" if proc.returncode == 1 else f"NOT CAUGHT (rc {proc.returncode})"
    return f"{name}  {verdict}  [{tail}]"


def main() -> int:
    wanted = set(sys.argv[1:])
    bad = 0
    for bug in BUGS:
        if wanted and not any(bug[0].startswith(w) for w in wanted):
            continue
        line = run_one(bug)
        bad += "FAILED-AS-WANTED" not in line
        print(line, flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
