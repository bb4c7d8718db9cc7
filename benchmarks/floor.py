"""The floor: plain DuckDB reads every mutation CSV and computes the stop intervals at once.

What no pipeline can beat on this machine: no manifest checks, no archive, no lineage, no
validation, no episodes; one `read_csv` over the glob of all export days and one window query
that ends each effective stop at the earliest of its planned end, the next mutation of its
location and the horizon (specification, section 4, steps 1-2). Usage:

    python -m benchmarks.floor EXPORTS_DIR
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb

FLOOR_SQL = """
with mutaties as (
    select
        mutatie_id,
        locatie_id,
        status,
        stoptype,
        try_strptime(ingang, '%Y-%m-%dT%H:%M:%S%z') as ingang_at,
        try_strptime(nullif(gepland_einde, ''), '%Y-%m-%dT%H:%M:%S%z') as gepland_einde_at,
        try_strptime(geregistreerd_op, '%Y-%m-%dT%H:%M:%S%z') as geregistreerd_at,
        vervangt_mutatie_id
    from read_csv(
        $glob, delim = ';', quote = '"', escape = '"', header = true, all_varchar = true
    )
),
effectief as (
    select * from mutaties
    where status in ('stop', 'open')
        and mutatie_id not in (
            select vervangt_mutatie_id from mutaties where status = 'ingetrokken'
        )
),
intervallen as (
    select
        locatie_id,
        stoptype,
        ingang_at as begin_at,
        least(
            gepland_einde_at,
            lead(ingang_at) over (
                partition by locatie_id order by ingang_at, geregistreerd_at, mutatie_id
            ),
            $horizon::timestamptz
        ) as einde_at,
        status
    from effectief
)
select count(*) as intervallen, sum(epoch(einde_at) - epoch(begin_at)) as seconden
from intervallen
where status = 'stop' and einde_at > begin_at
"""


def floor(exports: Path) -> dict[str, float]:
    """Stop intervals of every export day under `exports`: their number and seconds."""
    days = sorted(p.name for p in exports.iterdir() if (p / "manifest.json").exists())
    last = days[-1]
    con = duckdb.connect()
    con.execute("set TimeZone = 'Europe/Amsterdam'")
    horizon = con.execute("select (?::date + 1)::timestamp::timestamptz", [last]).fetchone()[0]
    row = con.execute(
        FLOOR_SQL,
        {"glob": str(exports / "*" / "seh_statusmutaties.csv"), "horizon": horizon},
    ).fetchone()
    return {"intervallen": int(row[0]), "seconden": float(row[1] or 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", type=Path, help="folder of export-day folders")
    print(json.dumps(floor(parser.parse_args().exports)))


if __name__ == "__main__":
    main()
