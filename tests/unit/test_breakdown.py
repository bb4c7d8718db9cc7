"""The benchmark's breakdown of a run's fixed cost: the phases cut one time line and add up
to the measured wall time, whatever order the marks come in (benchmarks/breakdown.py)."""

from pathlib import Path

from benchmarks.breakdown import marks_from_log, phases_from_marks, step_label


def test_phases_add_up_to_the_wall_time_and_sum_repeated_phases():
    start = 1000.0
    marks = [
        (1004.0, "dbt"),
        (1001.0, "imports"),
        (1002.5, "between steps"),
        (1006.0, "between steps"),
    ]
    parts = phases_from_marks(marks, start, 7.0)
    assert [(p.name, p.seconds) for p in parts] == [
        ("imports", 1.0),
        ("between steps", 1.5 + 2.0),
        ("dbt", 1.5),
        ("summary (quarantine counts), process exit", 1.0),
    ]
    assert sum(p.seconds for p in parts) == 7.0


def test_a_mark_before_the_previous_one_adds_no_negative_time():
    parts = phases_from_marks([(5.0, "a"), (5.0, "b")], 0.0, 6.0)
    assert [p.seconds for p in parts] == [5.0, 0.0, 1.0]


def test_the_runner_progress_lines_mark_the_phase_boundaries(tmp_path: Path):
    log = tmp_path / "run.log"
    log.write_text(
        "[     3.8 s] Verifying 1 export day(s) at /x ...\n"
        "[     6.6 s] Loading export days 2025-12-31 .. 2025-12-31 (1 days) ...\n"
        "[     7.7 s]   2025-12-31: loaded\n"
        "[    16.9 s] Running dbt build (staging, ...) ...\n",
        encoding="utf-8",
    )
    marks = marks_from_log(log, 100.0)
    assert [round(when, 1) for when, _ in marks] == [103.8, 106.6, 116.9]
    assert marks[0][1].startswith("process start")


def test_steps_are_named_as_a_reader_knows_them():
    assert step_label("lpz_export_day").startswith("ingestion asset")
    assert step_label("fct_stop_episodes_great_expectations") == "GX check on fct_stop_episodes"
    assert "schema" in step_label("asset_check_17944132")
