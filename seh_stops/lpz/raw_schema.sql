-- The raw layer of the warehouse: export-day files exactly as received, one row per CSV
-- record, every value kept as the text the LPZ sent ('' for an empty field). Written only
-- by the ingestion (seh_stops/lpz/loader.py); read by dbt as the `lpz` source.
-- Every version of every export day stays here (the archive); staging picks the current one.
create schema if not exists raw;

-- One row per loaded version of an export day (manifest metadata).
create table if not exists raw.export_versies (
    versie_id varchar primary key,          -- '<exportdatum>@<gegenereerd_op>'
    export_datum date not null,
    gegenereerd_op varchar not null,        -- as written in the manifest
    gegenereerd_at timestamptz not null,    -- gegenereerd_op as an instant
    bron varchar not null,                  -- where it was read (folder or URL, never a token)
    archief_pad varchar not null,           -- the archived copy under <data dir>/archive
    manifest_sha256 varchar not null,
    geladen_at timestamptz not null
);

-- seh_locaties.csv, one row per data record, contract columns as text.
create table if not exists raw.seh_locaties (
    versie_id varchar not null,
    export_datum date not null,
    gegenereerd_op varchar not null,
    bestand varchar not null,               -- 'seh_locaties.csv'
    regelnummer integer not null,           -- physical line where the record starts (header = 1)
    recordnummer integer not null,          -- 1-based data record index in the file
    locatie_id varchar not null,
    locatie_naam varchar not null,
    ziekenhuis varchar not null,
    roaz_regio varchar not null,
    seh_module_actief varchar not null,
    actief_sinds varchar not null,
    traumacentrum_level1 varchar not null
);

-- seh_statusmutaties.csv, one row per data record, contract columns as text.
create table if not exists raw.seh_statusmutaties (
    versie_id varchar not null,
    export_datum date not null,
    gegenereerd_op varchar not null,
    bestand varchar not null,               -- 'seh_statusmutaties.csv'
    regelnummer integer not null,
    recordnummer integer not null,
    mutatie_id varchar not null,
    locatie_id varchar not null,
    status varchar not null,
    stoptype varchar not null,
    specialisme varchar not null,
    ingang varchar not null,
    gepland_einde varchar not null,
    geregistreerd_op varchar not null,
    vervangt_mutatie_id varchar not null,
    toelichting varchar not null            -- free text: never leaves the raw layer
);

-- Records the loader could not split into the header's columns (specification, section 8:
-- `malformed_row`). Rule-based rejects are decided in dbt (marts.dq_quarantaine).
create table if not exists raw.quarantaine (
    versie_id varchar not null,
    export_datum date not null,
    gegenereerd_op varchar not null,
    bestand varchar not null,
    regelnummer integer not null,
    recordnummer integer not null,
    reden varchar not null,                 -- 'malformed_row'
    detail varchar not null,                -- e.g. 'expected 10 fields, got 9'
    ruwe_velden varchar not null            -- the record's fields as a JSON array (raw layer only)
);

-- The export-day inventory (seh_stops/lpz/inventory.py): per export day seen at the
-- source, the outcome of its latest verification. Incomplete days and stale corrections are
-- never loaded, so this is their only trace; dbt turns it into findings (dq_bevindingen).
create table if not exists raw.export_controles (
    export_datum date primary key,
    status varchar not null,                -- 'compleet' | 'incompleet' | 'verouderd'
    reden varchar,                          -- fixed Dutch phrase; NULL when compleet
    gegenereerd_op varchar,                 -- the manifest's, when it could be read and verified
    manifest_sha256 varchar,                -- of the manifest bytes checked; NULL without one
    gecontroleerd_at timestamptz not null   -- when the day was last verified
);
