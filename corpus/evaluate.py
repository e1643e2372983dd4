"""How right is the inferred metadata? Scores a corpus's docvars against a truth table.

The truth is a table like ``tests/data/realdocs/SOURCES.tsv``: file, place, county_level
(county / district / city / province / department), province, prefecture, year, doc_type.
The rules follow the project's yardstick for real documents:

- county: a county or district (not anonymised) must be named exactly; any other place (a city,
  a province, a department, an anonymised XX县) must have NO county;
- province: the true province (without 省/市/自治区 suffixes) must be contained in the inferred
  one (or vice versa); an unknown true province counts as right;
- doc_type: equal;
- year: the first year the truth names lies within year_start..year_end (an unknown true year
  counts as right).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

FIELDS = ("county", "province", "doc_type", "year")
_SUFFIXES = re.compile(r"(省|市|自治区|壮族|回族|维吾尔)")


def _short(name: object) -> str:
    return _SUFFIXES.sub("", str(name or "")).strip()


def _first_year(text: object) -> int | None:
    m = re.search(r"(19|20)\d\d", str(text))
    return int(m.group()) if m else None


def score(documents: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """One row per truth file: what was inferred, what was true, and whether each field is right.

    Parameters
    ----------
    documents : pandas.DataFrame
        ``Corpus.documents`` (source_file, county, province, doc_type, year_start, year_end).
    truth : pandas.DataFrame
        file, place, county_level, province, year, doc_type.

    Returns
    -------
    pandas.DataFrame
        file, county_got, county_want, province_got, province_want, doc_type_got, doc_type_want,
        years_got, year_want, and a boolean column per field of ``FIELDS``.
    """
    docs = documents.assign(file=documents["source_file"].map(lambda p: Path(str(p)).name))
    docs = docs.drop_duplicates("file").set_index("file")
    rows = []
    for t in truth.fillna("").itertuples(index=False):
        got = docs.loc[t.file] if t.file in docs.index else pd.Series(dtype=object)
        place = re.sub(r"\s*\(.*", "", t.place)
        want_county = place if t.county_level in ("county", "district") and "XX" not in place else ""
        county = str(got.get("county") or "")
        want_prov, got_prov = _short(t.province), _short(got.get("province"))
        year = _first_year(t.year)
        start, end = got.get("year_start"), got.get("year_end")
        has_years = start is not None and not pd.isna(start)
        rows.append({
            "file": t.file, "county_got": county, "county_want": want_county,
            "province_got": str(got.get("province") or ""), "province_want": t.province,
            "doc_type_got": str(got.get("doc_type") or ""), "doc_type_want": t.doc_type,
            "years_got": f"{int(start)}–{int(end)}" if has_years else "", "year_want": t.year,
            "county": county == want_county,
            "province": want_prov in ("", "unknown")
            or (bool(got_prov) and (want_prov in got_prov or got_prov in want_prov)),
            "doc_type": str(got.get("doc_type") or "") == t.doc_type,
            "year": year is None or (has_years and int(start) <= year <= int(end if not pd.isna(end) else start)),
        })  # fmt: skip
    return pd.DataFrame(rows)


def accuracy(scored: pd.DataFrame) -> pd.DataFrame:
    """Share right per field: field, n_right, n_documents, accuracy_pct."""
    return pd.DataFrame(
        [
            {
                "field": f,
                "n_right": int(scored[f].sum()),
                "n_documents": len(scored),
                "accuracy_pct": round(100 * scored[f].mean(), 1),
            }
            for f in FIELDS
        ]
    )
