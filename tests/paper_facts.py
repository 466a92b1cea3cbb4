"""Expected facts about the source paper of dskg, read independently from the text.

Source: ../shared/seed/paper-ssem-2025-143042.txt beside the project (plus that folder's
README.md for bibliographic data). These constants were written by reading the paper only, without looking
at data/*.yaml or src/, so that tests can check the curated graph against them.

Conventions
-----------
* Every verbatim string is checked by `verify_all()` against `normalised_paper_text()`:
  running-header lines are dropped and ALL whitespace is removed, on both sides. So a verbatim
  string may keep the spaces printed in the paper (e.g. "3710.78 亿美元", "Ferracane 等");
  compare with `normalise()` / `paper_contains()` rather than raw equality with the text.
* Punctuation is exactly as printed: ASCII parentheses "(" ")", full-width comma "，",
  ideographic comma "、", middle dot "·" (U+00B7), curly quotes “ ” (U+201C/U+201D), ASCII "%".
* Section strings: "2", "3", "3.1" ... "5.5". "3"/"4"/"5" mean the introductory text of that
  section before its first subsection.
* Decimal strings are the number exactly as written (no unit scaling): "14" for "14 亿人".

Run `python3 tests/paper_facts.py` to re-verify every string against the text.
This module defines no test functions; it only holds data and helpers (stdlib only).
"""

import os
import re

_PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SEED_PATH = os.path.join(_PROJECT, "..", "shared", "seed", "paper-ssem-2025-143042.txt")
_SHIPPED_PATH = os.path.join(_PROJECT, "data", "source", "paper-ssem-2025-143042.txt")
# The independent seed copy where this machine has it; the copy shipped with the data otherwise.
PAPER_PATH = _SEED_PATH if os.path.exists(_SEED_PATH) else _SHIPPED_PATH

# --------------------------------------------------------------------------------------------
# Normalisation helpers
# --------------------------------------------------------------------------------------------

# Lines that are page furniture of the PDF extraction, not text of the paper.
_HEADER_LINE_PATTERNS = (
    re.compile(r"^王锦泽$"),
    re.compile(r"^Open Access$"),
    re.compile(r"^https?://\S+$"),
    re.compile(r"^DOI:\s*10\.12677/ssem\.2025\.143042\s+\d+\s+服务科学和管理$"),
)

_WS = re.compile(r"\s+")


def normalise(s):
    """Remove all whitespace (incl. full-width / NBSP, via re's Unicode \\s)."""
    return _WS.sub("", s)


def is_header_line(line):
    stripped = line.strip()
    return any(p.match(stripped) for p in _HEADER_LINE_PATTERNS)


def normalised_paper_text(path=PAPER_PATH):
    """The paper text with running-header lines dropped and all whitespace removed.

    Dropped lines: "王锦泽", "Open Access", bare URLs (https://doi.org/..., the CC licence
    URL), and "DOI: 10.12677/ssem.2025.143042 <page> 服务科学和管理".
    """
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    kept = [ln for ln in lines if not is_header_line(ln)]
    return normalise("".join(kept))


_CACHE = {}


def _text(path=PAPER_PATH):
    key = os.path.abspath(path)
    if key not in _CACHE:
        _CACHE[key] = normalised_paper_text(path)
    return _CACHE[key]


def paper_contains(s, path=PAPER_PATH):
    """True if `s` (whitespace-insensitive) occurs in the normalised paper text."""
    return normalise(s) in _text(path)


# --------------------------------------------------------------------------------------------
# Bibliographic data (from the seed README, not from the text)
# --------------------------------------------------------------------------------------------

PAPER = {
    "title_zh": "我国数字服务贸易发展的优势、壁垒和对策研究",
    "title_en": "Research on the Advantages, Barriers and Countermeasures of the Development "
                "of Digital Service Trade in China",
    "author_zh": "王锦泽",
    "author_en": "Wang Jinze",
    "journal_zh": "服务科学和管理",
    "journal_en": "Service Science and Management",
    "year": 2025,
    "volume": 14,
    "issue": 3,
    "doi": "10.12677/ssem.2025.143042",
    "license_url": "http://creativecommons.org/licenses/by/4.0/",
}
# Extra README facts kept out of PAPER so that PAPER has exactly the requested keys.
PUBLISHER = "Hans Publishers"
LICENSE_NAME = "CC BY 4.0"
# Note: the title and the author's name appear in the text only as running header ("王锦泽");
# the title itself is NOT in the text file (the text starts at "摘  要").

# --------------------------------------------------------------------------------------------
# Structure: advantages (3.x), barriers (4.1/4.2 ①②③), countermeasures (5.x)
# --------------------------------------------------------------------------------------------

SECTION_HEADINGS = {
    "1": "引言",
    "2": "文献回顾",
    "3": "我国数字服务贸易发展的优势分析",
    "4": "我国数字服务贸易的发展壁垒分析",
    "4.1": "数字服务贸易国内层面的壁垒",
    "4.2": "国际层面的数字服务贸易壁垒",
    "5": "我国发展数字服务贸易的对策建议",
}

ADVANTAGES = [
    {"section": "3.1", "label_zh": "数字服务贸易的市场与政策优势"},
    {"section": "3.2", "label_zh": "数字服务贸易的技术优势"},
    {"section": "3.3", "label_zh": "数字服务贸易的产业与基础设施优势"},
    {"section": "3.4", "label_zh": "数字服务贸易的平台优势"},
]

# In order ①②③ within 4.1 then ①②③ within 4.2. label_zh = text after the circled digit up
# to (not including) the first "。".
BARRIERS = [
    {"section": "4.1", "level": "domestic", "label_zh": "数字技术创新能力壁垒"},
    {"section": "4.1", "level": "domestic", "label_zh": "法律法规建设壁垒"},
    {"section": "4.1", "level": "domestic", "label_zh": "跨界合作壁垒"},
    {"section": "4.2", "level": "international", "label_zh": "国际市场准入壁垒"},
    {"section": "4.2", "level": "international", "label_zh": "全球数字技术壁垒"},
    {"section": "4.2", "level": "international", "label_zh": "世界知识产权壁垒"},
]
# Same barriers keyed by section + circled number (derivable from the order above).
BARRIER_KEYS = {
    "4.1①": "数字技术创新能力壁垒",
    "4.1②": "法律法规建设壁垒",
    "4.1③": "跨界合作壁垒",
    "4.2①": "国际市场准入壁垒",
    "4.2②": "全球数字技术壁垒",
    "4.2③": "世界知识产权壁垒",
}
# The intro sentences of 4.1 / 4.2 name the barriers with slightly different wording
# (useful as alternative labels; all verbatim):
BARRIER_INTRO_WORDING = {
    "4.1①": "数字技术创新能力不足",
    "4.1②": "法律法规建设不完善",
    "4.1③": "跨领域合作困难",
    "4.2①": "市场准入困难",
    "4.2②": "技术国际化差异大",
    "4.2③": "知识产权隐私化程度高",
}

COUNTERMEASURES = [
    {"section": "5.1", "label_zh": "强化数字服务贸易发展的法律法规支撑保障"},
    {"section": "5.2", "label_zh": "支持数字服务贸易的发展模式创新"},
    {"section": "5.3", "label_zh": "开展数字服务贸易的国际合作与交流"},
    {"section": "5.4", "label_zh": "加强对专业化人才的培养"},
    {"section": "5.5", "label_zh": "增强对数字贸易知识产权的保护"},
]

# --------------------------------------------------------------------------------------------
# Cited works (only what the in-text citations give; the reference list is not in the text)
# --------------------------------------------------------------------------------------------

CITED_WORKS = [
    # ---- section 2, theme (1) growth
    {"ref_number": 1, "authors_text": "张祁", "year": 2024, "sections": ["2"]},
    {"ref_number": 2, "authors_text": "冯晓玲、徐豫洋等", "year": 2025, "sections": ["2"]},
    # [3] is cited twice, both in section 2: theme (1) and theme (3).
    {"ref_number": 3, "authors_text": "陈永强、于雪莲等", "year": 2024, "sections": ["2"]},
    # [4] is cited in section 2 (theme 1) and again in the intro of section 4.
    {"ref_number": 4, "authors_text": "阿丽亚·艾尔肯、王威", "year": 2025, "sections": ["2", "4"]},
    {"ref_number": 5, "authors_text": "李敏燕、孟祺", "year": 2023, "sections": ["2"]},
    {"ref_number": 6, "authors_text": "徐慧超、赵彦云", "year": 2025, "sections": ["2"]},
    # ---- section 2, theme (2) digital infrastructure
    {"ref_number": 7, "authors_text": "Atasoy, B.S.", "year": 2020, "sections": ["2"]},
    {"ref_number": 8, "authors_text": "Zhou, F., Wen, H. and Lee, C.", "year": 2022, "sections": ["2"]},
    # NB: [9] separates the two authors with a FULL-WIDTH COMMA "，", not "、".
    {"ref_number": 9, "authors_text": "王梦颖，张诚", "year": 2023, "sections": ["2"]},
    {"ref_number": 10, "authors_text": "Gnangnon, S.K.", "year": 2020, "sections": ["2"]},
    {"ref_number": 11, "authors_text": "Ferracane 等", "year": 2020, "sections": ["2"]},
    {"ref_number": 12, "authors_text": "王岚", "year": 2021, "sections": ["2"]},
    # ---- section 2, theme (3) barriers
    # [13]: the running text calls the author "Xiaoyan Su 等"; the citation says "SU X 等".
    {"ref_number": 13, "authors_text": "SU X 等", "year": 2020, "sections": ["2"]},
    # [14]: running text "Ferencz, J 发布了..." (no period); citation "Ferencz, J. [14]".
    {"ref_number": 14, "authors_text": "Ferencz, J.", "year": 2019, "sections": ["2"]},
    {"ref_number": 15, "authors_text": "马述忠、李彦陈等", "year": 2024, "sections": ["2"]},
    {"ref_number": 16, "authors_text": "齐俊妍、强华俊", "year": 2021, "sections": ["2"]},
    # ---- section 3.3
    {"ref_number": 17, "authors_text": "王晓红、朱福林等", "year": 2020, "sections": ["3.3"]},
    {"ref_number": 18, "authors_text": "刘海燕、杨艳琳", "year": 2025, "sections": ["3.3"]},
    # ---- section 5.1
    {"ref_number": 19, "authors_text": "胡佳佳、张明等", "year": 2025, "sections": ["5.1"]},
    # ---- unnumbered works, cited inside the sentence that ends with (马述忠、李彦陈等[15]，2024):
    #   "(孟夏等，2020；齐俊妍、强华俊，2021)" and "(张艳等，2013；孙浦阳等，2018)"
    {"ref_number": None, "authors_text": "孟夏等", "year": 2020, "sections": ["2"]},
    # AMBIGUITY: same authors and year as [16]; very likely the same work, quoted second-hand
    # via [15]. The text does not say so, so it is kept as a separate unnumbered citation.
    {"ref_number": None, "authors_text": "齐俊妍、强华俊", "year": 2021, "sections": ["2"]},
    {"ref_number": None, "authors_text": "张艳等", "year": 2013, "sections": ["2"]},
    {"ref_number": None, "authors_text": "孙浦阳等", "year": 2018, "sections": ["2"]},
]

# How many times each numbered work is cited in the text.
CITATION_COUNTS = {n: 1 for n in range(1, 20)}
CITATION_COUNTS[3] = 2
CITATION_COUNTS[4] = 2

# Theme of each numbered work reviewed in section 2 (every value a sorted list).
THEME_OF_REF = {
    1: ["growth"],
    2: ["growth"],
    3: ["barriers", "growth"],  # cited under (1) and again under (3)
    4: ["growth"],
    5: ["growth"],
    6: ["growth"],
    7: ["digital-infrastructure"],
    8: ["digital-infrastructure"],
    9: ["digital-infrastructure"],
    10: ["digital-infrastructure"],
    11: ["digital-infrastructure"],
    12: ["digital-infrastructure"],
    13: ["barriers"],
    14: ["barriers"],
    15: ["barriers"],
    16: ["barriers"],
}
# The four unnumbered works all sit in theme (3).
THEME_OF_UNNUMBERED = {
    ("孟夏等", 2020): ["barriers"],
    ("齐俊妍、强华俊", 2021): ["barriers"],
    ("张艳等", 2013): ["barriers"],
    ("孙浦阳等", 2018): ["barriers"],
}
# Verbatim openings of the three theme statements in section 2.
THEME_STATEMENTS = {
    "growth": "(1) 数字服务贸易呈现较强的增长趋势，对服务贸易起到引领作用",
    "digital-infrastructure": "(2) 数字基础设施的建设对数字服务贸易的发展有着积极的推动作用",  # crosses a header
    "barriers": "(3) 壁垒对数字服务贸易起到阻碍作用",
}

# The DSTRI policy areas that section 2 names (verbatim, in the order printed) when it cites [14]:
#   "Ferencz, J 发布了全球数字服务贸易限制性指数(DSTRI)来衡量数字贸易壁垒，涉及数字基础设施和联通性、
#    电子交易、支付系统、知识产权等多方面的内容(Ferencz, J. [14], 2019)"
# The "等" means the list is not exhaustive; the paper names no further area.
DSTRI_AREAS_NAMED_ZH = ["数字基础设施和联通性", "电子交易", "支付系统", "知识产权"]

# --------------------------------------------------------------------------------------------
# Statistics: every number-with-unit figure about the world
# --------------------------------------------------------------------------------------------
# Excluded: section numbers, page numbers (332/333/335), reference numbers, years used as dates
# (2022 年, 2024 年上半年, 2023 年, (2023), 2025 年 1 月 20 日, 1 月 30 日, 2025 年 2 月 1 日,
# 2018, 2005~2014 年间), "DeepSeek-R1", "5G", "二十大", and see STATISTICS_EXCLUDED below.

STATISTICS = [
    # Source named: "中华人民共和国商务部 2023 年发布的《数字贸易发展与合作报告》" (…显示)
    {"value_text": "3710.78 亿美元", "value": "3710.78", "section": "3"},   # 2022 数字服务贸易总额
    # Source named: same report as above
    {"value_text": "3.2%", "value": "3.2", "section": "3"},                # 同比增长
    # No source named. Qualifier "超过" (more than). China's population.
    {"value_text": "14 亿人", "value": "14", "section": "3.1"},
    # Source: only "据统计" (generic "according to statistics"; no named source). Qualifier "超过".
    {"value_text": "4 亿人", "value": "4", "section": "3.1"},              # 中等收入群体
    # Same sentence, "据统计" only. Printed "1 万美元以上": qualifier "以上". 人均生产总值
    {"value_text": "1 万美元", "value": "1", "section": "3.1"},
    # No source named. Qualifier "超过". 英伟达市值缩水
    {"value_text": "5500 亿美元", "value": "5500", "section": "3.2"},
    # Source named: "根据国务院等相关机构发布的报告" (covers the whole sentence, 2024 年上半年)
    {"value_text": "1.42 万亿元人民币", "value": "1.42", "section": "3.3"},  # 可数字化交付的服务进出口规模
    {"value_text": "3.7%", "value": "3.7", "section": "3.3"},              # its growth
    {"value_text": "1.22 万亿元人民币", "value": "1.22", "section": "3.3"},  # 跨境电商进出口规模
    {"value_text": "10.5%", "value": "10.5", "section": "3.3"},            # its growth
    {"value_text": "40 亿美元", "value": "40", "section": "3.3"},          # 网络文学出口市场规模, "突破"
    {"value_text": "166.7 亿美元", "value": "166.7", "section": "3.3"},    # 数字游戏出口收入
    # Source named: "根据国务院的数据" (2023 年)
    {"value_text": "77.5%", "value": "77.5", "section": "3.3"},            # 互联网普及率
    {"value_text": "22.4%", "value": "22.4", "section": "3.3"},            # 数据生产总量增长
    {"value_text": "6165 亿元", "value": "6165", "section": "3.3"},        # 云计算的市场规模
    {"value_text": "35.5%", "value": "35.5", "section": "3.3"},            # its growth
    # No source named. TikTok restriction postponed by Trump on his first day in office.
    {"value_text": "90 天", "value": "90", "section": "3.4"},
    # Source named: "据国家统计局服务进出口分类金额(2023)"; unit printed "亿元(人民币，下同)"
    {"value_text": "1216.8 亿元", "value": "1216.8", "section": "4"},      # 保险服务进口额
    {"value_text": "501.2 亿元", "value": "501.2", "section": "4"},        # 保险服务出口额
    {"value_text": "2994.3 亿元", "value": "2994.3", "section": "4"},      # 知识产权进口额
    {"value_text": "773.3 亿元", "value": "773.3", "section": "4"},        # 知识产权出口额
    # No source named. Tariff on Chinese goods, order signed 2025-02-01.
    {"value_text": "10%", "value": "10", "section": "4.2"},
]

_MOFCOM = "中华人民共和国商务部 2023 年发布的《数字贸易发展与合作报告》"
_STATE_COUNCIL_REPORT = "国务院等相关机构发布的报告"
_STATE_COUNCIL_DATA = "国务院的数据"
_NBS = "国家统计局服务进出口分类金额(2023)"

# value_text -> details. source_zh is the verbatim source phrase, or None when the text names
# none ("据统计" is recorded in `attribution_zh` but is not a named source).
STATISTIC_DETAILS = {
    "3710.78 亿美元": {"unit_zh": "亿美元", "qualifier_zh": None, "source_zh": _MOFCOM,
                      "about": "China digital service trade total, 2022"},
    "3.2%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": _MOFCOM,
             "about": "year-on-year growth of the 2022 total"},
    "14 亿人": {"unit_zh": "亿人", "qualifier_zh": "超过", "source_zh": None,
               "about": "China population"},
    "4 亿人": {"unit_zh": "亿人", "qualifier_zh": "超过", "source_zh": None, "attribution_zh": "据统计",
              "about": "China middle-income group"},
    "1 万美元": {"unit_zh": "万美元", "qualifier_zh": "以上", "source_zh": None, "attribution_zh": "据统计",
               "about": "China GDP per capita"},
    "5500 亿美元": {"unit_zh": "亿美元", "qualifier_zh": "超过", "source_zh": None,
                  "about": "Nvidia market value loss after DeepSeek-R1"},
    "1.42 万亿元人民币": {"unit_zh": "万亿元人民币", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_REPORT,
                     "about": "digitally deliverable services imports+exports, 2024 H1"},
    "3.7%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_REPORT,
             "about": "growth of digitally deliverable services trade, 2024 H1"},
    "1.22 万亿元人民币": {"unit_zh": "万亿元人民币", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_REPORT,
                     "about": "cross-border e-commerce imports+exports, 2024 H1"},
    "10.5%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_REPORT,
              "about": "growth of cross-border e-commerce, 2024 H1"},
    "40 亿美元": {"unit_zh": "亿美元", "qualifier_zh": "突破", "source_zh": _STATE_COUNCIL_REPORT,
                "about": "online literature export market size"},
    "166.7 亿美元": {"unit_zh": "亿美元", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_REPORT,
                   "about": "self-developed digital games export revenue"},
    "77.5%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_DATA,
              "about": "China internet penetration, 2023"},
    "22.4%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_DATA,
              "about": "growth of total data production, 2023"},
    "6165 亿元": {"unit_zh": "亿元", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_DATA,
                "about": "cloud computing market size, 2023"},
    "35.5%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": _STATE_COUNCIL_DATA,
              "about": "growth of cloud computing market, 2023"},
    "90 天": {"unit_zh": "天", "qualifier_zh": None, "source_zh": None,
             "about": "postponement of the TikTok restriction plan"},
    "1216.8 亿元": {"unit_zh": "亿元", "qualifier_zh": None, "source_zh": _NBS,
                  "about": "insurance services imports, 2023 (RMB)"},
    "501.2 亿元": {"unit_zh": "亿元", "qualifier_zh": None, "source_zh": _NBS,
                 "about": "insurance services exports, 2023 (RMB)"},
    "2994.3 亿元": {"unit_zh": "亿元", "qualifier_zh": None, "source_zh": _NBS,
                  "about": "intellectual property imports, 2023 (RMB)"},
    "773.3 亿元": {"unit_zh": "亿元", "qualifier_zh": None, "source_zh": _NBS,
                 "about": "intellectual property exports, 2023 (RMB)"},
    "10%": {"unit_zh": "%", "qualifier_zh": None, "source_zh": None,
            "about": "additional US tariff on Chinese goods (order of 2025-02-01)"},
}

# Numbers deliberately NOT in STATISTICS, with the reason (borderline cases flagged).
STATISTICS_EXCLUDED = {
    # BORDERLINE: a number with a unit, but it is the sample size of a cited study ([13]),
    # not a statistic about the world. Section "2".
    "36 个国家": "sample of the panel study by Xiaoyan Su 等 [13] (methodology, not a world figure)",
    "2005~2014 年间": "years used as a date range",
    "三个渠道": "word numeral in a cited finding ([8]); not a figure",
}

# NBS 2023 figures of section 4 (亿元, RMB). Sector names as printed ("保险服务进口额",
# "知识产权进口额"); the text says 知识产权, not the NBS category name 知识产权使用费.
TRADE_FIGURES_2023 = {
    ("保险服务", "imports"): "1216.8",
    ("保险服务", "exports"): "501.2",
    ("知识产权", "imports"): "2994.3",
    ("知识产权", "exports"): "773.3",
}
TRADE_FIGURES_2023_UNIT = "亿元"          # "(人民币，下同)"
TRADE_FIGURES_2023_SOURCE = _NBS

# --------------------------------------------------------------------------------------------
# Documents, government actions, cases
# --------------------------------------------------------------------------------------------

# Every title inside 《》, in order of appearance, without the brackets.
DOCUMENTS = [
    "数字贸易发展与合作报告",                          # section 3, 中华人民共和国商务部, 2023
    "中共中央关于进一步全面深化改革、推进中国式现代化的决定",  # 3.1
    "中华人民共和国电子商务法",                        # 4.1 ②
    "中华人民共和国数据安全法",                        # 4.1 ② (title crosses a line break)
    "数字欧洲计划",                                  # 5.2, 欧盟, 2018
]
# Other documents named without 《》 (not in DOCUMENTS): "党的二十大报告" (section 1).

# Government actions the text names, with the date the text gives (ISO; year-only as "YYYY")
# or None. `action_zh` is verbatim.
NAMED_ACTIONS = [
    {"actor_zh": "中华人民共和国商务部", "action_zh": "2023 年发布的《数字贸易发展与合作报告》",
     "date": "2023", "section": "3"},
    {"actor_zh": "习近平总书记", "action_zh": "在党的二十大报告中指出",
     "date": None, "section": "1"},  # a statement rather than a measure; no date given
    # 3.1: the Decision is given as an example of policies issued ("出台") by the government;
    # the text names no date and no issuing body other than the title itself.
    {"actor_zh": "我国政府", "action_zh": "出台了很多支持数字服务贸易发展的政策",
     "date": None, "section": "3.1"},
    {"actor_zh": "美国政府", "action_zh": "以保护自身数字化的安全为由设立了市场壁垒",
     "date": None, "section": "3.4"},  # against TikTok
    # "上任美国总统首日" (his first day in office): the text gives no calendar date.
    {"actor_zh": "特朗普", "action_zh": "上任美国总统首日便将对 TikTok 的限制计划推迟了 90 天",
     "date": None, "section": "3.4"},
    {"actor_zh": "我国", "action_zh": "出台了《中华人民共和国电子商务法》《中华人民共和国数据安全法》等多部法律",
     "date": None, "section": "4.1"},
    {"actor_zh": "特朗普", "action_zh": "在 2025 年 2 月 1 日签署对中国商品在现有基础上加征 10%的关税的政令",
     "date": "2025-02-01", "section": "4.2"},
    {"actor_zh": "美国相关机关", "action_zh": "以安全与道德为由禁止使用 DeepSeek",
     "date": None, "section": "4.2"},
    # Printed "于 2018 公布" (no 年).
    {"actor_zh": "欧盟", "action_zh": "于 2018 公布了《数字欧洲计划》",
     "date": "2018", "section": "5.2"},
]
# Not included (actor unnamed): 5G "在部分国家遭到禁止" (4.2 ②).

# Dated events by companies (not government actions).
DATED_EVENTS = [
    {"actor_zh": "幻方量化", "event_zh": "2025 年 1 月 20 日幻方量化旗下 AI 公司推出了 DeepSeek-R1 模型",
     "date": "2025-01-20", "section": "3.2"},
    # Year not printed ("1 月 30 日"); context implies 2025.
    {"actor_zh": "微软", "event_zh": "微软在 1 月 30 日也将此模型部署到自己的 Azure 云服务上",
     "date": None, "date_text": "1 月 30 日", "section": "3.2"},
]

# Companies / products / events used as examples (verbatim as printed).
CASES = [
    "DeepSeek",          # 3.2 (AI system by a Chinese company), 4.2 ① (banned by US agencies)
    "DeepSeek-R1",       # 3.2
    "幻方量化",           # 3.2 parent of the AI company that released DeepSeek-R1
    "苹果",              # 3.2 "美国苹果 App Store"
    "App Store",         # 3.2
    "英伟达",             # 3.2 (market value fell > 5500 亿美元)
    "NIM 微服务预览版",    # 3.2
    "微软",              # 3.2
    "Azure",             # 3.2 "Azure 云服务"
    "OpenAI",            # 3.2
    "字节跳动",           # 3.4
    "TikTok",            # 3.4
    "Facebook",          # 4.1 ③
    "Libra",             # 4.1 ③ "加密货币 Libra (现 Diem)"
    "Diem",              # 4.1 ③
    "5G",                # 4.2 ② "电信领域的 5G 技术"
]
# The examples the argument actually rests on (subset of CASES).
CASES_PRIMARY = ["DeepSeek", "DeepSeek-R1", "TikTok", "Facebook", "Libra", "5G"]
# Events used as examples (verbatim phrases).
CASE_EVENTS = [
    "英伟达市值缩水超过 5500 亿美元",   # 3.2
    "中美之间的贸易摩擦",               # 4.2 ② (exposed China's chip problem)
]
# Persons named in the running text (not cited authors).
PERSONS = ["习近平", "奥尔特曼", "特朗普", "Xiaoyan Su"]
# Organisations / bodies named as sources or actors.
ORGANISATIONS = ["中华人民共和国商务部", "国务院", "国家统计局", "欧盟", "美国政府", "美国相关机关"]
# Countries / regions used as comparisons: 欧美, 美国, 日本, 印度 (5.3: 软件外包), 欧盟.

# --------------------------------------------------------------------------------------------
# Countermeasure -> barrier links
# --------------------------------------------------------------------------------------------
# Strict: explicit only if the countermeasure's text names the problem it answers.
#
# 5.1 -> 4.1 ② 法律法规建设壁垒
#   5.1: "针对数字服务贸易存在法律法规欠缺等问题，我国需要健全法律法规"
#   4.1②: "我国在数字服务贸易方面的法律建设不够完善"
# This is the only "针对 <problem>" construction in section 5.
EXPLICIT_LINKS = {
    ("5.1", "法律法规建设壁垒"),
}
EXPLICIT_LINKS_BY_KEY = {("5.1", "4.1②")}

# Interpretive links a careful reader would accept. Quote pairs (countermeasure / barrier):
PLAUSIBLE_LINKS = {
    # 5.2 / 4.1①: "我国需要促进数字金融、数字化交付等数字服务的创新性发展"
    #            / "在数字技术领域创新力依旧不足，缺乏创新力与自主创新意识"
    ("5.2", "数字技术创新能力壁垒"),
    # 5.2 / 4.2②: "增强全球对中国品牌与标准的信任度"
    #            / "技术条件的不同也是其不被认可的一大因素"
    ("5.2", "全球数字技术壁垒"),
    # 5.3 / 4.1①: "通过合作研发的方式，加快我国数字化技术水平的创新发展"
    #            / "在数字技术领域创新力依旧不足"
    ("5.3", "数字技术创新能力壁垒"),
    # 5.3 / 4.2②: "学习其监督管理与标准化模式"
    #            / "不同国家技术标准的不统一增加了我国企业进行数字服务贸易的风险与成本"
    ("5.3", "全球数字技术壁垒"),
    # 5.4 / 4.1①: "企业应加强与高校的深入合作，将论文、科研等新的研究成果投入实践"
    #            / "数字技术专利及相关科研成果难以转化为实际数字服务产品，科研与实际生产存在壁垒"
    #   (also 4.1① praises the West: "其校企合作程度极高，便于将创新理论付诸实践")
    ("5.4", "数字技术创新能力壁垒"),
    # 5.5 / 4.2③: "部分企业为保护数字贸易知识产权，可以提前进行海外专利的申请，其降低了国际侵权的风险"
    #            / "从而产生泄密或盗用的风险"
    #   Near-explicit (5.5 names the risk it lowers) but never says which barrier it answers.
    ("5.5", "世界知识产权壁垒"),
    # 5.1 / 4.1③: "从而对数据安全、个人隐私进行全方位保护"
    #            / "在跨领域合作中，用户的隐私也难以得到保障" ... "急需相关权益保护来促进数据的跨领域安全性"
    ("5.1", "跨界合作壁垒"),
    # 5.1 / 4.2①: "通过签订更多的双边和多边贸易协定，各国可以进一步降低数字贸易壁垒"
    #            / "设有差异化的市场准入条款"
    ("5.1", "国际市场准入壁垒"),
    # 5.1 / 4.2③: "可以使知识产权隐私与数据安全得到严格的保护"
    #            / "知识产权对隐私及版权要求极为严格"
    ("5.1", "世界知识产权壁垒"),
}
# Quote pairs for PLAUSIBLE_LINKS (all verbatim, verified).
PLAUSIBLE_LINK_QUOTES = {
    ("5.2", "数字技术创新能力壁垒"): ("我国需要促进数字金融、数字化交付等数字服务的创新性发展",
                                "在数字技术领域创新力依旧不足，缺乏创新力与自主创新意识"),
    ("5.2", "全球数字技术壁垒"): ("增强全球对中国品牌与标准的信任度",
                              "技术条件的不同也是其不被认可的一大因素"),
    ("5.3", "数字技术创新能力壁垒"): ("通过合作研发的方式，加快我国数字化技术水平的创新发展",
                                "在数字技术领域创新力依旧不足"),
    ("5.3", "全球数字技术壁垒"): ("学习其监督管理与标准化模式",
                              "不同国家技术标准的不统一增加了我国企业进行数字服务贸易的风险与成本"),
    ("5.4", "数字技术创新能力壁垒"): ("企业应加强与高校的深入合作，将论文、科研等新的研究成果投入实践",
                                "数字技术专利及相关科研成果难以转化为实际数字服务产品，科研与实际生产存在壁垒"),
    ("5.5", "世界知识产权壁垒"): ("部分企业为保护数字贸易知识产权，可以提前进行海外专利的申请，其降低了国际侵权的风险",
                              "从而产生泄密或盗用的风险"),
    ("5.1", "跨界合作壁垒"): ("从而对数据安全、个人隐私进行全方位保护",
                          "在跨领域合作中，用户的隐私也难以得到保障"),
    ("5.1", "国际市场准入壁垒"): ("通过签订更多的双边和多边贸易协定，各国可以进一步降低数字贸易壁垒",
                              "设有差异化的市场准入条款"),
    ("5.1", "世界知识产权壁垒"): ("可以使知识产权隐私与数据安全得到严格的保护",
                              "知识产权对隐私及版权要求极为严格"),
}
# Doubtful, NOT accepted: 5.3 (international cooperation) -> 4.1③ 跨界合作壁垒. They share the word
# 合作 and sit in the same position of the abstract's parallel lists ("跨界合作困难" /
# "加强国际合作共赢"), but 4.1③ is about cross-sector (跨领域) cooperation at home, and 5.3 is
# about learning from / cooperating with foreign countries.
DOUBTFUL_LINKS = {("5.3", "跨界合作壁垒")}

BARRIERS_WITHOUT_EXPLICIT_COUNTERMEASURE = [
    "数字技术创新能力壁垒",
    "跨界合作壁垒",
    "国际市场准入壁垒",
    "全球数字技术壁垒",
    "世界知识产权壁垒",
]
# Section 5's intro lists the problems section 5 answers as a whole (no per-countermeasure
# mapping): "法律法规较国际落后、数字技术及创新能力较弱、人才不足及知识产权发展薄弱等问题".
# Note "人才不足" (answered by 5.4) has no matching barrier among the six in section 4.
SECTION5_PROBLEMS_TEXT = "法律法规较国际落后、数字技术及创新能力较弱、人才不足及知识产权发展薄弱等问题"

# --------------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------------

QUOTES_SAMPLE = [
    "要“创新服务贸易发展机制，发展数字贸易，加快建设贸易强国”",
    # crosses the page-332 running header (between "对数字" and "服务贸易"):
    "(2) 数字基础设施的建设对数字服务贸易的发展有着积极的推动作用",
    "2022 年我国的数字服务贸易总额为 3710.78 亿美元，同比增长 3.2%",
    # crosses the page-333 running header (between "提" and "供了"):
    "为发展数字服务贸易提供了广阔的发展前景与空间",
    "OpenAI 首席执行官奥尔特曼更是赞扬 DeepSeek“无疑是一个令人印象深刻的模型”",
    "特朗普上任美国总统首日便将对 TikTok 的限制计划推迟了 90 天",
    "特朗普在 2025 年 2 月 1 日签署对中国商品在现有基础上加征 10%的关税的政令",
    "针对数字服务贸易存在法律法规欠缺等问题，我国需要健全法律法规",
    "我国的电商可以创新打造“跨境电商 + 产业带”的数字服务贸易新模式",
    "保护好知识产权是进一步创新开展数字服务贸易的基石",
]
QUOTES_CROSSING_HEADER = [QUOTES_SAMPLE[1], QUOTES_SAMPLE[3]]
# A third header-crossing passage (page 335), not in the sample:
EXTRA_HEADER_CROSSING_QUOTE = "Facebook 与多家金融机构联合推出加密货币 Libra (现 Diem)"


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------

def _section_spans(text):
    """Start offsets of each section in the normalised text -> list of (start, section)."""
    heads = [("1", "1.引言"), ("2", "2.文献回顾"), ("3", "3.我国数字服务贸易发展的优势分析")]
    heads += [(a["section"], a["section"] + "." + a["label_zh"]) for a in ADVANTAGES]
    heads += [("4", "4.我国数字服务贸易的发展壁垒分析"),
              ("4.1", "4.1.数字服务贸易国内层面的壁垒"),
              ("4.2", "4.2.国际层面的数字服务贸易壁垒"),
              ("5", "5.我国发展数字服务贸易的对策建议")]
    heads += [(c["section"], c["section"] + "." + c["label_zh"]) for c in COUNTERMEASURES]
    spans = []
    for sec, h in heads:
        h = normalise(h)
        assert text.count(h) == 1, ("heading", h, text.count(h))
        spans.append((text.index(h), sec))
    return sorted(spans)


def section_at(offset, path=PAPER_PATH):
    """Section string containing a character offset of the normalised text ("0" = abstract)."""
    sec = "0"
    for start, s in _section_spans(_text(path)):
        if start <= offset:
            sec = s
    return sec


def _sections_of(needle, text):
    needle = normalise(needle)
    out, i = set(), text.find(needle)
    while i != -1:
        out.add(section_at(i))
        i = text.find(needle, i + 1)
    return out


class _Checks:
    """The normalised text, a count of checks made, and `check` for a verbatim string."""

    def __init__(self, path):
        self.text = _text(path)
        self.raw_nows = normalise(open(path, encoding="utf-8").read())
        self.n = 0

    def check(self, s, what):
        assert normalise(s) in self.text, (what, s)
        self.n += 1


def verify_all(path=PAPER_PATH):
    """Check every verbatim string and derived claim against the text; returns #checks."""
    checks = _Checks(path)
    for part in (
        _check_headings,
        _check_cited_works,
        _check_themes,
        _check_statistics,
        _check_documents_and_cases,
        _check_links,
        _check_quotes,
    ):
        part(checks)
    return checks.n


def _check_headings(checks):
    """The headings of advantages, barriers, countermeasures and sections, and where the barrier wording sits."""
    text, check = checks.text, checks.check
    for a in ADVANTAGES:
        check(a["section"] + ". " + a["label_zh"], "advantage heading")
    for b in BARRIERS:
        check(b["section"] + ". " + SECTION_HEADINGS[b["section"]], "barrier section")
    for key, label in BARRIER_KEYS.items():
        check(key[-1] + " " + label + "。", "barrier heading")
        assert _sections_of(key[-1] + label + "。", text) == {key[:3]}, key
    assert [BARRIER_KEYS[k] for k in sorted(BARRIER_KEYS)] == [b["label_zh"] for b in BARRIERS]
    for key, w in BARRIER_INTRO_WORDING.items():
        check(w, "barrier intro wording")
        assert _sections_of(w, text) >= {key[:3]}, (key, w)
    for c in COUNTERMEASURES:
        check(c["section"] + ". " + c["label_zh"], "countermeasure heading")
    for sec, h in SECTION_HEADINGS.items():
        check(sec + ". " + h, "section heading")


def _check_cited_works(checks):
    """Cited works: authors + [n] + year, how often each is cited, and the sections they occur in."""
    text = checks.text
    # cited works: authors + [n] + year, and the sections they occur in
    numbered = [w for w in CITED_WORKS if w["ref_number"] is not None]
    assert sorted(w["ref_number"] for w in numbered) == list(range(1, 20))
    for w in CITED_WORKS:
        a, y, r = normalise(w["authors_text"]), w["year"], w["ref_number"]
        if r is not None:
            forms = ["(%s[%d]，%d)" % (a, r, y), "(%s[%d],%d)" % (a, r, y)]
            hits = [f for f in forms if f in text]
            assert hits, ("citation", w)
            assert sum(text.count(f) for f in forms) == CITATION_COUNTS[r], ("count", w)
            assert text.count("[%d]" % r) == CITATION_COUNTS[r], ("refcount", r)
            secs = set()
            for f in hits:
                secs |= _sections_of(f, text)
        else:
            f = "%s，%d" % (a, y)
            assert f in text, ("unnumbered citation", w)
            secs = _sections_of(f, text)
        assert sorted(secs) == w["sections"], ("sections", w, secs)
        checks.n += 1


def _check_themes(checks):
    """Themes: the literature review's three theme statements and the works under each."""
    text = checks.text
    # themes: positions of theme statements in section 2
    t1 = text.index(normalise(THEME_STATEMENTS["growth"]))
    t2 = text.index(normalise(THEME_STATEMENTS["digital-infrastructure"]))
    t3 = text.index(normalise(THEME_STATEMENTS["barriers"]))
    end = text.index("综上所述")
    assert t1 < t2 < t3 < end
    names = [(t1, t2, "growth"), (t2, t3, "digital-infrastructure"), (t3, end, "barriers")]
    themes = {}
    for r in range(1, 20):
        for lo, hi, name in names:
            if "[%d]" % r in text[lo:hi]:
                themes.setdefault(r, set()).add(name)
    assert {r: sorted(v) for r, v in themes.items()} == THEME_OF_REF, themes
    for (a, y), v in THEME_OF_UNNUMBERED.items():
        i = text.index(normalise(a) + "，%d" % y)
        assert t3 < i < end and v == ["barriers"]
    checks.n += 1


def _check_statistics(checks):
    """Statistics: verbatim, the printed number, the right section, nothing missed; the 2023 trade figures."""
    text, check = checks.text, checks.check
    # statistics: verbatim, value is the printed number, section is right, nothing missed
    seen = set()
    for s in STATISTICS:
        vt = s["value_text"]
        check(vt, "statistic")
        assert vt not in seen
        seen.add(vt)
        assert normalise(vt).startswith(s["value"]), s
        assert re.fullmatch(r"\d+(\.\d+)?", s["value"]), s
        # the figure must occur in the claimed section (as a whole number, not a substring of
        # a larger one)
        pat = re.compile(r"(?<![\d.])" + re.escape(normalise(vt)))
        secs = {section_at(m.start()) for m in pat.finditer(text)}
        assert secs == {s["section"]}, (s, secs)
        d = STATISTIC_DETAILS[vt]
        assert normalise(vt).endswith(normalise(d["unit_zh"])), vt
        for k in ("source_zh", "qualifier_zh", "attribution_zh"):
            if d.get(k):
                check(d[k], "statistic detail")
        if d.get("qualifier_zh") in ("超过", "突破"):
            check(d["qualifier_zh"] + vt, "qualifier before figure")
        if d.get("qualifier_zh") == "以上":
            check(vt + "以上", "qualifier after figure")
    assert set(STATISTIC_DETAILS) == seen
    for vt in STATISTICS_EXCLUDED:
        check(vt, "excluded number")
    # completeness: every decimal number followed by a unit word is either a statistic or
    # an explicitly excluded / date-like number
    unit_re = re.compile(r"(?<![\d.\[A-Za-z-])(\d+(?:\.\d+)?)(万亿元人民币|亿美元|万美元|亿元|亿人|%|天|个国家)")
    found = {m.group(1) + m.group(2) for m in unit_re.finditer(text)}
    assert found == {normalise(v) for v in seen} | {"36个国家"}, found ^ {normalise(v) for v in seen}

    clauses = {
        ("保险服务", "imports"): "保险服务进口额为%s 亿元(人民币，下同)",
        ("保险服务", "exports"): "保险服务进口额为 1216.8 亿元(人民币，下同)，出口额为%s 亿元；",
        ("知识产权", "imports"): "；知识产权进口额为%s 亿元",
        ("知识产权", "exports"): "知识产权进口额为 2994.3 亿元，出口额为%s 亿元。",
    }
    assert set(clauses) == set(TRADE_FIGURES_2023)
    for key, v in TRADE_FIGURES_2023.items():
        check(clauses[key] % (" " + v), "trade figure clause")
        assert section_at(text.index(normalise(v) + "亿元")) == "4"
    check(TRADE_FIGURES_2023_SOURCE, "trade source")


def _check_documents_and_cases(checks):
    """Documents (exactly the 《》 titles, in order), actions, events, cases, persons, organisations."""
    text, check = checks.text, checks.check
    # documents: exactly the 《》 titles, in order
    titles = re.findall(r"《([^》]*)》", text)
    assert titles == DOCUMENTS, titles
    for d in DOCUMENTS:
        check("《" + d + "》", "document")
    for a in NAMED_ACTIONS:
        check(a["action_zh"], "action")
        check(a["actor_zh"], "actor")
        assert a["date"] is None or re.fullmatch(r"\d{4}(-\d\d-\d\d)?", a["date"]), a
        assert section_at(text.index(normalise(a["action_zh"]))) == a["section"], a
    for e in DATED_EVENTS:
        check(e["event_zh"], "event")
        assert section_at(text.index(normalise(e["event_zh"]))) == e["section"], e
    for c in CASES + CASE_EVENTS + PERSONS + ORGANISATIONS:
        check(c, "case/person/org")
    assert set(CASES_PRIMARY) <= set(CASES)


def _check_links(checks):
    """The countermeasure -> barrier links and their quotes."""
    text, check = checks.text, checks.check
    labels = {b["label_zh"] for b in BARRIERS}
    secs = {c["section"] for c in COUNTERMEASURES}
    for cm, b in EXPLICIT_LINKS | PLAUSIBLE_LINKS | DOUBTFUL_LINKS:
        assert cm in secs and b in labels, (cm, b)
    assert not (EXPLICIT_LINKS & PLAUSIBLE_LINKS)
    assert EXPLICIT_LINKS_BY_KEY == {(c, k) for c, b in EXPLICIT_LINKS
                                     for k, v in BARRIER_KEYS.items() if v == b}
    check("针对数字服务贸易存在法律法规欠缺等问题", "explicit link quote")
    # "针对" occurs 3 times: abstract (generic "针对我国数字服务贸易壁垒"), section 2 (about the
    # literature) and 5.1 - the only one inside section 5.
    assert [section_at(m.start()) for m in re.finditer("针对", text)] == ["0", "2", "5.1"]
    assert set(PLAUSIBLE_LINK_QUOTES) == PLAUSIBLE_LINKS
    for (cm, b), (qc, qb) in PLAUSIBLE_LINK_QUOTES.items():
        check(qc, "plausible quote (countermeasure)")
        check(qb, "plausible quote (barrier)")
        assert section_at(text.index(normalise(qc))) == cm, (cm, qc)
        bkey = [k for k, v in BARRIER_KEYS.items() if v == b][0]
        assert section_at(text.index(normalise(qb))) == bkey[:3], (b, qb)
    assert BARRIERS_WITHOUT_EXPLICIT_COUNTERMEASURE == [
        b["label_zh"] for b in BARRIERS if b["label_zh"] not in {x for _, x in EXPLICIT_LINKS}]
    check(SECTION5_PROBLEMS_TEXT, "section 5 problems")


def _check_quotes(checks):
    """Sample quotes, those that cross a running header, and no header furniture left in the text."""
    text, check = checks.text, checks.check
    raw_nows = checks.raw_nows
    assert len(QUOTES_SAMPLE) == 10
    for q in QUOTES_SAMPLE + list(THEME_STATEMENTS.values()) + [EXTRA_HEADER_CROSSING_QUOTE]:
        check(q, "quote")
    for q in QUOTES_CROSSING_HEADER + [EXTRA_HEADER_CROSSING_QUOTE]:
        # only found once the running header is removed
        assert normalise(q) not in raw_nows, q
    for q in QUOTES_SAMPLE:
        if q not in QUOTES_CROSSING_HEADER:
            assert normalise(q) in raw_nows, q
    # header furniture is gone
    for junk in ("王锦泽", "OpenAccess", "服务科学和管理", "doi.org", "creativecommons"):
        assert junk not in text, junk

if __name__ == "__main__":
    print("ok: %d checks passed" % verify_all())
