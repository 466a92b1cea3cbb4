"""Synthetic literature for scale benchmarks: a dskg data folder whose graph has about N triples.

Run on demand:  python benchmarks/generate.py --triples 100000 -o /tmp/dskg-100k [--seed 0]

DIR becomes a user data folder (as `dskg init DIR` makes it: DIR/entries/ and DIR/README.md)
holding one literature entry per file, DIR/entries/<id>.yaml, in the format of README.md
("Adding the literature you read"). The entries are synthetic, not real works: English and
Chinese titles and claims composed from small vocabularies of digital-trade phrases, 1-4 authors,
years 1995-2025, venues, DOIs under the test prefix 10.5555 (10.5555/dskg-synth.<n>), 1-5 claims
each about 1-2 of the shipped barriers, countermeasures and advantages. About one entry in 50
also introduces a new barrier (bar-synth-<n>) that later claims may be about.

How many entries: the average asserted triples one entry adds is measured once: a sample of
SAMPLE_ENTRIES entries is built (without reasoning) for the triples per YAML line, and
DRAWN_ENTRIES more are drawn (not written) for the lines per entry. The entry count is
(N - triples of the shipped graph) / that average.
`--per-entry X` skips the measurement. The output is deterministic for a seed (random.Random(seed),
no clock, no uuid); the entry count depends on N only. Prints the count and the estimate to stderr.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

SAMPLE_ENTRIES = 300
DRAWN_ENTRIES = 20_000
SAMPLE_SEED = 20250101
NEW_BARRIER_RATE = 1 / 50

# --- vocabularies (English, Chinese) ---------------------------------------------------------------

BARRIERS = ("bar-tech-innovation", "bar-legal-framework", "bar-cross-sector-cooperation", "bar-market-access", "bar-global-tech",
            "bar-intellectual-property")
COUNTERMEASURES = ("cm-legal-support", "cm-model-innovation", "cm-international-cooperation", "cm-talent", "cm-ip-protection")
ADVANTAGES = ("adv-market-policy", "adv-technology", "adv-industry-infrastructure", "adv-platform")
STANCES = ("supports", "disputes", "extends", "qualifies", "discusses")

# (English, Chinese, whether the English is plural)
TOPICS = (
    ("cross-border data flows", "数据跨境流动", True),
    ("barriers to digital services trade", "数字服务贸易壁垒", True),
    ("market access", "市场准入", False),
    ("data localisation", "数据本地化", False),
    ("digital services trade", "数字服务贸易", False),
    ("intellectual property protection", "知识产权保护", False),
    ("services trade restrictiveness", "服务贸易限制程度", False),
    ("digital trade rules", "数字贸易规则", True),
    ("the platform economy", "平台经济", False),
    ("digital infrastructure", "数字基础设施", False),
    ("personal information protection", "个人信息保护", False),
    ("cloud computing services", "云计算服务", True),
    ("digital talent", "数字人才", False),
    ("regulatory heterogeneity", "监管异质性", False),
    ("export technical complexity", "出口技术复杂度", False),
    ("digital economy partnership agreements", "数字经济伙伴关系协定", True),
    ("cross-border e-commerce", "跨境电子商务", False),
    ("digital services taxes", "数字服务税", True),
    ("source code disclosure requirements", "源代码披露要求", True),
    ("cybersecurity review", "网络安全审查", False),
    ("ICT services exports", "信息通信技术服务出口", True),
    ("digital technology innovation", "数字技术创新", False),
    ("digitally delivered services", "可数字化交付服务", True),
    ("data security governance", "数据安全治理", False),
    ("telecommunications liberalisation", "电信业开放", False),
    ("foreign direct investment in digital sectors", "数字领域外商直接投资", False),
    ("technology standards", "技术标准", True),
    ("online payment services", "在线支付服务", True),
)

REGIONS = (
    ("China", "中国"),
    ("the Belt and Road countries", "“一带一路”沿线国家"),
    ("RCEP members", "RCEP成员国"),
    ("OECD countries", "OECD国家"),
    ("the European Union", "欧盟"),
    ("the United States", "美国"),
    ("ASEAN", "东盟"),
    ("the Guangdong-Hong Kong-Macao Greater Bay Area", "粤港澳大湾区"),
    ("developing economies", "发展中经济体"),
    ("pilot free trade zones", "自由贸易试验区"),
    ("the Yangtze River Delta", "长三角地区"),
    ("CPTPP members", "CPTPP成员国"),
)

# title templates: (en, zh) with {a} {b} {c} topics and {r} a region
TITLES = (
    ("The Impact of {a} on {b}: Evidence from {r}", "{a}对{b}的影响研究——基于{r}的经验证据"),
    ("{a}, {b} and {c}", "{a}、{b}与{c}"),
    ("How {does} {a} Affect {b}? A Study of {r}", "{a}如何影响{b}？——以{r}为例"),
    ("{a} in {r}: Challenges and Responses", "{r}{a}：挑战与应对"),
    ("Rethinking {a} in the Era of {b}", "{b}背景下的{a}再思考"),
    ("Measuring {a}: An Index for {r}", "{r}{a}的测度研究"),
    ("{a} and the Development of {b} in {r}", "{a}与{r}{b}发展"),
    ("{Does} {a} Promote {b}? Panel Evidence from {r}", "{a}能否促进{b}？——来自{r}的面板数据证据"),
    ("The Political Economy of {a}", "{a}的政治经济学分析"),
    ("{a} under {b}: Rules, Practice and China's Options", "{b}视角下的{a}：规则、实践与中国选择"),
)

# claim templates: (en, zh)
CLAIMS = (
    ("{a} significantly reduce{a_s} {b} in {r}.", "{a}显著抑制了{r}的{b}。"),
    ("{a} {a_is} positively associated with {b}.", "{a}与{b}呈显著正相关。"),
    ("The effect of {a} on {b} is stronger in {r} than elsewhere.", "{a}对{b}的影响在{r}更为明显。"),
    ("Improving {a} helps to lower the costs of {b}.", "完善{a}有助于降低{b}的成本。"),
    ("{r} should strengthen {a} to overcome obstacles to {b}.", "{r}应加强{a}，以突破{b}面临的障碍。"),
    ("Differences in {a} between {r} and {r2} raise the cost of {b}.", "{r}与{r2}在{a}方面的差异提高了{b}的成本。"),
    ("Once {c} {c_is} controlled for, there is no significant link between {a} and {b}.", "控制{c}后，{a}与{b}之间不存在显著关联。"),
    ("{a} shape{a_s} how {r} takes part in {b}.", "{a}影响{r}参与{b}的方式。"),
    ("Stricter rules on {a} raise compliance costs for firms engaged in {b}.", "更严格的{a}规则提高了从事{b}企业的合规成本。"),
    ("Coordinating {a} with {r2} would expand {b} in {r}.", "与{r2}协调{a}将扩大{r}的{b}。"),
    ("{a} {a_has} become the main constraint on {b} in {r}.", "{a}已成为制约{r}{b}的主要因素。"),
    ("The gains from {a} depend on the level of {b}.", "{a}的收益取决于{b}的水平。"),
)

# new barriers: (English name, Chinese name, whether the English is plural; None: as the topic)
BARRIER_NAMES = (
    ("{a} restrictions in {r}", "{r}{a}限制", True),
    ("fragmented rules on {a}", "{a}规则碎片化", True),
    ("insufficient {a}", "{a}不足", None),
    ("unilateral measures of {r} on {a}", "{r}针对{a}的单边措施", True),
)

WESTERN_FAMILY = (
    "Smith", "Müller", "García", "Nordås", "Rouzet", "van der Marel", "Ferracane", "López González", "Ferencz", "Mattoo",
    "Meltzer", "Aaronson", "Burri", "Chander", "Goldfarb", "Tucker", "Hoekman", "Sauvé", "Schmidt", "Dubois",
    "Rossi", "Kowalski", "Johansson", "Andersen", "Tanaka", "Kim", "Park", "Nguyen", "Singh", "Okafor",
    "Peterson", "Weber", "Fischer", "Martin", "Bernard", "Costa", "Silva", "O'Brien", "Murphy", "Novak",
)
WESTERN_GIVEN = (
    "Anna", "Hildegunn Kyvik", "Dorothée", "Erik", "Martina Francesca", "Javier", "Janos", "Aaditya", "Joshua Paul", "Susan Ariel",
    "Mira", "Anupam", "Avi", "Catherine", "Bernard", "Pierre", "Laura", "Marco", "Katarzyna", "Lars",
    "Sofia", "Hiroshi", "Ji-won", "Minh", "Priya", "Chinedu", "Thomas", "Julia", "Lukas", "Claire",
    "Rafael", "Beatriz", "Sean", "Aoife", "Petra", "David", "Elena", "Jonas", "Ingrid", "Matteo",
)
CHINESE_FAMILY = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"),
    ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"), ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"), ("林", "Lin"),
    ("何", "He"), ("郭", "Guo"), ("马", "Ma"), ("罗", "Luo"), ("梁", "Liang"), ("宋", "Song"), ("郑", "Zheng"), ("谢", "Xie"),
    ("韩", "Han"), ("唐", "Tang"), ("冯", "Feng"), ("于", "Yu"), ("董", "Dong"), ("姚", "Yao"), ("沈", "Shen"), ("欧阳", "Ouyang"),
)
CHINESE_GIVEN = (
    ("念", "nian"), ("利", "li"), ("亭", "ting"), ("锦", "jin"), ("泽", "ze"), ("伟", "wei"), ("芳", "fang"), ("娜", "na"),
    ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("华", "hua"), ("建", "jian"), ("国", "guo"), ("晓", "xiao"), ("宇", "yu"), ("欣", "xin"),
    ("思", "si"), ("嘉", "jia"), ("慧", "hui"), ("博", "bo"), ("文", "wen"), ("海", "hai"), ("梦", "meng"), ("雪", "xue"),
)

EN_VENUES = {
    "article": ("The World Economy", "Journal of International Economics", "World Trade Review", "Review of World Economics",
                "Telecommunications Policy", "Journal of World Trade", "International Economics", "Information Economics and Policy",
                "Journal of International Economic Law", "China Economic Review"),
    "report": ("OECD Trade Policy Papers", "WTO Staff Working Paper", "ECIPE Policy Brief", "World Bank Policy Research Working Paper",
               "UNCTAD Digital Economy Report", "DTE Working Paper"),
    "conference-paper": ("Proceedings of the International Conference on Electronic Business",
                         "Proceedings of the Pacific Asia Conference on Information Systems"),
    "chapter": ("Handbook of Digital Trade", "Big Data and Global Trade Law"),
    "book": ("Cambridge University Press", "Edward Elgar Publishing", "Oxford University Press", "Routledge"),
    "thesis": ("University of Geneva", "London School of Economics and Political Science", "Tsinghua University"),
}
ZH_VENUES = {
    "article": ("国际贸易问题", "国际经贸探索", "世界经济研究", "国际贸易", "经济学家", "中国流通经济", "广东财经大学学报",
                "服务科学和管理", "国际商务研究", "亚太经济", "经济纵横", "商业经济研究"),
    "report": ("商务部国际贸易经济合作研究院研究报告", "中国信息通信研究院白皮书"),
    "conference-paper": ("中国数字经济发展论坛论文集",),
    "chapter": ("数字贸易发展报告",),
    "book": ("中国商务出版社", "社会科学文献出版社", "经济科学出版社"),
    "thesis": ("对外经济贸易大学", "上海财经大学", "南开大学", "中国人民大学"),
}
TYPES = ("article",) * 12 + ("report",) * 3 + ("conference-paper", "chapter", "book", "thesis")

SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "under", "with"}


# --- composing ----------------------------------------------------------------------------------


def _title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(w if (i and w in SMALL_WORDS) or not w[:1].islower() else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split()) or "anon"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


class Corpus:
    """Draws synthetic entries one after another from one random.Random."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.new_barriers: list[str] = []

    def _topics(self, k: int) -> list[tuple[str, str, bool]]:
        return self.rng.sample(TOPICS, k)

    def _regions(self, k: int) -> list[tuple[str, str]]:
        return self.rng.sample(REGIONS, k)

    def _fill(self, template: tuple[str, str]) -> tuple[str, str]:
        (a, b, c), (r, r2) = self._topics(3), self._regions(2)
        does = "Do" if a[2] else "Does"
        en = template[0].format(a=a[0], b=b[0], c=c[0], r=r[0], r2=r2[0], a_s="" if a[2] else "s", a_is="are" if a[2] else "is",
                                a_has="have" if a[2] else "has", c_is="are" if c[2] else "is", does=does, Does=does)
        zh = template[1].format(a=a[1], b=b[1], c=c[1], r=r[1], r2=r2[1])
        return en, zh

    def _authors(self, language: str) -> tuple[list[str], str]:
        """Author names as the work prints them, and the first author's family name for the id."""
        rng = self.rng
        count = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        names, family_slug = [], ""
        chinese = language == "zh" or rng.random() < 0.35
        for i in range(count):
            if chinese:
                fam_zh, fam_py = rng.choice(CHINESE_FAMILY)
                given = [rng.choice(CHINESE_GIVEN) for _ in range(rng.choice((1, 2, 2, 2)))]
                given_zh = "".join(g[0] for g in given)
                given_py = "".join(g[1] for g in given).capitalize()
                names.append(fam_zh + given_zh if language == "zh" else f"{fam_py}, {given_py}")
                family = fam_py
            else:
                family = rng.choice(WESTERN_FAMILY)
                names.append(f"{family}, {rng.choice(WESTERN_GIVEN)}")
            if i == 0:
                family_slug = _slug(family)
        return names, family_slug

    def _about(self) -> list[str]:
        rng = self.rng
        ids: list[str] = []
        for _ in range(rng.choice((1, 1, 2))):
            kind = rng.random()
            if kind < 0.5:
                pick = rng.choice(self.new_barriers) if self.new_barriers and rng.random() < 0.2 else rng.choice(BARRIERS)
            elif kind < 0.8:
                pick = rng.choice(COUNTERMEASURES)
            else:
                pick = rng.choice(ADVANTAGES)
            if pick not in ids:
                ids.append(pick)
        return ids

    def entry(self, n: int) -> tuple[str, str]:
        """Entry number n (1-based): its id and its YAML text."""
        rng = self.rng
        language = "zh" if rng.random() < 0.45 else "en"
        kind = rng.choice(TYPES)
        year = rng.randint(1995, 2025)
        authors, family = self._authors(language)
        entry_id = f"synth-{family}-{year}-{n}"
        title_en, title_zh = self._fill(rng.choice(TITLES))
        venue = rng.choice((ZH_VENUES if language == "zh" else EN_VENUES)[kind])
        lines = [
            "# Synthetic entry made by benchmarks/generate.py for scale benchmarks; not a real work.",
            f"id: {entry_id}",
            f"type: {kind}",
            "title:",
        ]
        if language == "zh":
            lines.append(f"  zh: {_q(title_zh)}")
        lines.append(f"  en: {_q(_title_case(title_en))}")
        lines += [
            f"authors: [{', '.join(_q(a) for a in authors)}]",
            f"year: {year}",
            f"language: {language}",
            f"venue: {_q(venue)}",
        ]
        first_page = rng.randint(1, 180)
        if kind == "article":
            lines += [f'volume: "{max(1, year - 1990 + rng.randint(0, 20))}"', f'issue: "{rng.randint(1, 12)}"',
                      f'pages: "{first_page}-{first_page + rng.randint(8, 30)}"']
        lines.append(f'doi: "10.5555/dskg-synth.{n}"')

        barrier = None
        if rng.random() < NEW_BARRIER_RATE:
            barrier = f"bar-synth-{len(self.new_barriers) + 1}"
        lines.append("claims:")
        for number in range(rng.randint(1, 5)):
            about = self._about()
            if barrier and number == 0:
                about = [barrier]
            en, zh = self._fill(rng.choice(CLAIMS))
            lines += [f"  - about: [{', '.join(about)}]", f"    stance: {rng.choice(STANCES)}", "    text:"]
            if language == "zh":
                lines.append(f"      zh: {_q(zh)}")
            lines.append(f"      en: {_q(_sentence(en))}")
            if rng.random() < 0.6:
                quote = "研究发现，" + zh if language == "zh" else "We find that " + _lower_first(en)
                lines.append(f"    quote: {_q(quote)}")
                if rng.random() < 0.5:
                    lines.append(f'    page: "{first_page + rng.randint(0, 8)}"')
        if barrier:
            name = rng.choice(BARRIER_NAMES)
            (a, b), (r, r2) = self._topics(2), self._regions(2)
            name_en, name_zh = name[0].format(a=a[0], r=r[0]), name[1].format(a=a[1], r=r[1])
            plural = a[2] if name[2] is None else name[2]
            label_en, label_zh = "Barrier of " + name_en, name_zh + "壁垒"
            if language == "zh":
                quote = f"{name_zh}制约了{r2[1]}的{b[1]}。"
            else:
                quote = f"{_sentence(name_en)} hold{'' if plural else 's'} back {b[0]} in {r2[0]}."
            lines += [
                "barriers:",
                f"  - id: {barrier}",
                f"    label_en: {_q(label_en)}",
                f"    label_zh: {_q(label_zh)}",
                "    label_zh_verbatim: false",
                f"    level: {rng.choice(('international', 'domestic'))}",
                f"    quotes: [{_q(quote)}]",
            ]
            self.new_barriers.append(barrier)
        return entry_id, "\n".join(lines) + "\n"


# --- output -------------------------------------------------------------------------------------


def _prepare(folder: Path, force: bool) -> Path:
    try:
        from dskg.intake import init_data_dir
    except ImportError:  # run from a checkout without dskg installed
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
        from dskg.intake import init_data_dir
    entries = folder / "entries"
    if entries.is_dir():
        if force:
            for old in entries.glob("synth-*.yaml"):
                old.unlink()
        if any(entries.iterdir()):
            raise SystemExit(f"{entries} is not empty. Fix: choose a new folder (or --force to replace earlier synthetic entries).")
    try:
        return init_data_dir(folder)
    except Exception as exc:  # dskg's UsageError: a file, or a non-empty folder that is no data folder
        raise SystemExit(str(exc)) from None


def write_corpus(folder: Path, count: int, seed: int) -> None:
    """Write `count` entries into folder/entries/ (the folder must exist)."""
    corpus = Corpus(seed)
    entries = folder / "entries"
    for n in range(1, count + 1):
        entry_id, text = corpus.entry(n)
        with open(entries / f"{entry_id}.yaml", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def _lines(texts) -> int:
    return sum(text.count("\n") for text in texts)


def measure(sample: int = SAMPLE_ENTRIES, drawn: int = DRAWN_ENTRIES) -> tuple[int, float]:
    """Asserted triples of the shipped graph, and the average asserted triples one entry adds.

    Entries differ a lot in size (1-5 claims), so the built sample gives triples per YAML line,
    which varies little, and a larger drawn (not built) sample gives the lines per entry.
    """
    import dskg
    from dskg.intake import init_data_dir

    base = dskg.build(reason=False)
    base_total = len(base)
    with tempfile.TemporaryDirectory(prefix="dskg-sample-") as tmp:
        folder = init_data_dir(Path(tmp) / "sample")
        write_corpus(folder, sample, SAMPLE_SEED)
        added = len(dskg.build(folder, reason=False)) - base_total
        sample_lines = _lines(p.read_text(encoding="utf-8") for p in (folder / "entries").iterdir())
    if added <= 0:
        raise SystemExit("the sample entries added no triples: is the entry format still the one dskg reads?")
    corpus = Corpus(SAMPLE_SEED + 1)
    lines_per_entry = _lines(corpus.entry(n)[1] for n in range(1, drawn + 1)) / drawn
    return base_total, added / sample_lines * lines_per_entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="total triples wanted (asserted: ontology + base data + entries)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="data folder to create (as `dskg init`)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-entry", type=float, default=None, help="triples per entry (skips the sample build); with it, --base-triples")
    parser.add_argument("--base-triples", type=int, default=4300, help="triples of the shipped graph, used with --per-entry")
    parser.add_argument("--force", action="store_true", help="replace synthetic entries an earlier run left in the folder")
    args = parser.parse_args(argv)

    folder = _prepare(args.output, args.force)
    start = time.perf_counter()
    if args.per_entry:
        base_total, per_entry = args.base_triples, args.per_entry
    else:
        base_total, per_entry = measure()
    measured = time.perf_counter() - start
    count = max(1, round((args.triples - base_total) / per_entry))
    start = time.perf_counter()
    write_corpus(folder, count, args.seed)
    written = time.perf_counter() - start
    estimate = base_total + round(count * per_entry)
    print(f"{count} entries in {folder / 'entries'} (seed {args.seed}); estimated {estimate} triples "
          f"({base_total} shipped + {per_entry:.1f} per entry; {args.triples} requested); "
          f"measured in {measured:.1f} s, written in {written:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
