"""A build makes triples while it reads entry files (loader.stream_triples): what it loads must be
what checking the whole at once gives (records_to_triples), references to entries read later
included, and bad data must get the same messages as ever."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

import dskg
from dskg import InvalidDataError, loader
from dskg.fast.ntriples import to_ntriples
from dskg.graph import load_ontology
from dskg.pipeline import read_sources
from dskg.vocab import DSKG, GRAPH, ID

ENTRIES = Path(__file__).resolve().parent / "entries"

# a.yaml's claim is about a barrier that only z.yaml (read after it) introduces
EARLY = """\
id: early-2021
type: article
title: {en: "An Early Entry"}
authors: ["Early, Ann"]
year: 2021
language: en
claims:
  - about: [bar-later-defined]
    stance: supports
    text: {en: "The later-defined barrier matters."}
"""
LATE = """\
id: late-2022
type: article
title: {en: "A Late Entry"}
authors: ["Late, Lee"]
year: 2022
language: en
barriers:
  - id: bar-later-defined
    level: international
    label_en: A barrier defined by a later entry
    label_zh: 后定义的壁垒
    label_zh_verbatim: false
"""


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "entries").mkdir()
    for name, text in files.items():
        (tmp_path / "entries" / name).write_text(text, encoding="utf-8")
    for src in ENTRIES.glob("*.yaml"):
        (tmp_path / "entries" / f"m-{src.name}").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def _whole_at_once(data: Path) -> set[str]:
    """The data triples records_to_triples makes of the folder, as N-Triples lines from Oxigraph."""
    records, ontology, _ = read_sources(data)
    store = ox.Store()
    store.bulk_load(input=to_ntriples(loader.records_to_triples(records, ontology)), format=ox.RdfFormat.N_TRIPLES)
    return {str(q.triple) for q in store}


def _loaded(kg) -> set[str]:
    return {str(q.triple) for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH.data))}


def _batches(records, *entry_files: Path):
    """Entry files as a build reads them: each file's records, added to `records` as it comes."""
    from dskg.entries import read_entries

    def batches():
        for path in entry_files:
            batch = read_entries([path]).records
            for kind, items in batch.by_kind.items():
                records.by_kind[kind].extend(items)
            yield batch

    return batches()


def test_a_reference_to_an_entry_read_later_is_streamed_and_loads_what_a_whole_pass_makes(tmp_path):
    from dskg import resources
    from dskg.sources import read_folder

    data = _folder(tmp_path, {"a.yaml": EARLY, "z.yaml": LATE})
    records, ontology = read_folder(resources.data_dir()), load_ontology()
    streamed = loader.stream_triples(records, ontology, _batches(records, data / "entries" / "a.yaml", data / "entries" / "z.yaml"))
    assert streamed is not None  # the forward reference was checked at the end, not sent the long way round
    assert streamed == loader.records_to_triples(records, ontology)
    kg = dskg.build(data, reason=False)
    assert _loaded(kg) == _whole_at_once(data)
    assert f'<{ID["bar-later-defined"]}> <{DSKG.level}> "international"' in {line.rstrip(" .") for line in _loaded(kg)}
    claim_about = [o for s, p, o in kg.data if s == ID["claim-early-2021-1"] and p == DSKG.isAbout]
    assert claim_about == [URIRef(ID["bar-later-defined"])]


def test_a_claim_whose_work_is_read_later_cannot_stream(tmp_path):
    """The quotes' language and the sections come from the claim's work: not read yet, the pass
    gives up (None). What it emitted on the way is not what the whole pass makes (here a quote
    tagged zh, not en), which is why a build that sees None clears what it loaded and builds anew."""
    from dskg import resources
    from dskg.entries import read_entries
    from dskg.sources import Records, read_folder

    quote = "The later-defined barrier matters most."
    (tmp_path / "a.yaml").write_text(
        EARLY.replace("    stance: supports\n", f"    stance: supports\n    quote: {quote}\n"), encoding="utf-8"
    )
    (tmp_path / "z.yaml").write_text(LATE, encoding="utf-8")
    early, late = (read_entries([tmp_path / name]).records for name in ("a.yaml", "z.yaml"))
    [work] = early.works
    early.by_kind["works"] = [work.model_copy(update={"source": "late-2022"})]  # its claims stated in the later work
    records = read_folder(resources.data_dir())

    def batches():
        for batch in (early, late):
            for kind, items in batch.by_kind.items():
                records.by_kind[kind].extend(items)
            yield Records(by_kind=batch.by_kind)

    emitted: list = []
    assert loader.stream_triples(records, load_ontology(), batches(), emit=emitted.extend) is None
    whole = loader.records_to_triples(records, load_ontology())  # while the whole, read at once, holds together
    link = ID["link/late-2022/claim-early-2021-1/is-about/bar-later-defined"]
    assert [o for s, p, o in emitted if s == link and p == DSKG.quote] == [Literal(quote, lang="zh")]
    assert [o for s, p, o in whole if s == link and p == DSKG.quote] == [Literal(quote, lang="en")]


def test_an_id_that_no_file_defines_gets_the_usual_message(tmp_path):
    data = _folder(tmp_path, {"a.yaml": EARLY.replace("bar-later-defined", "bar-legal-framewrk")})
    with pytest.raises(InvalidDataError) as exc:
        dskg.build(data, reason=False)
    [problem] = exc.value.problems
    assert problem.file == "entries/a.yaml" and problem.entity == "claim-early-2021-1" and problem.field == "target"
    assert "unknown id 'bar-legal-framewrk'" in problem.message and "bar-legal-framework" in problem.fix


def test_a_duplicate_id_across_files_gets_the_usual_message(tmp_path):
    data = _folder(tmp_path, {"a.yaml": EARLY, "z.yaml": LATE, "zz.yaml": LATE.replace("id: late-2022", "id: later-2023")})
    with pytest.raises(InvalidDataError) as exc:
        dskg.build(data, reason=False)
    assert [(p.file, p.entity, p.field) for p in exc.value.problems] == [("entries/zz.yaml", "bar-later-defined", "id")]
    assert "duplicate id: already used at entries/z.yaml:" in exc.value.problems[0].message


def test_the_paper_alone_streams_the_same_triples():
    records, ontology, triples = read_sources()
    again = loader.records_to_triples(records, load_ontology())
    assert set(triples) == set(again) and len(triples) == len(again)


def test_entries_stream_in_the_order_a_whole_pass_makes_them(tmp_path):
    """The same triples in the same order, whichever way the graph was built (see loader.stream_triples)."""
    data = _folder(tmp_path, {"a.yaml": EARLY, "z.yaml": LATE})
    records, ontology, streamed = read_sources(data)
    assert streamed == loader.records_to_triples(records, ontology)
