"""Template or borrowing: is a shared passage also found in a higher-level reference text?

Counties copy the wording of the texts above them — the national 《法治政府建设实施纲要
（2021—2025年）》, a province's 实施方案, a prefecture's 工作要点. Two counties sharing that
wording have not borrowed from each other: the passage is **template**. A shared passage is
labelled ``template`` when at least :data:`TEMPLATE_MIN_PCT` % of its units lie in windows of
:data:`REF_K` units that also occur in one reference text (same masking as reuse, so place names
and numbers do not matter), and the reference that covers most of it is named; otherwise it is
``borrowing``. Wording that three counties or more share is the genre's common wording even when
no reference holds it (the 纲要's body, a provincial scheme the folder lacks): it is ``template``
too, its reference ``shared by N counties`` (:func:`common_wording`); so is boilerplate, wording so
many documents repeat that reuse lists it once per document (``shared by N documents``).

Reference texts are plain-text files (``*.txt``, UTF-8) in a folder: the project ships the
纲要's outline in ``analysis/data/reference/``; a researcher adds a province's scheme by dropping
its text there or by naming another folder. Cost: linear in the corpus (one hash lookup per
unit window) plus one range sum per passage.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import REFERENCE_DIR
from analysis.similarity.streams import Masker, Stream, char_stream, shingle_hashes

REF_K = 8  # units per window matched against the references: a 纲要 heading is 8-20 characters
TEMPLATE_MIN_PCT = 50.0
# Wording shared by this many counties is common wording, not one county borrowing from another,
# even when no reference text holds it (党政主要负责人履行推进法治建设第一责任人职责).
COMMON_COUNTIES = 3
KINDS = ("template", "borrowing")


def read_references(folder: Path | str | None = None) -> dict[str, str]:
    """Reference texts of a folder (default: the shipped ``analysis/data/reference``).

    Returns
    -------
    dict
        file name -> text, for every ``*.txt`` file, sorted by name.

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    ValueError
        A file is not UTF-8 text (the message names the file).
    """
    folder = Path(folder) if folder is not None else REFERENCE_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"reference folder {folder} does not exist")
    texts = {}
    for path in sorted(folder.glob("*.txt")):
        try:
            texts[path.name] = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(f"reference text {path}: not UTF-8 ({err.reason} at byte {err.start})") from err
    return texts


def reference_hashes(references: dict[str, str], masker: Masker, *, k: int = REF_K) -> dict[str, np.ndarray]:
    """Sorted unique hashes of every ``k``-unit window of each reference text (masked as the corpus)."""
    out = {}
    for name, text in references.items():
        h, _ = shingle_hashes(char_stream(name, text, masker).codes, k)
        out[name] = np.unique(h)
    return out


def coverage(streams: list[Stream], hashes: dict[str, np.ndarray], *, k: int = REF_K) -> dict:
    """Per document and reference, the cumulative count of units inside a reference window.

    Returns
    -------
    dict
        (doc_id, reference name) -> int array of length ``len(codes) + 1`` (prefix sums), so
        the units of ``[i, j)`` found in the reference are ``cum[j] - cum[i]``.
    """
    out = {}
    for s in streams:
        h, pos = shingle_hashes(s.codes, k)
        for name, ref in hashes.items():  # ref sorted (np.unique): a binary search, no sort per stream
            found = ref[np.minimum(np.searchsorted(ref, h), len(ref) - 1)] == h if len(ref) else h < 0
            hit = pos[found]
            size = len(s.codes) + 1
            edges = np.bincount(hit, minlength=size) - np.bincount(np.minimum(hit + k, len(s.codes)), minlength=size)
            inside = np.cumsum(edges[:-1]) > 0
            out[(s.doc_id, name)] = np.concatenate([[0], np.cumsum(inside)])
    return out


def label(
    passages: pd.DataFrame, cum: dict, references: list[str], *, doc: str = "doc_a", unit: str = "unit_a"
) -> pd.DataFrame:
    """Label passages ``template`` or ``borrowing``.

    Parameters
    ----------
    passages : DataFrame
        With the document column ``doc``, the first unit ``unit`` and ``n_units``.
    cum : dict
        From :func:`coverage`.
    references : list of str
        Reference names (keys of ``cum``'s second element).

    Returns
    -------
    DataFrame
        ``passages`` with reuse_kind ('template' | 'borrowing'), reference (the reference
        covering most of the passage, '' for borrowing) and template_pct (its share of the
        passage's units, %).
    """
    best_pct = np.zeros(len(passages))
    best_ref = np.full(len(passages), "", dtype=object)
    first, n = passages[unit].to_numpy(np.int64), passages.n_units.to_numpy(np.int64)
    doc_ids = list(dict.fromkeys(d for d, _ in cum))
    where = passages[doc].map({d: i for i, d in enumerate(doc_ids)}).to_numpy(np.int64)
    for name in references:
        arrays = [cum[(d, name)] for d in doc_ids]  # one flat array: a passage's sum is two lookups
        offset = np.concatenate([[0], np.cumsum([len(x) for x in arrays])])[:-1]
        flat = np.concatenate(arrays) if arrays else np.zeros(1, np.int64)
        base = offset[where] + first if len(where) else first
        found = (flat[base + n] - flat[base]).astype(float) if len(base) else np.zeros(0)
        pct = np.divide(100.0 * found, n, out=np.zeros(len(n)), where=n > 0)
        better = pct > best_pct
        best_pct[better], best_ref[better] = pct[better], name
    is_template = best_pct >= TEMPLATE_MIN_PCT
    return passages.assign(
        reuse_kind=np.where(is_template, "template", "borrowing"),
        reference=np.where(is_template, best_ref, ""),
        template_pct=best_pct.round(1),
    )


def common_wording(passages: pd.DataFrame, counties: dict, *, min_counties: int = COMMON_COUNTIES) -> pd.DataFrame:
    """Relabel as ``template`` the borrowing passages whose wording ``min_counties`` counties share.

    A passage's wording (its masked text) is counted over every pair that shares it; when the
    documents holding it belong to at least ``min_counties`` counties (``counties``: doc_id ->
    county key), it is the genre's common wording — copied from a higher-level text the reference
    folder lacks — and its ``reference`` says ``shared by N counties``.
    """
    if passages.empty:
        return passages
    holders = pd.concat(
        [passages[["masked", "doc_a"]].set_axis(["masked", "doc"], axis=1),
         passages[["masked", "doc_b"]].set_axis(["masked", "doc"], axis=1)]
    )  # fmt: skip
    n_counties = holders.assign(county=holders.doc.map(counties)).groupby("masked").county.nunique()
    n = passages.masked.map(n_counties).fillna(0).astype(int)
    common = (passages.reuse_kind == "borrowing") & (n >= min_counties)
    out = passages.copy()
    out.loc[common, "reuse_kind"] = "template"
    out.loc[common, "reference"] = [f"shared by {k} counties" for k in n[common]]
    return out


def shared_by_many(common: pd.DataFrame) -> pd.DataFrame:
    """Label as ``template`` the boilerplate no reference text holds: wording that many documents
    repeat (``n_docs``) is never one county borrowing from another; its ``reference`` says
    ``shared by N documents``."""
    if common.empty:
        return common
    out = common.copy()
    shared = out.reuse_kind == "borrowing"
    out.loc[shared, "reuse_kind"] = "template"
    out.loc[shared, "reference"] = [f"shared by {n} documents" for n in out.n_docs[shared]]
    return out


def label_reuse(
    tables: dict,
    *,
    reference: Path | str | None = None,
    counties: dict | None = None,
    min_counties: int = COMMON_COUNTIES,
) -> dict:
    """Label the passages and boilerplate of :func:`analysis.similarity.reuse.reuse_tables`.

    With ``counties`` (doc_id -> county key), wording shared by ``min_counties`` counties or more
    is ``template`` too (:func:`common_wording`).

    Boilerplate (``common``) is ``template`` whether or not a reference holds it
    (:func:`shared_by_many`).

    Returns
    -------
    dict
        The same tables, ``passages`` and ``common`` with reuse_kind, reference and
        template_pct; ``shares`` with borrowed_units (units of doc_a in *borrowing* passages
        shared with doc_b) and borrowing_pct; ``references`` (the reference names used).
    """
    from analysis.similarity.reuse import reuse_share

    texts = read_references(reference)
    hashes = reference_hashes(texts, tables["masker"])
    streams = tables["streams"]
    cum = coverage(streams, hashes)
    passages = label(tables["passages"], cum, list(hashes))
    if counties is not None:
        passages = common_wording(passages, counties, min_counties=min_counties)
    common = shared_by_many(
        label(tables["common"].assign(n_units=tables["common"].n_units.astype(int)), cum, list(hashes), doc="doc_id")
    )
    borrowed = reuse_share(passages[passages.reuse_kind == "borrowing"], streams, all_pairs=False)
    shares = (
        tables["shares"]
        .drop(columns=["borrowed_units", "borrowing_pct"], errors="ignore")
        .merge(
            borrowed[["doc_a", "doc_b", "covered_units"]].rename(columns={"covered_units": "borrowed_units"}),
            on=["doc_a", "doc_b"],
            how="left",
        )
    )
    shares["borrowed_units"] = shares.borrowed_units.fillna(0).astype(int)
    shares["borrowing_pct"] = np.divide(
        100.0 * shares.borrowed_units, shares.n_units_a, out=np.zeros(len(shares)), where=shares.n_units_a > 0
    )
    return {**tables, "passages": passages, "common": common, "shares": shares, "references": list(hashes)}
