"""Which days `seh-stops run` asks an HTTP source for: HTTP cannot list, so it probes a range."""

from __future__ import annotations

from datetime import date

import duckdb

from cli.runner import _days_at_source
from seh_stops import settings
from seh_stops.lpz.http_source import HttpExportSource, yesterday
from seh_stops.lpz.pending import HTTP_RECHECK_DAYS


class ProbeRecorder(HttpExportSource):
    """An HTTP source that records the probed range and claims two published days."""

    def __init__(self) -> None:
        super().__init__("https://lpz.example/export")
        self.probed: list[tuple[date, date]] = []

    def list_days(self, first=None, last=None):
        self.probed.append((first, last))
        return [date(2023, 1, 3), date(2023, 1, 5)]


def test_a_full_range_is_not_probed_every_day_is_verified(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path))
    source = ProbeRecorder()
    days = _days_at_source(source, date(2023, 1, 1), date(2023, 1, 3), progress=print)
    assert days == [date(2023, 1, 1), date(2023, 1, 2), date(2023, 1, 3)]
    assert source.probed == []


def test_from_alone_probes_up_to_yesterday(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path))
    source = ProbeRecorder()
    days = _days_at_source(source, date(2023, 1, 2), None, progress=print)
    assert source.probed == [(date(2023, 1, 2), yesterday())]
    assert days == [date(2023, 1, 2), date(2023, 1, 3), date(2023, 1, 4), date(2023, 1, 5)]


def test_without_a_range_an_empty_warehouse_probes_from_the_first_day(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path))
    source = ProbeRecorder()
    assert _days_at_source(source, None, None, progress=print) == [
        date(2023, 1, 3),
        date(2023, 1, 5),
    ]
    assert source.probed == [(date.fromisoformat(settings.first_export_day()), yesterday())]


def test_without_a_range_probing_starts_a_week_before_the_last_loaded_day(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path))
    con = duckdb.connect(str(settings.warehouse_path()))
    con.execute("create schema raw")
    con.execute("create table raw.export_versies (export_datum date, gegenereerd_at timestamptz)")
    con.execute(
        "insert into raw.export_versies values ('2023-03-10', '2023-03-11 02:30+01'), "
        "('2023-03-20', '2023-03-21 02:30+01')"
    )
    con.close()
    source = ProbeRecorder()
    _days_at_source(source, None, None, progress=print)
    assert HTTP_RECHECK_DAYS == 7
    assert source.probed == [(date(2023, 3, 13), yesterday())]
