"""A late mutation after delivery: revision 2 beside an untouched revision 1, and an e-mail.

A copy of the session's January data dir (warehouse, Dagster instance, exports) gets January
delivered, then the LPZ republishes 20 January as a correction (later ``gegenereerd_op``) with
one extra one-hour stop at a location in Oost, and the pipeline runs again: one real run.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cli.runner import run_pipeline
from tests.deliveries import (
    CORRECTED_DAY,
    copy_of_data_dir,
    deliver,
    failure,
    folder_bytes,
    free_oost_location,
    metadata,
    republish_with_late_stop,
    schedule_requests,
)
from tests.smtp_server import smtp_server


@pytest.fixture(scope="module")
def revised(january_run, tmp_path_factory):
    """Deliver January, load the correction, evaluate the schedule, deliver again, and again."""
    target = tmp_path_factory.mktemp("revisions") / "data"
    with copy_of_data_dir(january_run.data_dir, target) as data_dir:
        first = deliver("2023-01", peildatum="2023-02-04")
        assert first.success, failure(first)
        revision_1 = data_dir / "levering" / "2023-01" / "revisie-1"
        before = folder_bytes(revision_1)
        locatie_id = free_oost_location(data_dir / "warehouse.duckdb")
        republish_with_late_stop(data_dir / "exports", locatie_id)
        run_pipeline(str(data_dir / "exports"), progress=lambda message: None)
        requests = schedule_requests(datetime(2023, 2, 7, 7))
        with pytest.MonkeyPatch.context() as env, smtp_server() as server:
            env.setenv("SEH_SMTP_HOST", "127.0.0.1")
            env.setenv("SEH_SMTP_PORT", str(server.port))
            env.setenv("SEH_SMTP_STARTTLS", "nee")
            env.setenv("SEH_ALERT_FROM", "seh-stops@lnaz.nl")
            env.setenv("SEH_DELIVERY_TO", "cijfers@minvws.nl, secretariaat@lnaz.nl")
            second = deliver("2023-01", peildatum="2023-02-07")
            third = deliver("2023-01", peildatum="2023-02-08")
        yield {
            "data_dir": data_dir,
            "revision_1": revision_1,
            "before": before,
            "requests": requests,
            "second": second,
            "third": third,
            "inbox": server.inbox,
        }


def test_the_schedule_notices_the_changed_month(revised):
    # December was never delivered here; January was, and its figures changed
    assert revised["requests"] == [("2022-12", "nieuw"), ("2023-01", "gewijzigd")]


def test_a_late_mutation_makes_revision_2_with_the_changed_region(revised):
    second = revised["second"]
    assert second.success, failure(second)
    assert metadata(second)["revisie"] == 2
    assert metadata(second)["gewijzigde_regios"] == ["Oost"]
    folder = revised["data_dir"] / "levering" / "2023-01" / "revisie-2"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == [
        "maand",
        "revisie",
        "gegenereerd_op",
        "exportdagen",
        "bestanden",
        "wijzigingen",
    ]
    section_7 = [change for change in manifest["wijzigingen"] if "bestand" not in change]
    comparison = [change for change in manifest["wijzigingen"] if "bestand" in change]
    # the extra volledig stop counts under the reference definition too (specification 9.3)
    assert [(c["bestand"], c["roaz_regio"]) for c in comparison] == [
        ("vergelijking_2023-01.csv", "Oost")
    ]
    assert comparison[0]["nieuw"]["aantal_stops_regionaal"] == 15
    assert section_7 == [
        {
            "roaz_regio": "Oost",
            "oud": {
                "registratiestatus": "volledig",
                "aantal_seh_locaties": 6,
                "aantal_stops": 14,
                "totale_duur_minuten": 1389,
            },
            "nieuw": {
                "registratiestatus": "volledig",
                "aantal_seh_locaties": 6,
                "aantal_stops": 15,
                "totale_duur_minuten": 1449,
            },
        }
    ]
    corrected = next(d for d in manifest["exportdagen"] if d["exportdatum"] == CORRECTED_DAY)
    assert corrected["gegenereerd_op"] == "2023-02-06T09:15:00+01:00"
    csv_lines = (folder / "seh_stops_2023-01.csv").read_text(encoding="utf-8").splitlines()
    assert "2023-01;Oost;volledig;6;15;1449;2" in csv_lines
    assert all(line.endswith(";2") for line in csv_lines[1:])
    html = (folder / "seh_stops_2023-01.html").read_text(encoding="utf-8")
    assert "Gewijzigd ten opzichte van revisie 1" in html


def test_revision_1_is_byte_identical_to_before(revised):
    assert folder_bytes(revised["revision_1"]) == revised["before"]


def test_no_new_data_makes_no_third_revision(revised):
    third = revised["third"]
    assert third.success, failure(third)
    assert (metadata(third)["nieuwe_revisie"], metadata(third)["revisie"]) == (False, 2)
    month = revised["data_dir"] / "levering" / "2023-01"
    assert sorted(path.name for path in month.iterdir()) == ["revisie-1", "revisie-2"]


def test_the_ministry_and_lnaz_get_one_mail_about_the_revision(revised):
    [mail] = revised["inbox"].received
    assert mail.rcpt_tos == ["cijfers@minvws.nl", "secretariaat@lnaz.nl"]
    assert mail.message["Subject"] == "SEH-stops 2023-01: revisie 2 vervangt revisie 1"
    assert "- Oost: 14 stops, 1389 minuten, volledig -> 15 stops, 1449 minuten, volledig" in (
        mail.text
    )
    assert metadata(revised["second"])["e-mail"].startswith("verstuurd aan cijfers@minvws.nl")
