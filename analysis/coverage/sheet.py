"""The human coding sheet: a stratified sample of segments out to XLSX, human codes back in, agreement.

1. :func:`sample_segments` draws up to ``n_per_area`` segments per predicted area (and from the
   segments coded to no area), reproducibly (``seed``).
2. :func:`export_sheet` writes them to an XLSX workbook: sheet ``coding`` with the segment's text
   (verbatim from the source file), the machine's proposed area, its evidence, and an empty column
   ``human_area`` whose cells offer a drop-down list of the codebook's area ids plus ``none``
   (sheet ``areas`` lists ids and labels). The coder fills ``human_area`` (and ``note``).
3. :func:`read_sheet` reads the filled workbook back; an unknown area id is an error naming the
   file, the row and the allowed values. Rows left empty are not coded.
4. :func:`human_agreement` compares human and machine per area (one-vs-rest) and over all areas:
   Cohen's kappa and Krippendorff's alpha (nominal; package ``krippendorff``), each with a
   percentile bootstrap confidence interval over segments; :func:`disagreements` lists the
   segments where they differ, with their text.

Human codes then override the machine's in coverage (:func:`analysis.coverage.segments.apply_human`)
and can be fed back as training labels (:func:`training_labels`).

Tables
------
sheet          doc_id, seg_id, start, end, heading, text, proposed, proposed_label, score, evidence,
               human_area, note
agreement      area_id, label_zh, label_en, n_segments, n_human, n_machine, kappa, kappa_low,
               kappa_high, alpha, alpha_low, alpha_high  (``all`` row: every area at once)
disagreements  doc_id, seg_id, start, end, text, proposed, human_area, evidence
"""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from analysis.coverage.coder import TopicCoder
from analysis.coverage.segments import NO_AREA

SEED = 20210801
SHEET = "coding"
AREAS_SHEET = "areas"
SHEET_COLUMNS = [
    "doc_id",
    "seg_id",
    "start",
    "end",
    "heading",
    "text",
    "proposed",
    "proposed_label",
    "score",
    "evidence",
    "human_area",
    "note",
]
AGREEMENT_COLUMNS = [
    "area_id",
    "label_zh",
    "label_en",
    "n_segments",
    "n_human",
    "n_machine",
    "kappa",
    "kappa_low",
    "kappa_high",
    "alpha",
    "alpha_low",
    "alpha_high",
]
DISAGREEMENT_COLUMNS = ["doc_id", "seg_id", "start", "end", "text", "proposed", "human_area", "evidence"]


def sample_segments(c, segments: pd.DataFrame, *, n_per_area: int = 5, seed: int = SEED) -> pd.DataFrame:
    """A stratified sample of ``coverage_segments`` rows with their verbatim source text.

    Strata are the predicted areas ('' = none); each gives up to ``n_per_area`` segments.

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, start, end, heading, text, proposed, score, evidence.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for _, group in segments.groupby("predicted", sort=True):
        take = rng.choice(len(group), size=min(n_per_area, len(group)), replace=False)
        parts.append(group.iloc[np.sort(take)])
    out = pd.concat(parts, ignore_index=True) if parts else segments.iloc[0:0]
    out = out.rename(columns={"predicted": "proposed"})
    out["text"] = [c.quote(d, int(s), int(e)) for d, s, e in zip(out["doc_id"], out["start"], out["end"])]
    return out[["doc_id", "seg_id", "start", "end", "heading", "text", "proposed", "score", "evidence"]]


def export_sheet(sample: pd.DataFrame, path: str | Path, *, coder: TopicCoder, lang: str = "zh") -> Path:
    """Write the coding sheet (see the module docstring) to ``path`` and return it."""
    path = Path(path)
    labels = {a.id: a.label(lang) for a in coder.codebook.areas}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(SHEET_COLUMNS)
    for r in sample.itertuples(index=False):
        proposed = r.proposed or ""
        row = [r.doc_id, r.seg_id, int(r.start), int(r.end), r.heading, r.text, proposed]
        ws.append([*row, labels.get(proposed, ""), float(r.score), r.evidence or "", None, None])
    areas = wb.create_sheet(AREAS_SHEET)
    areas.append(["area_id", "label"])
    for area_id, label in [*labels.items(), (NO_AREA, "none / 无" if lang == "zh" else "none")]:
        areas.append([area_id, label])
    col = SHEET_COLUMNS.index("human_area") + 1
    letter = ws.cell(row=1, column=col).column_letter
    dv = DataValidation(
        type="list", formula1=f"={AREAS_SHEET}!$A$2:$A${len(labels) + 2}", allow_blank=True, showDropDown=False
    )
    dv.error, dv.errorTitle = "Choose an area id from the list (sheet 'areas').", "Unknown area"
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{max(len(sample) + 1, 2)}")
    ws.column_dimensions[ws.cell(row=1, column=SHEET_COLUMNS.index("text") + 1).column_letter].width = 80
    wb.save(path)
    return path


def read_sheet(path: str | Path, *, coder: TopicCoder) -> pd.DataFrame:
    """Read a filled coding sheet: its rows with ``human_area`` ('' when not coded).

    Raises
    ------
    ValueError
        When the sheet or a column is missing, or a ``human_area`` is not an area id or ``none``.
    """
    path = Path(path)
    wb = load_workbook(path, read_only=True)
    if SHEET not in wb.sheetnames:
        raise ValueError(f"{path.name}: no sheet {SHEET!r}; sheets: {wb.sheetnames}")
    rows = list(wb[SHEET].iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]] if rows else []
    missing = [col for col in ("seg_id", "proposed", "human_area") if col not in header]
    if missing:
        raise ValueError(f"{path.name}: sheet {SHEET!r} lacks column(s) {missing}")
    out = pd.DataFrame(rows[1:], columns=header).reindex(columns=SHEET_COLUMNS)
    for col in ("proposed", "human_area", "note", "evidence", "heading"):
        out[col] = out[col].fillna("").astype(str).str.strip()
    allowed = {a.id for a in coder.codebook.areas} | {NO_AREA}
    for i, value in enumerate(out["human_area"]):
        if value and value not in allowed:
            raise ValueError(
                f"{path.name}: row {i + 2}: human_area {value!r} is not an area id; allowed: {sorted(allowed)}"
            )
    return out


def _pairs(sheet: pd.DataFrame) -> pd.DataFrame:
    coded = sheet[sheet["human_area"] != ""]
    return pd.DataFrame(
        {
            "human": coded["human_area"].to_numpy(),
            "machine": coded["proposed"].replace("", NO_AREA).to_numpy(),
        }
    )


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:
        return float("nan")  # one category only: agreement is not defined
    return float(cohen_kappa_score(a, b))


def _alpha(a: np.ndarray, b: np.ndarray) -> float:
    values = sorted(set(a) | set(b))
    if len(values) < 2:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    data = np.array([[index[x] for x in a], [index[x] for x in b]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _with_ci(a: np.ndarray, b: np.ndarray, stat, *, n_boot: int, rng) -> tuple[float, float, float]:
    value = stat(a, b)
    draws = [stat(a[i], b[i]) for i in (rng.integers(0, len(a), len(a)) for _ in range(n_boot))]
    draws = [d for d in draws if not np.isnan(d)]
    if not draws:
        return value, float("nan"), float("nan")
    low, high = np.percentile(draws, [2.5, 97.5])
    return value, float(low), float(high)


def human_agreement(sheet: pd.DataFrame, *, coder: TopicCoder, n_boot: int = 500, seed: int = SEED) -> pd.DataFrame:
    """Cohen's kappa and Krippendorff's alpha of machine vs human codes, per area and overall.

    Per area the codes are one-vs-rest (the area or not); the ``all`` row compares the codes as
    they are (every area and ``none`` a category). Confidence intervals: 95% percentile bootstrap
    over the coded segments (``n_boot`` resamples, ``seed``). Areas neither coder used are left out.

    Returns
    -------
    pandas.DataFrame
        Columns: area_id, label_zh, label_en, n_segments, n_human, n_machine, kappa, kappa_low,
        kappa_high, alpha, alpha_low, alpha_high (nan where a statistic is undefined).
    """
    pairs = _pairs(sheet)
    rng = np.random.default_rng(seed)
    human, machine = pairs["human"].to_numpy(), pairs["machine"].to_numpy()
    rows = []
    units = [(a.id, a.label_zh, a.label_en) for a in coder.codebook.areas]
    for area_id, zh, en in [*units, ("all", "全部领域", "all areas")]:
        if area_id == "all":
            a, b = human, machine
        else:
            a, b = human == area_id, machine == area_id
            if not (a.any() or b.any()):
                continue
        k = _with_ci(a, b, _kappa, n_boot=n_boot, rng=rng)
        al = _with_ci(a, b, _alpha, n_boot=n_boot, rng=rng)
        n_h = int(a.sum()) if area_id != "all" else len(a)
        n_m = int(b.sum()) if area_id != "all" else len(b)
        rows.append((area_id, zh, en, len(pairs), n_h, n_m, *k, *al))
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    cols = ["kappa", "kappa_low", "kappa_high", "alpha", "alpha_low", "alpha_high"]
    out[cols] = out[cols].astype(float).round(3)
    return out


def disagreements(sheet: pd.DataFrame) -> pd.DataFrame:
    """Coded rows where the human's area differs from the machine's, with their text.

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, start, end, text, proposed, human_area, evidence.
    """
    coded = sheet[sheet["human_area"] != ""]
    differ = coded["human_area"] != coded["proposed"].replace("", NO_AREA)
    return coded.loc[differ, DISAGREEMENT_COLUMNS].reset_index(drop=True)


def training_labels(sheet: pd.DataFrame) -> pd.DataFrame:
    """Human codes as training labels (segments coded to an area; ``none`` and empty rows left out).

    Returns
    -------
    pandas.DataFrame
        Columns: seg_id, area_id.
    """
    coded = sheet[(sheet["human_area"] != "") & (sheet["human_area"] != NO_AREA)]
    return coded[["seg_id", "human_area"]].rename(columns={"human_area": "area_id"}).reset_index(drop=True)


def human_codes(sheet: pd.DataFrame) -> pd.DataFrame:
    """The sheet's human codes in the shape overrides take (columns seg_id, human_area)."""
    return sheet.loc[sheet["human_area"] != "", ["seg_id", "human_area"]].reset_index(drop=True)
