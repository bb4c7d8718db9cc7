"""Reading export CSV files under specification, sections 1 and 8."""

import re

import pytest

from seh_stops.lpz.contract import LOCATION_COLUMNS, MUTATION_COLUMNS
from seh_stops.lpz.csv_file import UnreadableFile, parse_export_csv

HEADER = ";".join(MUTATION_COLUMNS)


def parse(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_export_csv("seh_statusmutaties.csv", data, MUTATION_COLUMNS)


def test_quoted_separator_quote_and_line_break_stay_inside_one_record():
    text = (
        HEADER
        + '\r\nM1;L1;stop;volledig;;t;;g;;"a;b ""c""\r\nnext line"\r\nM2;L1;open;;;t;;g;;\r\n'
    )
    parsed = parse(text)
    assert [r.values[0] for r in parsed.records] == ["M1", "M2"]
    assert parsed.records[0].values[-1] == 'a;b "c"\r\nnext line'
    assert [r.line_number for r in parsed.records] == [2, 4]
    assert [r.record_number for r in parsed.records] == [1, 2]


def test_bom_is_allowed_and_blank_lines_are_not_records():
    parsed = parse("\ufeff" + HEADER + "\n\nM1;L1;open;;;t;;g;;\n\n")
    assert parsed.record_count == 1
    assert parsed.records[0].line_number == 3


def test_columns_are_matched_by_name_and_extra_columns_ignored():
    columns = [*reversed(LOCATION_COLUMNS), "extra"]
    row = ["nee", "", "nee", "Noord", "Ziekenhuis", "Locatie", "SEH1", "x"]
    text = ";".join(columns) + "\n" + ";".join(row) + "\n"
    parsed = parse_export_csv("seh_locaties.csv", text.encode(), LOCATION_COLUMNS)
    assert parsed.records[0].values == ("SEH1", "Locatie", "Ziekenhuis", "Noord", "nee", "", "nee")


def test_a_record_with_another_field_count_is_malformed_and_the_rest_loads():
    parsed = parse(HEADER + "\nM1;L1;open\nM2;L1;open;;;t;;g;;\n")
    assert [r.values[0] for r in parsed.records] == ["M2"]
    [bad] = parsed.malformed
    assert (bad.line_number, bad.record_number, bad.detail) == (2, 1, "expected 10 fields, got 3")
    assert parsed.record_count == 2


def test_values_are_not_trimmed():
    parsed = parse(HEADER + "\n M1 ;L1;Stop;;;t;;g;;\n")
    assert parsed.records[0].values[:3] == (" M1 ", "L1", "Stop")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"\xff\xfe" + HEADER.encode(), "not valid UTF-8"),
        ("", "empty"),
        (HEADER.replace("status;", "") + "\n", "lacks column(s) status"),
        (HEADER + ";status\n", "repeats column(s) status"),
        (HEADER + '\nM1;L1;open;;;t;;g;;"never closed\n', "broken quoting"),
        (HEADER + '\nM1;L1;open;;;t;;g;;"closed"after\n', "broken quoting"),
    ],
)
def test_unreadable_files_name_the_problem(text, message):
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        parse(text)


def test_a_field_beyond_the_csv_modules_default_limit_is_read_whole():
    """Found by the fuzz tests: a 128 KiB+ toelichting was reported as broken quoting."""
    huge = 'regel;"een"\r\n' * 20_000  # 260 000 characters
    quoted = '"' + huge.replace('"', '""') + '"'
    parsed = parse(HEADER + "\nM1;L1;open;;;t;;g;;" + quoted + "\nM2;L1;open;;;t;;g;;\n")
    assert [r.values[-1] for r in parsed.records] == [huge, ""]
