"""The works of tests/entries/exports/ as their sources verify them (exports/SOURCES.md and
entries/SOURCES.md): what every reader of an export must give for them, whatever the format.
The ids of the two Chinese works follow exports/SOURCES.md's rule for records without a key."""

# exports/SOURCES.md: the two works of two-works-cnki.ris / .enw (and two-works-zotero.json)
ZHOU = {
    "id": "work-2021-18dbec63",
    "type": "article",
    "title": {"zh": "数据跨境流动限制性措施对数字贸易出口技术复杂度影响的经验研究"},
    "authors": ["周念利", "姚亭亭"],
    "year": "2021",
    "language": "zh",
    "venue": "广东财经大学学报",
    "volume": "36",
    "issue": "2",
    "pages": "4-15",
}  # no DOI: none is shown for it
OUYANG = {
    "id": "work-2023-d3bb2dfc",
    "type": "article",
    "title": {"zh": "数字贸易发展的内生增长机理与中国策略"},
    "authors": ["欧阳日辉", "梁家骥"],
    "year": "2023",
    "language": "zh",
    "venue": "电子科技大学学报社科版",
    "volume": "25",
    "issue": "4",
    "pages": "1-16",
    "doi": "10.14071/j.1008-8105(2023)-1053",
}
# tests/entries/SOURCES.md, nordas-rouzet-2017 (no verified DOI)
NORDAS = {
    "id": "nordas-rouzet-2017",
    "type": "article",
    "title": {"en": "The Impact of Services Trade Restrictiveness on Trade Flows"},
    "authors": ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"],
    "year": "2017",
    "language": "en",
    "venue": "The World Economy",
    "volume": "40",
    "issue": "6",
    "pages": "1155-1183",
    "url": "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=2982705",
}
