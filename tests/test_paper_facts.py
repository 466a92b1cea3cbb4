"""The built graph against the facts of the paper, as read independently in paper_facts.py.

Every expectation here comes from tests/paper_facts.py (written from the paper alone, without
looking at data/ or src/), never from what the graph happens to contain. Where a test fails
because the curated data disagrees with the paper, the test stays as it is: the data is what
must be fixed (or the fact in paper_facts.py, after a decision).

The graph is built once per module (`kg` fixture); everything is read through SPARQL over the
asserted + inferred triples, i.e. the way a user of `dskg.queries.run_sparql` sees it.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

import dskg
import paper_facts as pf
from dskg.queries import rows, run_sparql

PAPER_ID = "wang-jinze-2025"
ID = "https://w3id.org/dskg/id/"
PAPER_IRI = ID + PAPER_ID

PREFIXES = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX fabio: <http://purl.org/spar/fabio/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# The paper text used as the reference: the independent seed copy that paper_facts.py was
# written from; the copy shipped in the repository if the seed is not on this machine.
_REPO_TEXT = Path(__file__).resolve().parents[1] / "data" / "source" / "paper-ssem-2025-143042.txt"
PAPER_TEXT_PATH = pf.PAPER_PATH if os.path.exists(pf.PAPER_PATH) else str(_REPO_TEXT)

N = pf.normalise


# ------------------------------------------------------------------------------------------------
# fixtures and helpers
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kg():
    return dskg.build()


@pytest.fixture(scope="module")
def paper_text():
    return pf.normalised_paper_text(PAPER_TEXT_PATH)


def select(kg, body: str) -> list[dict]:
    """Rows of a SELECT over asserted + inferred triples, values as Python objects."""
    return rows(run_sparql(PREFIXES + body, kg))


def select_terms(kg, body: str) -> list[dict]:
    """Rows of a SELECT with the rdflib terms themselves (to see datatypes and languages)."""
    result = run_sparql(PREFIXES + body, kg)
    names = [str(v) for v in result.vars]
    return [dict(zip(names, row)) for row in result]


def entities_with_sections(kg, cls: str) -> dict[str, dict]:
    """iri -> {"label_zh": set, "sections": set, "stated_in": set} for every instance of `cls`."""
    out: dict[str, dict] = {}
    for r in select(kg, f"""
        SELECT ?x ?label ?sec ?work WHERE {{
          ?x a {cls} .
          OPTIONAL {{ ?x rdfs:label ?label FILTER(lang(?label) = "zh") }}
          OPTIONAL {{ ?x dskg:inSection ?s . ?s dskg:sectionNumber ?sec }}
          OPTIONAL {{ ?x dskg:statedIn ?work }}
        }}"""):
        e = out.setdefault(str(r["x"]), {"label_zh": set(), "sections": set(), "stated_in": set()})
        if r["label"] is not None:
            e["label_zh"].add(str(r["label"]))
        if r["sec"] is not None:
            e["sections"].add(str(r["sec"]))
        if r["work"] is not None:
            e["stated_in"].add(str(r["work"]))
    return out


def find_by_label(entities: dict[str, dict], label_zh: str) -> list[str]:
    return [iri for iri, e in entities.items() if label_zh in e["label_zh"]]


def magnitude_of(unit_zh: str) -> Decimal:
    """亿 = 1e8, 万亿 = 1e12, 万 = 1e4, 1 otherwise (data/README.md's rule, applied to the printed unit)."""
    if unit_zh.startswith("万亿"):
        return Decimal(10) ** 12
    if unit_zh.startswith("亿"):
        return Decimal(10) ** 8
    if unit_zh.startswith("万"):
        return Decimal(10) ** 4
    return Decimal(1)


def currency_of(unit_zh: str) -> str | None:
    if "美元" in unit_zh:
        return "USD"
    if "元" in unit_zh:  # 亿元 / 万亿元人民币; section 4 says "(人民币，下同)"
        return "CNY"
    return None


# ------------------------------------------------------------------------------------------------
# the paper itself
# ------------------------------------------------------------------------------------------------


def test_paper_metadata(kg):
    paper = f"<{PAPER_IRI}>"
    terms = select_terms(kg, f"""
        SELECT ?p ?o WHERE {{ {paper} ?p ?o }}""")
    by_prop: dict[str, list] = {}
    for r in terms:
        by_prop.setdefault(str(r["p"]), []).append(r["o"])

    def values(prop: str, lang: str | None = None) -> set[str]:
        return {str(o) for o in by_prop.get(prop, []) if lang is None or getattr(o, "language", None) == lang}

    DCT, DSKG = "http://purl.org/dc/terms/", "https://w3id.org/dskg/ontology#"
    BIBO, FABIO = "http://purl.org/ontology/bibo/", "http://purl.org/spar/fabio/"
    P = pf.PAPER

    assert "https://w3id.org/dskg/ontology#Work" in values("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert values(DCT + "title", "zh") == {P["title_zh"]}
    assert values(DCT + "title", "en") == {P["title_en"]}
    assert values(DSKG + "authorsText") == {P["author_zh"]}
    assert values(DSKG + "journalTitle", "zh") == {P["journal_zh"]}
    assert values(DSKG + "journalTitle", "en") == {P["journal_en"]}
    assert values(DSKG + "publisherName") == {pf.PUBLISHER}
    years = by_prop.get(FABIO + "hasPublicationYear", [])
    assert [str(y) for y in years] == [str(P["year"])]
    assert str(years[0].datatype) == "http://www.w3.org/2001/XMLSchema#gYear"
    assert values(BIBO + "volume") == {str(P["volume"])}
    assert values(BIBO + "issue") == {str(P["issue"])}
    assert values(BIBO + "doi") == {P["doi"]}
    assert values(DCT + "license") == {P["license_url"]}

    # the author as a person, with both forms of the name
    names = select_terms(kg, f"""
        SELECT ?name WHERE {{ {paper} dcterms:creator ?a . ?a rdfs:label ?name }}""")
    by_lang = {(str(r["name"]), r["name"].language) for r in names}
    assert (P["author_zh"], "zh") in by_lang
    assert (P["author_en"], "en") in by_lang


def test_paper_sections(kg):
    found = {}
    for r in select(kg, f"""
        SELECT ?n ?label WHERE {{
          ?s dskg:sectionOf <{PAPER_IRI}> ; dskg:sectionNumber ?n ; rdfs:label ?label
          FILTER(lang(?label) = "zh") }}"""):
        found.setdefault(str(r["n"]), set()).add(N(str(r["label"])))
    for number, heading in pf.SECTION_HEADINGS.items():
        assert number in found, f"section {number} missing"
        assert any(label.endswith(N(heading)) for label in found[number]), (number, found[number])
    for item in pf.ADVANTAGES + pf.COUNTERMEASURES:
        assert any(label.endswith(N(item["label_zh"])) for label in found.get(item["section"], ())), item


# ------------------------------------------------------------------------------------------------
# advantages, barriers, countermeasures
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls, expected",
    [("dskg:Advantage", pf.ADVANTAGES), ("dskg:Barrier", pf.BARRIERS), ("dskg:Countermeasure", pf.COUNTERMEASURES)],
    ids=["advantages", "barriers", "countermeasures"],
)
def test_structure_items_present_with_verbatim_label_and_section(kg, cls, expected):
    entities = entities_with_sections(kg, cls)
    assert len(entities) == len(expected), sorted(entities)
    for item in expected:
        hits = find_by_label(entities, item["label_zh"])
        assert len(hits) == 1, (item, hits)
        e = entities[hits[0]]
        assert e["sections"] == {item["section"]}, (item, e["sections"])
        assert e["stated_in"] == {PAPER_IRI}, (item, e["stated_in"])


def test_barrier_levels(kg):
    rows_ = select(kg, """
        SELECT ?b ?label ?level ?cls WHERE {
          ?b a dskg:Barrier ; rdfs:label ?label ; dskg:level ?level .
          OPTIONAL { ?b a ?cls FILTER(?cls IN (dskg:DomesticBarrier, dskg:InternationalBarrier)) }
          FILTER(lang(?label) = "zh") }""")
    level_of = {}
    classes_of: dict[str, set] = {}
    for r in rows_:
        level_of.setdefault(str(r["label"]), set()).add(str(r["level"]))
        if r["cls"] is not None:
            classes_of.setdefault(str(r["label"]), set()).add(str(r["cls"]).rsplit("#", 1)[-1])
    expected_class = {"domestic": "DomesticBarrier", "international": "InternationalBarrier"}
    for b in pf.BARRIERS:
        assert level_of.get(b["label_zh"]) == {b["level"]}, (b, level_of.get(b["label_zh"]))
        assert classes_of.get(b["label_zh"]) == {expected_class[b["level"]]}, (b, classes_of.get(b["label_zh"]))
    # the levels split 3 + 3, as sections 4.1 and 4.2 do
    assert sum(1 for b in pf.BARRIERS if b["level"] == "domestic") == sum(
        1 for v in level_of.values() if v == {"domestic"})


# ------------------------------------------------------------------------------------------------
# cited works
# ------------------------------------------------------------------------------------------------


def _works(kg) -> dict[str, dict]:
    works: dict[str, dict] = {}
    for r in select_terms(kg, f"""
        SELECT ?w ?authors ?year ?ref WHERE {{
          ?w a dskg:Work ; dskg:authorsText ?authors .
          OPTIONAL {{ ?w fabio:hasPublicationYear ?year }}
          OPTIONAL {{ ?w dskg:refNumber ?ref }}
          FILTER(?w != <{PAPER_IRI}>) }}"""):
        w = works.setdefault(str(r["w"]), {"authors": set(), "years": set(), "refs": set()})
        w["authors"].add(str(r["authors"]))
        if r["year"] is not None:
            w["years"].add((str(r["year"]), str(r["year"].datatype)))
        if r["ref"] is not None:
            w["refs"].add(int(r["ref"].toPython()))
    return works


def _match_work(works: dict[str, dict], cited: dict) -> list[str]:
    ref = cited["ref_number"]
    return [
        iri for iri, w in works.items()
        if w["authors"] == {cited["authors_text"]}
        and {y for y, _ in w["years"]} == {str(cited["year"])}
        and w["refs"] == (set() if ref is None else {ref})
    ]


def _theme_nodes(kg) -> dict[str, str]:
    """paper_facts theme name -> theme IRI, matched by the theme's verbatim statement."""
    defs = select(kg, """
        SELECT ?t ?def WHERE { ?t a dskg:Theme ; skos:definition ?def FILTER(lang(?def) = "zh") }""")
    out = {}
    for name, statement in pf.THEME_STATEMENTS.items():
        hits = {str(r["t"]) for r in defs if N(str(r["def"])) and N(str(r["def"])) in N(statement)}
        assert len(hits) == 1, (name, hits)
        out[name] = hits.pop()
    return out


def _cited_id(w: dict) -> str:
    if w["ref_number"] is not None:
        return f"ref{w['ref_number']}"
    return f"unnumbered-{w['year']}-{pf.CITED_WORKS.index(w)}"


@pytest.mark.parametrize("cited", pf.CITED_WORKS, ids=_cited_id)
def test_cited_work(kg, cited):
    works = _works(kg)
    hits = _match_work(works, cited)
    assert len(hits) == 1, (
        f"expected one work with authors {cited['authors_text']!r}, year {cited['year']}, "
        f"ref {cited['ref_number']}; found {hits}; works with that year: "
        f"{[w['authors'] for w in works.values() if str(cited['year']) in {y for y, _ in w['years']}]}")
    iri = hits[0]
    # the year is a gYear
    assert works[iri]["years"] == {(str(cited["year"]), "http://www.w3.org/2001/XMLSchema#gYear")}

    # the sections the paper cites it in
    sections = {str(r["sec"]) for r in select(kg, f"""
        SELECT ?sec WHERE {{
          ?c a cito:Citation ; cito:hasCitingEntity <{PAPER_IRI}> ; cito:hasCitedEntity <{iri}> ;
             dskg:inSection ?s . ?s dskg:sectionNumber ?sec }}""")}
    assert sorted(sections) == cited["sections"], (cited, sorted(sections))

    # the literature-review theme(s)
    if cited["ref_number"] is not None:
        expected = pf.THEME_OF_REF.get(cited["ref_number"], [])
    else:
        expected = pf.THEME_OF_UNNUMBERED[(cited["authors_text"], cited["year"])]
    theme_iri = _theme_nodes(kg)
    name_of = {v: k for k, v in theme_iri.items()}
    themes = {str(r["t"]) for r in select(kg, f"SELECT ?t WHERE {{ <{iri}> dskg:hasTheme ?t }}")}
    assert sorted(name_of.get(t, t) for t in themes) == sorted(expected), (cited, sorted(name_of.get(t, t) for t in themes))


def test_citation_counts(kg):
    """[3] and [4] are cited twice, every other numbered work once."""
    works = _works(kg)
    for cited in pf.CITED_WORKS:
        if cited["ref_number"] is None:
            continue
        hits = _match_work(works, cited)
        assert len(hits) == 1, cited
        (n,) = [r["n"] for r in select(kg, f"""
            SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{
              ?c a cito:Citation ; cito:hasCitingEntity <{PAPER_IRI}> ; cito:hasCitedEntity <{hits[0]}> }}""")]
        assert int(n) == pf.CITATION_COUNTS[cited["ref_number"]], (cited, n)


def test_no_invented_works(kg):
    """Every work besides the paper is one of CITED_WORKS (and each of them exactly once)."""
    works = _works(kg)
    matched = [iri for cited in pf.CITED_WORKS for iri in _match_work(works, cited)]
    assert len(matched) == len(set(matched)) == len(pf.CITED_WORKS)
    extra = {iri: w["authors"] for iri, w in works.items() if iri not in matched}
    assert not extra, f"works not in CITED_WORKS: {extra}"


def test_only_the_paper_has_title_and_doi(kg):
    """The reference list is not in the text: no cited work may carry a title or a DOI."""
    titled = {str(r["w"]) for r in select(kg, "SELECT DISTINCT ?w WHERE { ?w a dskg:Work ; dcterms:title ?t }")}
    with_doi = {str(r["w"]) for r in select(kg, "SELECT DISTINCT ?w WHERE { ?w a dskg:Work ; bibo:doi ?d }")}
    assert titled == {PAPER_IRI}
    assert with_doi == {PAPER_IRI}
    # and the graph says so: every cited work is known only by its citation
    unknown = {str(r["w"]) for r in select(kg, f"""
        SELECT ?w WHERE {{
          ?w a dskg:Work FILTER(?w != <{PAPER_IRI}>)
          FILTER NOT EXISTS {{ ?w dskg:knownOnlyByCitation true }} }}""")}
    assert not unknown, unknown


# ------------------------------------------------------------------------------------------------
# statistics
# ------------------------------------------------------------------------------------------------


def _statistics(kg) -> list[dict]:
    return select(kg, """
        SELECT ?s ?value ?vt ?sec ?flow ?measure ?magnitude ?currency ?comparator ?period ?src ?srctext WHERE {
          ?s a dskg:Statistic ; dskg:value ?value ; dskg:valueText ?vt .
          OPTIONAL { ?s dskg:inSection ?x . ?x dskg:sectionNumber ?sec }
          OPTIONAL { ?s dskg:flow ?flow }
          OPTIONAL { ?s dskg:measure ?measure FILTER(lang(?measure) = "zh") }
          OPTIONAL { ?s dskg:magnitude ?magnitude }
          OPTIONAL { ?s dskg:currency ?currency }
          OPTIONAL { ?s dskg:comparator ?comparator }
          OPTIONAL { ?s dskg:period ?period }
          OPTIONAL { ?s dskg:statisticSource ?src }
          OPTIONAL { ?s dskg:sourceText ?srctext }
        }""")


def _stat_by_value_text(kg, value_text: str) -> dict:
    hits = [r for r in _statistics(kg) if N(str(r["vt"])) == N(value_text)]
    ids = {str(r["s"]) for r in hits}
    assert len(ids) == 1, (value_text, ids)
    return hits[0]


@pytest.mark.parametrize("stat", pf.STATISTICS, ids=lambda s: s["value"] + "@" + s["section"])
def test_statistic_value_text_and_section(kg, stat):
    r = _stat_by_value_text(kg, stat["value_text"])
    assert Decimal(str(r["value"])) == Decimal(stat["value"]), (stat, r["value"])
    assert N(str(r["vt"])) == N(stat["value_text"])
    assert str(r["sec"]) == stat["section"], (stat, r["sec"])


@pytest.mark.parametrize("stat", pf.STATISTICS, ids=lambda s: s["value"] + "@" + s["section"])
def test_statistic_unit_comparator_and_source(kg, stat):
    """Magnitude and currency follow the printed unit, comparator the qualifier, source the text."""
    d = pf.STATISTIC_DETAILS[stat["value_text"]]
    r = _stat_by_value_text(kg, stat["value_text"])
    assert Decimal(str(r["magnitude"])) == magnitude_of(d["unit_zh"]), (stat, r["magnitude"])
    assert (str(r["currency"]) if r["currency"] is not None else None) == currency_of(d["unit_zh"]), (stat, r["currency"])
    # 以上 counts the number itself (at or above); 超过 and 突破 do not (more than)
    expected_cmp = {"超过": "gt", "突破": "gt", "以上": "ge"}.get(d.get("qualifier_zh"), "eq")
    assert str(r["comparator"]) == expected_cmp, (stat, r["comparator"])
    if d["source_zh"] is None:
        assert r["src"] is None, (stat, "text names no source", r["src"])
    else:
        assert r["src"] is not None, (stat, "text names", d["source_zh"])
        assert r["srctext"] is not None and N(str(r["srctext"])) == N(d["source_zh"]), (stat, r["srctext"])


def test_statistics_are_exactly_the_papers(kg):
    """No statistic beyond those of STATISTICS (e.g. none of STATISTICS_EXCLUDED)."""
    in_graph = {N(str(r["vt"])) for r in _statistics(kg)}
    expected = {N(s["value_text"]) for s in pf.STATISTICS}
    assert in_graph == expected, {"extra": in_graph - expected, "missing": expected - in_graph}
    for excluded in pf.STATISTICS_EXCLUDED:
        assert N(excluded) not in in_graph


@pytest.mark.parametrize("key", sorted(pf.TRADE_FIGURES_2023), ids=lambda k: f"{k[1]}-{sorted(pf.TRADE_FIGURES_2023).index(k)}")
def test_trade_figures_2023(kg, key):
    sector_zh, flow = key
    value = pf.TRADE_FIGURES_2023[key]
    hits = [r for r in _statistics(kg)
            if Decimal(str(r["value"])) == Decimal(value) and N(str(r["vt"])) == N(value + pf.TRADE_FIGURES_2023_UNIT)]
    assert len({str(r["s"]) for r in hits}) == 1, (key, hits)
    r = hits[0]
    assert str(r["flow"]) == flow, (key, r["flow"])
    assert r["measure"] is not None and sector_zh in str(r["measure"]), (key, r["measure"])
    assert str(r["period"]) == "2023", (key, r["period"])
    assert str(r["currency"]) == "CNY", (key, r["currency"])  # "(人民币，下同)"
    assert r["src"] is not None and N(str(r["srctext"])) == N(pf.TRADE_FIGURES_2023_SOURCE), (key, r["srctext"])


# ------------------------------------------------------------------------------------------------
# documents, actions, cases
# ------------------------------------------------------------------------------------------------


def _document_titles(kg) -> dict[str, set]:
    out: dict[str, set] = {}
    for r in select(kg, """
        SELECT ?d ?t WHERE { ?d a dskg:Document ; dcterms:title ?t FILTER(lang(?t) = "zh") }"""):
        out.setdefault(N(str(r["t"])), set()).add(str(r["d"]))
    return out


@pytest.mark.parametrize("title", pf.DOCUMENTS, ids=lambda t: f"doc{pf.DOCUMENTS.index(t) + 1}")
def test_document_title(kg, title):
    titles = _document_titles(kg)
    assert len(titles.get(N(title), ())) == 1, (title, sorted(titles))


def test_no_document_title_outside_the_text(kg):
    """Only the titles printed in 《》 are titles; untitled documents carry none."""
    assert set(_document_titles(kg)) == {N(t) for t in pf.DOCUMENTS}


def _document_evidence(kg) -> dict[str, list[str]]:
    """Document IRI -> its quotes and the quotes of the qualified links it is the subject of."""
    out: dict[str, list[str]] = {}
    for r in select(kg, """
        SELECT ?d ?q WHERE {
          ?d a dskg:Document .
          { ?d dskg:quote ?q } UNION { ?l dskg:linkSubject ?d ; dskg:quote ?q } }"""):
        out.setdefault(str(r["d"]), []).append(N(str(r["q"])))
    return out


@pytest.mark.parametrize("action", pf.NAMED_ACTIONS, ids=lambda a: f"{a['section']}-{pf.NAMED_ACTIONS.index(a)}")
def test_named_action_and_its_date(kg, action):
    evidence = _document_evidence(kg)
    needle = N(action["action_zh"])
    docs = sorted(d for d, quotes in evidence.items() if any(needle in q for q in quotes))
    assert docs, f"no document whose quotes contain {action['action_zh']!r}"
    dates: dict[str, list] = {d: [] for d in docs}
    for r in select_terms(kg, "SELECT ?d ?date WHERE { ?d a dskg:Document ; dcterms:date ?date }"):
        if str(r["d"]) in dates:
            dates[str(r["d"])].append(r["date"])
    for d in docs:
        lexical = [str(x) for x in dates[d]]
        if action["date"] is None:
            assert lexical == [], (action["action_zh"], d, "the text gives no date", lexical)
        else:
            assert lexical == [action["date"]], (action["action_zh"], d, lexical)


@pytest.mark.parametrize("name", pf.CASES_PRIMARY)
def test_primary_case(kg, name):
    labels = {str(r["l"]) for r in select(kg, """
        SELECT ?l WHERE {
          ?c a dskg:Case . { ?c rdfs:label ?l } UNION { ?c skos:altLabel ?l }
          FILTER(lang(?l) = "zh") }""")}
    assert name in labels, name


# ------------------------------------------------------------------------------------------------
# countermeasure -> barrier links
# ------------------------------------------------------------------------------------------------


def _addressing_links(kg) -> list[tuple[str, str, str]]:
    """(countermeasure section per paper_facts, barrier zh label, basis) of every Addressing node."""
    section_of = {c["label_zh"]: c["section"] for c in pf.COUNTERMEASURES}
    out = []
    for r in select(kg, """
        SELECT ?link ?cml ?bl ?basis WHERE {
          ?link a dskg:Addressing ; dskg:linkSubject ?cm ; dskg:linkTarget ?b .
          OPTIONAL { ?link dskg:basis ?basis }
          OPTIONAL { ?cm rdfs:label ?cml FILTER(lang(?cml) = "zh") }
          OPTIONAL { ?b rdfs:label ?bl FILTER(lang(?bl) = "zh") } }"""):
        cm = section_of.get(str(r["cml"]), f"?{r['cml']}")
        basis = str(r["basis"]).rsplit("#", 1)[-1] if r["basis"] is not None else None
        out.append((cm, str(r["bl"]), basis))
    return out


def test_explicit_links_are_exactly_the_texts(kg):
    explicit = {(cm, b) for cm, b, basis in _addressing_links(kg) if basis == "explicit"}
    assert explicit == pf.EXPLICIT_LINKS


def test_interpretive_links_are_plausible(kg):
    links = _addressing_links(kg)
    assert all(basis in ("explicit", "interpretive") for _, _, basis in links), links
    interpretive = {(cm, b) for cm, b, basis in links if basis == "interpretive"}
    assert not (interpretive & pf.DOUBTFUL_LINKS), interpretive & pf.DOUBTFUL_LINKS
    assert interpretive <= pf.PLAUSIBLE_LINKS, f"interpretive links outside PLAUSIBLE_LINKS: {interpretive - pf.PLAUSIBLE_LINKS}"
    # one qualified link per pair
    assert len(links) == len({(cm, b) for cm, b, _ in links})


def test_direct_addresses_triples_match_qualified_links(kg):
    direct = {(str(r["cm"]), str(r["b"])) for r in select(kg, "SELECT ?cm ?b WHERE { ?cm dskg:addresses ?b }")}
    qualified = {(str(r["cm"]), str(r["b"])) for r in select(kg, """
        SELECT ?cm ?b WHERE { ?l a dskg:Addressing ; dskg:linkSubject ?cm ; dskg:linkTarget ?b }""")}
    assert direct == qualified


def test_every_qualified_link_has_quote_section_and_source(kg):
    """At least one quote, a section of the source work, and that work.

    Explicit and interpretive links say where the paper states them (dskg:statedIn). Editorial
    links (the project's own DSTRI mapping) are not stated by the paper and are attributed to the
    project instead; their source work is the one their section belongs to.
    """
    links = select(kg, """
        SELECT ?l ?basis
               (COUNT(DISTINCT ?q) AS ?quotes)
               (GROUP_CONCAT(DISTINCT STR(?work); separator=" ") AS ?works)
               (GROUP_CONCAT(DISTINCT STR(?secwork); separator=" ") AS ?secworks)
               (GROUP_CONCAT(DISTINCT ?n; separator=" ") AS ?sections)
               (GROUP_CONCAT(DISTINCT STR(?agent); separator=" ") AS ?agents)
        WHERE {
          ?l a dskg:QualifiedLink .
          OPTIONAL { ?l dskg:basis ?basis }
          OPTIONAL { ?l dskg:quote ?q }
          OPTIONAL { ?l dskg:statedIn ?work }
          OPTIONAL { ?l dskg:inSection ?s . ?s dskg:sectionNumber ?n . OPTIONAL { ?s dskg:sectionOf ?secwork } }
          OPTIONAL { ?l prov:wasAttributedTo ?agent }
        } GROUP BY ?l ?basis""")
    assert links
    problems = []
    for r in links:
        basis = str(r["basis"]).rsplit("#", 1)[-1] if r["basis"] else None
        works, secworks = set(str(r["works"]).split()), set(str(r["secworks"]).split())
        sections = set(str(r["sections"]).split())
        why = []
        if basis not in ("explicit", "interpretive", "editorial"):
            why.append(f"basis {basis}")
        if int(r["quotes"]) < 1:
            why.append("no quote")
        if len(sections) != 1:
            why.append(f"sections {sections}")
        if secworks != {PAPER_IRI}:
            why.append(f"section belongs to {secworks}")
        if basis == "editorial":
            if not str(r["agents"]).strip():
                why.append("editorial link attributed to nobody")
        elif works != {PAPER_IRI}:
            why.append(f"statedIn {works}")
        if why:
            problems.append((str(r["l"]), why))
    assert not problems, problems


# ------------------------------------------------------------------------------------------------
# quotes
# ------------------------------------------------------------------------------------------------

# Literals that data/README.md requires to be verbatim text of the source.
VERBATIM_PROPERTIES = {
    "dskg:quote": None,
    "dskg:claimText": "zh",
    "dskg:valueText": None,
    "dskg:sourceText": "zh",
    "dskg:dateText": "zh",
    "skos:definition": "zh",
    "dskg:critique": "zh",
}


@pytest.mark.parametrize("prop", sorted(VERBATIM_PROPERTIES))
def test_every_quote_is_verbatim_in_the_paper(kg, paper_text, prop):
    lang = VERBATIM_PROPERTIES[prop]
    lang_filter = f'FILTER(lang(?t) = "{lang}")' if lang else ""
    found = select(kg, f"""
        SELECT DISTINCT ?x ?t WHERE {{
          ?x {prop} ?t {lang_filter}
          # records only (the ontology's own definitions are not quotes), and only text taken
          # from this paper (the graph may later hold other sources)
          FILTER(STRSTARTS(STR(?x), "{ID}"))
          FILTER NOT EXISTS {{ ?x dskg:statedIn ?w FILTER(?w != <{PAPER_IRI}>) }}
          FILTER NOT EXISTS {{ ?x cito:hasCitingEntity ?c FILTER(?c != <{PAPER_IRI}>) }}
        }}""")
    if prop in ("dskg:quote", "dskg:claimText", "dskg:valueText"):
        assert found, f"no {prop} in the graph"
    missing = sorted({(str(r["x"]).removeprefix(ID), str(r["t"])) for r in found if N(str(r["t"])) not in paper_text})
    assert not missing, f"{len(missing)} {prop} values not verbatim in the paper: {missing}"
