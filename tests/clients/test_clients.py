"""What BI clients see in out/: DuckDB, pyarrow, polars and Frictionless read
each dataset's folder of parts as one table, as the data contract
(schemas/*.json, embedded in datapackage.json) says.

    pip install -r tests/clients/requirements.txt
    PLANFACTS_OUT=out pytest tests/clients
"""

import hashlib
import json
import os
from pathlib import Path

import duckdb
import frictionless
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

DATASETS = ["documents", "blocks", "cells", "measures", "dates", "findings"]
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}
ARROW_TYPES = {
    "string": (pa.string(), pa.large_string(), pa.string_view()),
    "integer": (pa.int64(),),
    "number": (pa.float64(),),
    "boolean": (pa.bool_(),),
    "date": (pa.date32(),),
}
# Leading characters a spreadsheet would run as a formula; the CSV prefixes them with '.
FORMULA_START = "^[=+\\-@\t\r]"


@pytest.fixture(scope="session")
def out() -> Path:
    value = os.environ.get("PLANFACTS_OUT")
    if not value:
        pytest.fail("set PLANFACTS_OUT to the out/ directory to check")
    path = Path(value)
    assert (path / "datapackage.json").is_file(), f"{path} has no datapackage.json"
    return path


@pytest.fixture(scope="session")
def package(out: Path) -> dict:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def fields(package: dict) -> dict:
    by_name = {r["name"]: r for r in package["resources"]}
    assert sorted(by_name) == sorted(DATASETS)
    return {name: by_name[name]["schema"]["fields"] for name in DATASETS}


@pytest.fixture()
def db():
    con = duckdb.connect()
    yield con
    con.close()


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_csv_sql(path: Path, fields: list) -> str:
    columns = ", ".join(f"{sql_str(f['name'])}: {sql_str(DUCKDB_TYPES[f['type']])}" for f in fields)
    return (
        f"read_csv({sql_str(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', dateformat = '%Y-%m-%d', columns = {{{columns}}})"
    )


def describe(db, relation: str) -> list:
    return [(row[0], row[1]) for row in db.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def parquet_glob(out: Path, name: str) -> str:
    return str(out / name / "*.parquet")


def csv_glob(out: Path, name: str) -> str:
    return str(out / name / "*.csv")


@pytest.mark.parametrize("name", DATASETS)
def test_duckdb_reads_parquet_with_contract_types(out, fields, db, name):
    expected = [(f["name"], DUCKDB_TYPES[f["type"]]) for f in fields[name]]
    assert describe(db, f"read_parquet({sql_str(parquet_glob(out, name))})") == expected


@pytest.mark.parametrize("name", DATASETS)
def test_duckdb_reads_csv_like_parquet(out, fields, db, name):
    csv_path, parquet_path = csv_glob(out, name), parquet_glob(out, name)
    # Header names as printed (a BOM, if any, must not leak into the first name).
    header = [c for c, _ in describe(db, f"read_csv({sql_str(csv_path)}, header = true, all_varchar = true)")]
    assert header == [f["name"] for f in fields[name]]

    csv = read_csv_sql(csv_path, fields[name])
    assert describe(db, csv) == [(f["name"], DUCKDB_TYPES[f["type"]]) for f in fields[name]]
    parquet = f"read_parquet({sql_str(parquet_path)})"
    n_csv = db.execute(f"SELECT count(*) FROM {csv}").fetchone()[0]
    n_parquet = db.execute(f"SELECT count(*) FROM {parquet}").fetchone()[0]
    assert n_csv == n_parquet

    # Same values, except the apostrophe that makes formula-like text safe in CSV.
    def as_csv(f):
        col = quoted(f["name"])
        if f["type"] != "string":
            return col
        return f"coalesce(CASE WHEN regexp_matches({col}, {sql_str(FORMULA_START)}) THEN '''' || {col} ELSE {col} END, '')"

    def as_read(f):
        col = quoted(f["name"])
        return f"coalesce({col}, '')" if f["type"] == "string" else col

    parquet_as_csv = f"SELECT {', '.join(as_csv(f) for f in fields[name])} FROM {parquet}"
    csv_values = f"SELECT {', '.join(as_read(f) for f in fields[name])} FROM {csv}"
    for left, right in [(parquet_as_csv, csv_values), (csv_values, parquet_as_csv)]:
        diff = db.execute(f"{left} EXCEPT ALL {right}").fetchall()
        assert diff == [], f"{name}: rows differ between CSV and Parquet: {diff[:5]}"


def test_duckdb_join_measures_documents(out, db):
    measures = f"read_parquet({sql_str(parquet_glob(out, 'measures'))})"
    documents = f"read_parquet({sql_str(parquet_glob(out, 'documents'))})"
    n_measures = db.execute(f"SELECT count(*) FROM {measures}").fetchone()[0]
    joined, empty_paths = db.execute(
        f"SELECT count(*), count(*) FILTER (WHERE d.source_path IS NULL OR d.source_path = '') "
        f"FROM {measures} m JOIN {documents} d ON m.doc_id = d.doc_id"
    ).fetchone()
    assert n_measures > 0
    assert joined == n_measures
    assert empty_paths == 0


@pytest.mark.parametrize("name", DATASETS)
def test_pyarrow_reads_the_dataset_folder(out, fields, name):
    # The folder itself, as pandas.read_parquet and Spark read it: the CSV
    # parts beside the Parquet ones must not get in the way.
    table = pq.read_table(out / name)
    assert table.column_names == [f["name"] for f in fields[name]]
    for f, arrow_field in zip(fields[name], table.schema):
        assert arrow_field.type in ARROW_TYPES[f["type"]], f"{name}.{f['name']}: {arrow_field.type}"
    parts = sorted((out / name).glob("*.parquet"))
    assert parts, name
    rows = 0
    for part in parts:
        meta = pq.ParquetFile(part).metadata
        rows += meta.num_rows
        for i in range(meta.num_row_groups):
            for j in range(meta.num_columns):
                assert meta.row_group(i).column(j).compression == "ZSTD"
    assert table.num_rows == rows


@pytest.mark.parametrize("name", DATASETS)
def test_polars_scans_the_parts_as_one_table(out, fields, name):
    frame = pl.scan_parquet(parquet_glob(out, name)).collect()
    assert frame.columns == [f["name"] for f in fields[name]]
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet({sql_str(parquet_glob(out, name))})").fetchone()[0]
    assert frame.height == n


def test_every_part_is_listed_with_its_hash(out, package):
    entries = package["planfacts"]["parts"]
    assert package["planfacts"]["schema_version"] == 2
    listed = {e["path"] for e in entries}
    on_disk = {str(p.relative_to(out)) for name in DATASETS for p in (out / name).iterdir()}
    assert listed == on_disk
    for entry in entries:
        data = (out / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    for resource in package["resources"]:
        csv_parts = {str(p.relative_to(out)) for p in (out / resource["name"]).glob("*.csv")}
        assert set(resource["path"]) == csv_parts


def test_frictionless_validates_datapackage(out):
    report = frictionless.validate(str(out / "datapackage.json"))
    errors = report.flatten(["type", "note"]) if not report.valid else []
    assert report.valid, errors[:20]
