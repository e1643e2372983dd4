"""The public API: one function per question, each taking a ``corpus.Corpus``.

    import corpus, analysis as an
    c = corpus.load()
    an.coverage(c)                      # document × topic shares
    an.metrics(c.subset(doc_type="report"))

Every function takes the Corpus first and keyword-only options, and returns a pandas
DataFrame whose columns are described in ``analysis/data/columns.yaml``. Compiled objects
(``TopicCoder``, ``MetricExtractor``) can be built once and passed in to reuse them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import corpus
from analysis import groups
from analysis.coverage import coding
from analysis.coverage import segments as _segments
from analysis.coverage import sheet as _sheet
from analysis.coverage.coder import TopicCoder
from analysis.coverage.kwic import kwic as _kwic
from analysis.coverage.model import SegmentModel
from analysis.coverage.outofsample import out_of_sample_tables
from analysis.coverage.units import body_units
from analysis.coverage.validity import validity_tables
from analysis.metrics import comparison, panel
from analysis.metrics.extraction import MetricExtractor
from analysis.similarity import alignment, tfidf
from analysis.similarity import keyness as _keyness
from analysis.similarity import reuse as _reuse
from analysis.similarity import template as _template


def coverage(
    c: corpus.Corpus, *, by: str = "topic", coder: TopicCoder | None = None, human: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Topic coverage of every document: the share of its body text coded to each topic or area.

    Parameters
    ----------
    c : corpus.Corpus
    by : {'topic', 'area', 'county', 'county_topic', 'county_year'}, keyword-only
        Document × topic (default), document × area, county × area / county × topic with a
        county's documents pooled, or county × period × document type × area (kept apart).
        Counties are county keys: a document of unknown county is its own county under its place,
        title or file name (``county_known`` False).
    coder : TopicCoder, optional, keyword-only
        Default: the project codebook, compiled.
    human : pandas.DataFrame, optional, keyword-only
        Human segment codes (columns seg_id, human_area; :func:`read_coding_sheet`): a coded
        segment's clauses count for the human area only (``none``: for no area).

    Returns
    -------
    pandas.DataFrame
        ``by='topic'``: doc_id, county, area_id, topic_id, label_zh, label_en, origin, share_pct,
        n_chars, n_segments, has_heading, cues. ``by='area'``: doc_id, county, area_id, label_zh,
        label_en, share_pct, n_chars, n_segments, has_heading, cues. ``by='county'`` /
        ``'county_topic'``: county, area_id, [topic_id,] label_zh, label_en, share_pct, n_chars,
        n_segments, n_docs, cues, county_known, doc_types, periods. ``by='county_year'``: county,
        county_known, period, doc_type, area_id, label_zh, label_en, share_pct, n_chars, n_segments,
        n_docs, doc_ids, cues.
    """
    coder = coder or coding.default_coder()
    coded = coding.code_sentences(c, coder=coder)
    if human is not None and len(human):
        coded = _segments.apply_human(coded, body_units(c), human)
    if by == "topic":
        return coding.coverage(c, coder=coder, coded=coded)
    if by == "area":
        return coding.area_coverage(c, coder=coder, coded=coded)
    if by in ("county", "county_topic"):
        return coding.county_profiles(c, coder=coder, coded=coded, level="area" if by == "county" else "topic")
    if by == "county_year":
        return coding.county_year_profiles(c, coder=coder, coded=coded)
    raise ValueError(f"by={by!r} not allowed; use 'topic', 'area', 'county', 'county_topic' or 'county_year'")


def coverage_validity(c: corpus.Corpus, *, coder: TopicCoder | None = None) -> pd.DataFrame:
    """Agreement of the coding with the documents' own headings, per area and ``macro``.

    Returns
    -------
    pandas.DataFrame
        area_id, label_zh, label_en, precision, recall, kappa, n_segments, n_predicted.
    """
    return validity_tables(c, coder=coder or coding.default_coder())["coverage_validity"]


def coverage_validity_oos(c: corpus.Corpus, *, coder: TopicCoder | None = None) -> pd.DataFrame:
    """Out-of-sample validity: leave-one-county-out (and, beside it, in-sample) agreement with the
    documents' own headings, per method (dictionary, model, dictionary+model) and area.

    Returns
    -------
    pandas.DataFrame
        scheme, method, area_id, label_zh, label_en, precision, recall, kappa, n_segments, n_predicted.
    """
    return out_of_sample_tables(c, coder=coder or coding.default_coder())["coverage_validity_loco"]


def coverage_segments(
    c: corpus.Corpus,
    *,
    coder: TopicCoder | None = None,
    model: SegmentModel | None = None,
    human: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One area per body segment (dictionary + a model learned from the corpus's headings), with evidence.

    Parameters
    ----------
    model : SegmentModel, optional, keyword-only
        Default: fitted on ``c`` (:func:`analysis.coverage.segments.fit_corpus_model`).
    human : pandas.DataFrame, optional, keyword-only
        Human codes (seg_id, human_area) that override the machine's.

    Returns
    -------
    pandas.DataFrame
        doc_id, seg_id, start, end, heading, predicted, score, evidence, method.
    """
    return _segments.coverage_segments(c, coder=coder or coding.default_coder(), model=model, human=human)


def coding_sheet(
    c: corpus.Corpus,
    path: str | Path,
    *,
    segments: pd.DataFrame | None = None,
    n_per_area: int = 5,
    coder: TopicCoder | None = None,
    seed: int = _sheet.SEED,
    lang: str = "zh",
) -> Path:
    """Export a stratified sample of coded segments to an XLSX coding sheet (drop-down of areas).

    ``segments``: :func:`coverage_segments` output, if already computed. Returns the path written.
    """
    coder = coder or coding.default_coder()
    segments = coverage_segments(c, coder=coder) if segments is None else segments
    sample = _sheet.sample_segments(c, segments, n_per_area=n_per_area, seed=seed)
    return _sheet.export_sheet(sample, path, coder=coder, lang=lang)


def read_coding_sheet(path: str | Path, *, coder: TopicCoder | None = None) -> pd.DataFrame:
    """A filled coding sheet: doc_id, seg_id, start, end, heading, text, proposed, proposed_label,
    score, evidence, human_area ('' when not coded), note."""
    return _sheet.read_sheet(path, coder=coder or coding.default_coder())


def coding_agreement(sheet: pd.DataFrame, *, coder: TopicCoder | None = None, n_boot: int = 500) -> dict:
    """Human vs machine on a filled coding sheet (:func:`read_coding_sheet`).

    Returns
    -------
    dict
        ``agreement`` (area_id, label_zh, label_en, n_segments, n_human, n_machine, kappa, kappa_low,
        kappa_high, alpha, alpha_low, alpha_high; ``all`` row), ``disagreements`` (doc_id, seg_id,
        start, end, text, proposed, human_area, evidence), ``human`` (seg_id, human_area: pass as
        ``human=`` to override), ``labels`` (seg_id, area_id: training labels).
    """
    coder = coder or coding.default_coder()
    return {
        "agreement": _sheet.human_agreement(sheet, coder=coder, n_boot=n_boot),
        "disagreements": _sheet.disagreements(sheet),
        "human": _sheet.human_codes(sheet),
        "labels": _sheet.training_labels(sheet),
    }


def kwic(
    c: corpus.Corpus, query: str, *, coder: TopicCoder | None = None, doc_id: str | None = None, width: int = 15
) -> pd.DataFrame:
    """Every occurrence of a cue term, a topic's cues or an area's cues, with its sentence.

    Returns
    -------
    pandas.DataFrame
        doc_id, seg_id, sent_id, topic_id, cue, start, end, text (verbatim source sentence),
        match_start, match_end, left, keyword, right.
    """
    return _kwic(c, query, coder=coder, doc_id=doc_id, width=width)


def similarity(c: corpus.Corpus, *, ngram_range: tuple = (2, 3), top_k: int = 50) -> pd.DataFrame:
    """TF-IDF cosine between documents, on word tokens and on character n-grams (sparse top-k).

    Returns
    -------
    pandas.DataFrame
        doc_a, doc_b, method ('tfidf_word' | 'tfidf_char'), cosine, params (JSON).
    """
    return tfidf.similarity(c, ngram_range=ngram_range, top_k=top_k)


def align(c: corpus.Corpus, *, top_k: int = 5, min_chars: int = 20) -> pd.DataFrame:
    """Best-matching task units (sections, items) of every pair of documents.

    Returns
    -------
    pandas.DataFrame
        doc_a, unit_a, number_a, heading_a, start_a, end_a, doc_b, unit_b, number_b, heading_b,
        start_b, end_b, cosine, rank, mutual.
    """
    return alignment.align(c, top_k=top_k, min_chars=min_chars)


def reuse(
    c: corpus.Corpus, *, k: int = 12, min_len: int = 15, shares: bool = False, reference: str | Path | None = None
) -> pd.DataFrame:
    """Passages two documents share (place names and numbers masked), with offsets in both files,
    each labelled ``template`` (also in a higher-level reference text, named) or ``borrowing``.

    Parameters
    ----------
    shares : bool, keyword-only
        False: the passages; True: per ordered document pair, the share of doc_a covered.
    reference : path, optional, keyword-only
        Folder of reference texts (UTF-8 ``.txt``: provincial 实施方案, city 要点); default
        ``analysis/data/reference`` (the 纲要 outline). Wording shared by three counties or more
        is ``template`` too (reference ``shared by N counties``): the genre's common wording.

    Returns
    -------
    pandas.DataFrame
        Passages: doc_a, doc_b, start_a, end_a, start_b, end_b, n_units, masked, text, text_b,
        k, min_len, reuse_kind, reference, template_pct. Shares: doc_a, doc_b, n_units_a,
        covered_units, share_pct, n_passages, k, min_len, borrowed_units, borrowing_pct.
        Text held by more than 50 documents (boilerplate) is not paired: see
        :func:`analysis.similarity.reuse.reuse_tables` (``common``).
    """
    keys = groups.county_keys(c.documents)
    tables = _template.label_reuse(
        _reuse.reuse_tables(c, k=k, min_len=min_len),
        reference=reference,
        counties=dict(zip(keys.doc_id, keys.county_key)),
    )
    return tables["shares"] if shares else tables["passages"].drop(columns=["unit_a", "unit_b"], errors="ignore")


def keyness(c: corpus.Corpus, *, by: str = "county", top_n: int = 20) -> pd.DataFrame:
    """Distinctive terms of each county (or document): weighted log-odds with a Dirichlet prior.

    Returns
    -------
    pandas.DataFrame
        county (or doc_id), term, score (z), statistic, log_odds, count, count_rest, n_tokens,
        n_tokens_rest, rank.
    """
    return _keyness.keyness(c, by=by, top_n=top_n)


def metrics(c: corpus.Corpus, *, extractor: MetricExtractor | None = None, unclassified: bool = False) -> pd.DataFrame:
    """Every figure the documents state (复议, 应诉, 信访, targets), each with its quote and offsets.

    Parameters
    ----------
    extractor : MetricExtractor, optional, keyword-only
        Default: the project's metric definitions, compiled.
    unclassified : bool, keyword-only
        True: the numbers that match no metric definition instead.

    Returns
    -------
    pandas.DataFrame
        doc_id, county, year, metric, value, value_max, unit, kind, comparator, quote, start, end,
        flags, label_zh, label_en. Unclassified: doc_id, county, year, value, value_max, unit,
        kind, comparator, number_text, quote, start, end.
    """
    extractor = extractor or MetricExtractor.from_file()
    rows, loose = extractor.extract(c)
    if unclassified:
        return loose
    by_id = extractor.defs.by_id()
    return rows.assign(
        label_zh=rows.metric.map(lambda m: by_id[m].label_zh), label_en=rows.metric.map(lambda m: by_id[m].label_en)
    )


def compare_metrics(
    c: corpus.Corpus, rows: pd.DataFrame | None = None, *, lang: str = "zh", extractor: MetricExtractor | None = None
) -> pd.DataFrame:
    """County × metric × kind, with explicit 'not reported' and 'flagged' cells (latest year).

    Counties are county keys (:mod:`analysis.groups`): documents of unknown county are compared
    under their place, title or file name, never dropped.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        :func:`metrics` output, if already computed.

    Returns
    -------
    pandas.DataFrame
        county, metric, label, kind, status, value, comparator, unit, year, doc_id, n_values, flags,
        years.
    """
    extractor = extractor or MetricExtractor.from_file()
    rows = metrics(c, extractor=extractor) if rows is None else rows
    units = groups.counties(c)["county"].tolist()
    return comparison.comparison(groups.by_county_key(c, rows), units, defs=extractor.defs, lang=lang)


def metrics_panel(
    c: corpus.Corpus,
    rows: pd.DataFrame | None = None,
    *,
    wide: bool = False,
    kind: str = "actual",
    extractor: MetricExtractor | None = None,
) -> pd.DataFrame:
    """The county × year panel of stated figures, long (default) or wide (one row per county × year).

    Counties are county keys (:mod:`analysis.groups`); province and adcode are the documents'
    docvars. See :mod:`analysis.metrics.panel` for how restated figures are resolved.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        :func:`metrics` output, if already computed.
    wide : bool, keyword-only
        False: every figure, both kinds, flagged ones marked ``usable`` False. True: one row per
        county × year and one column per metric, usable values of ``kind`` only.
    kind : {'actual', 'target'}, keyword-only
        The kind the wide table shows (actuals by default; ignored by the long table).

    Returns
    -------
    pandas.DataFrame
        Long: county, county_known, province, adcode, year, period, metric, value, value_max, unit,
        kind, comparator, doc_id, quote, start, end, flags, usable (and partial_year, subject_source
        when the metrics table has them). Wide: county, county_known, province, adcode, year,
        doc_ids, metrics_conflicting, metrics_flagged, then ``<metric>``, ``<metric>_doc``,
        ``<metric>_n`` per metric (names of at most 32 characters, :func:`panel.short_name`).
    """
    extractor = extractor or MetricExtractor.from_file()
    rows = metrics(c, extractor=extractor) if rows is None else rows
    long = panel.long_panel(c, rows)
    return panel.wide_panel(c, long, kind=kind, defs=extractor.defs) if wide else long


def report(c: corpus.Corpus | str | Path | None = None, *, out: str | Path | None = None, lang: str = "zh") -> dict:
    """Write every table, figure, ``findings.md`` and ``run.json`` of the report to ``out``.

    Returns
    -------
    dict
        'tables' (name -> DataFrame), 'figures' (names), 'findings', 'out', 'problems'.
    """
    from analysis.report.pipeline import run

    return run(c, out, lang=lang, progress=False)
