"""Reading entry files within bounds (issue 17): no entry file crashes or hangs `dskg validate FILE`
or `dskg add FILE`. Each bad one is refused with an exit code, no traceback, the user's file and
line, the field, and the fix in words; the data folder is left as it was; no message shows more
than a few hundred characters of a value.

The inputs are those of the issue's attack, rebuilt from the README's entry example: an id too
long for a file name, YAML nested hundreds deep, control characters, alias bombs, special files,
empty entries, a title in a language the graph does not keep, a year that is not a year.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dskg import intake
from dskg.cli import app
from dskg.entries import Entry, read_entries

runner = CliRunner()

ENTRY = """\
id: nordas-rouzet-2017
type: article
title: {en: "The Impact of Services Trade Restrictiveness on Trade Flows"}
authors: ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"]
year: 2017
language: en
claims:
  - about: [bar-market-access]
    stance: supports
    text: {en: "Services trade restrictions are associated with lower imports and exports of services."}
"""
MODEL_ONLY = "the model's checks and wording: no speed trick touches them"
READ_ONLY = "refused as the file is read, before any speed trick: the same on both paths"
RUAMEL_BOTH = "the fast path leaves a text past the bounds to ruamel's composer, as the reference path reads every text"
EMPTY_BOTH = "an empty text reads as nothing on both paths (test_fastyaml holds the two readers equal)"
ID_RULE = "an id is lowercase letters a-z, digits and hyphens, starting with a letter or digit, at most 100 characters"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return intake.init_data_dir(tmp_path_factory.mktemp("bounds") / "my-data")


def _state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".dskg.lock"}


def _refused(path: Path, folder: Path, code: int, *needles: str) -> str:
    """Run `dskg validate FILE` and `dskg add FILE --data FOLDER`: both refuse the file with `code`,
    every needle in the message, no traceback, nothing written. Returns add's output."""
    output = ""
    for command in (["validate", str(path)], ["add", str(path), "--data", str(folder)]):
        before = _state(folder)
        result = runner.invoke(app, command)
        output = result.output
        assert result.exit_code == code, f"{command[0]}: {output}"
        assert isinstance(result.exception, SystemExit) and "Traceback" not in output, output
        for needle in needles:
            assert needle in output, f"{command[0]}: {needle!r} not in {output}"
        assert max(map(len, output.splitlines())) < 1000, "a message shows a value at length"
        assert _state(folder) == before, f"{command[0]} changed the data folder"
    return output


def _entry(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- 1. ids: a length a file name can hold, and the rule in words wherever an id is checked ------


@pytest.mark.fast_path_only(MODEL_ONLY)
def test_an_id_too_long_for_a_file_name_is_refused_by_validate_and_add_alike(tmp_path, folder):
    path = _entry(tmp_path, "long-id.yaml", ENTRY.replace("nordas-rouzet-2017", "a" * 300))
    _refused(path, folder, 1, "long-id.yaml:1:", " id: the id is 300 characters long", f"Fix: shorten it: {ID_RULE}")


@pytest.mark.fast_path_only(MODEL_ONLY)
@pytest.mark.parametrize(
    "old, new, line, field",
    [
        ("id: nordas-rouzet-2017", "id: Nordas_2017", 1, "id"),
        ("id: nordas-rouzet-2017", "id: 2017", 1, "id"),
        ("id: nordas-rouzet-2017", "id:", 1, "id"),
        ("about: [bar-market-access]", "about: [Bar Market Access]", 8, "claims.0.about.0"),
        ("about: [bar-market-access]", "about: [bar-market-access]\n    id: [x]", 9, "claims.0.id"),
    ],
)
def test_every_bad_id_is_told_the_id_rule(tmp_path, folder, old, new, line, field):
    path = _entry(tmp_path, "bad-id.yaml", ENTRY.replace(old, new))
    _refused(path, folder, 1, f"bad-id.yaml:{line}:", f" {field}: ", ID_RULE)


@pytest.mark.fast_path_only(MODEL_ONLY)
@pytest.mark.parametrize(
    "old, new, line, field, fix",
    [
        ("type: article", "type: blog", 2, "type", "write one of them, e.g. `type: article`"),
        ("title: {en:", "title: 5 #", 3, "title", "write a mapping"),
        ('title: {en: "The Impact of Services Trade Restrictiveness on Trade Flows"}', 'title: {en: ""}', 3, "title.en", "write the text"),
        ('authors: ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"]', "authors: []", 4, "authors", "give at least 1"),
        ('authors: ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"]', "authors: [1, {a: b}]", 4, "authors.1", "write it as text"),
        ("year: 2017", "year: 2017.5", 5, "year", "write a whole number"),
        ("language: en", "language: EN", 6, "language", "write the language as a BCP 47 tag"),
        ("language: en", "language: 5", 6, "language", "write it as text"),
        ("stance: supports", "stance: loves", 9, "claims.0.stance", "write one of them, e.g. `stance: supports`"),
        ("language: en", "language: en\ntitel: x", 7, "titel", "did you mean `title`?"),
        ("language: en", "language: en\njournal: x", 7, "journal", "write it as `venue`"),  # BibTeX's name for it
        ("language: en", "language: en\nnote: [a]", 7, "note", "write it as text"),
        (ENTRY[ENTRY.index("claims:") :], "claims: x\n", 7, "claims", "write a list"),
    ],
)
def test_each_kind_of_model_error_is_worded_with_its_fix(tmp_path, folder, old, new, line, field, fix):
    path = _entry(tmp_path, "bad-field.yaml", ENTRY.replace(old, new))
    output = _refused(path, folder, 1, f"bad-field.yaml:{line}:", f" {field}: ", f"Fix: {fix}")
    for raw in ("Input should be", "String should", "List should", "Value error", "valid dictionary", "[a-z0-9]"):
        assert raw not in output, f"a model's own wording: {raw!r} in {output}"


# --- 2. nesting: refused with its line before a recursive reader overflows ----------------------


@pytest.mark.parametrize(
    "nested, line",
    [
        ("type: " + "[" * 300 + "]" * 300, 2),  # flow, ~600 bytes
        ("type: " + "[" * 100 + "]" * 100, 2),  # flow yaml-rs reads: the fast path measures what it read
        ("note:\n" + "".join("  " * i + "-\n" for i in range(1, 300)), 53),  # block, one level a line
        ("note:\n" + "- " * 300 + "x\n", 4),  # block, every level on one line
    ],
    ids=["flow", "flow-100", "block", "compact"],
)
def test_yaml_nested_hundreds_deep_is_refused_with_its_line(tmp_path, folder, nested, line):
    text = (
        ENTRY.replace("type: article", "type: article\n" + nested) if nested.startswith("note") else ENTRY.replace("type: article", nested)
    )
    path = _entry(tmp_path, "deep.yaml", text)
    _refused(path, folder, 1, f"deep.yaml:{line}:", "more than 50 deep", "Fix: write each record as a mapping of its fields")


@pytest.mark.fast_path_only("yaml-rs reads on the fast path only")
def test_nesting_deep_enough_to_crash_the_fast_reader_is_refused_in_a_process_that_lives(tmp_path):
    """yaml-rs builds block nesting by native recursion: some 100,000 levels on one line kill the
    process (a segfault, no message). A real process, since the point is that it survives."""
    path = _entry(tmp_path, "compact.yaml", ENTRY + "note:\n" + "- " * 100_000 + "x\n")
    done = subprocess.run([sys.executable, "-m", "dskg.cli", "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "compact.yaml:12:" in done.stdout and "more than 50 deep" in done.stdout


# --- 3. control characters, in every entry format ---------------------------------------------


@pytest.mark.fast_path_only(READ_ONLY)
@pytest.mark.parametrize(
    "name, content, line, column, code",
    [
        ("ctrl.yaml", ENTRY.replace("The Impact", "The Imp\x03act"), 3, 21, "0003"),
        ("nul.yaml", ENTRY.replace("Rouzet", "Rou\x00zet"), 4, 42, "0000"),
        (
            "nul.ttl",
            '@prefix dskg: <https://w3id.org/dskg/ontology#> .\n\n<https://w3id.org/dskg/id/x> dskg:n "a\x00b" .\n',
            3,
            39,
            "0000",
        ),
        ("nul.bib", "@article{roe2023,\n  title = {Services\x00 trade},\n  author = {Roe, Richard},\n  year = {2023}\n}\n", 2, 20, "0000"),
        ("del.yaml", ENTRY.replace("year: 2017", "year: 2017\x7f"), 5, 11, "007F"),
    ],
    ids=["yaml-etx", "yaml-nul", "turtle-nul", "bibtex-nul", "yaml-del"],
)
def test_a_control_character_is_refused_with_its_line_column_and_the_fix(tmp_path, folder, name, content, line, column, code):
    path = _entry(tmp_path, name, content)
    _refused(path, folder, 2, f"{name}:{line}: column {column}", f"Fix: remove the control character U+{code} at line {line}")


def test_tabs_and_windows_line_ends_are_text(tmp_path):
    path = _entry(tmp_path, "crlf.yaml", ENTRY.replace("Services trade", "Services\ttrade").replace("\n", "\r\n"))
    assert _read_cleanly(path)[0].claims[0].text["en"].startswith("Services\ttrade")


def _read_cleanly(path: Path) -> list[Entry]:
    """The entries of a file read without a problem (the reader alone: a build would add seconds)."""
    read = read_entries([path])
    assert read.problems == []
    return [entry for _, entry, _ in read.entries]


# --- 4. aliases: bounded expansion, values never shown at length -------------------------------


def _bomb(levels: int, anchor: str = "a") -> str:
    """`levels` anchors, each a list of nine aliases of the one before: 9**levels values once expanded."""
    lines = [f"{anchor}0: &{anchor}0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{anchor}{i}: &{anchor}{i} [{', '.join([f'*{anchor}{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(f"  {line}" for line in lines) + "\n"


def test_an_alias_bomb_in_type_is_refused_at_once(tmp_path, folder):
    text = "note:\n" + _bomb(9) + ENTRY.replace("type: article", "type: *a8")
    assert len(text) < 2000
    path = _entry(tmp_path, "bomb.yaml", text)
    _refused(path, folder, 1, "bomb.yaml:", "more than 20,000 values", "Fix: split the file")


def test_a_six_level_bomb_elsewhere_is_refused_without_printing_its_value(tmp_path, folder):
    path = _entry(tmp_path, "bomb6.yaml", ENTRY + "note:\n" + _bomb(6, "b") + "volume: *b5\n")
    output = _refused(path, folder, 1, "bomb6.yaml:", "more than 20,000 values")
    assert len(output) < 2000


def test_an_alias_inside_what_it_names_is_refused(tmp_path, folder):
    path = _entry(tmp_path, "loop.yaml", ENTRY + "note: &r [x, *r]\n")
    _refused(path, folder, 1, "loop.yaml:11:", "the alias *r repeats the value it is part of", "Fix: write the value out")


def test_a_small_alias_is_still_read(tmp_path):
    path = _entry(tmp_path, "alias.yaml", ENTRY.replace("language: en", "language: &lang en\nvenue: *lang"))
    assert _read_cleanly(path)[0].venue == "en"


@pytest.mark.fast_path_only(RUAMEL_BOTH)
def test_a_file_of_too_many_values_is_refused_with_the_line_where_it_passes_the_bound(tmp_path, folder):
    path = _entry(tmp_path, "many.yaml", ENTRY.replace("language: en", "language: en\nauthors:\n" + "  - x\n" * 25_000))
    _refused(path, folder, 1, "many.yaml:", "more than 20,000 values")


@pytest.mark.fast_path_only(MODEL_ONLY)
def test_a_value_shown_in_a_message_is_cut_short(tmp_path, folder):
    path = _entry(tmp_path, "long-type.yaml", ENTRY.replace("type: article", "type: " + "x" * 100_000))
    output = _refused(path, folder, 1, "long-type.yaml:2:", " type: 'xxx", "is not one of article")
    assert len(output) < 1500


@pytest.mark.fast_path_only("the screen runs on the fast path only")
@pytest.mark.parametrize("value", ["[" * 200_000 + "]", "-1" * 200_000], ids=["brackets", "dashes"])
def test_the_fast_readers_screen_reads_long_runs_in_linear_time(tmp_path, value):
    """Both once took time growing with the square of the run (minutes at 400 KB): a hang, not a refusal."""
    path = _entry(tmp_path, "run.yaml", ENTRY + f"note: '{value}'\n")
    assert _read_cleanly(path)[0].id == "nordas-rouzet-2017"


# --- 5. special files: refused before any open ---------------------------------------------------


@pytest.mark.fast_path_only(READ_ONLY)
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, folder):
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    finished = threading.Event()

    def unblock() -> None:  # should the command open the pipe and wait, a writer lets it go on (and the test fail)
        if not finished.wait(10):
            with open(pipe, "w", encoding="utf-8") as fh:
                fh.write(ENTRY)

    guard = threading.Thread(target=unblock, daemon=True)
    guard.start()
    try:
        _refused(pipe, folder, 2, "pipe.yaml: this is a named pipe, not a regular file", "Fix: give the path of an entry file")
    finally:
        finished.set()
        guard.join(15)


@pytest.mark.fast_path_only(READ_ONLY)
def test_a_device_and_a_folder_are_refused(tmp_path, folder):
    device = tmp_path / "zero.yaml"
    device.symlink_to("/dev/zero")
    _refused(device, folder, 2, "zero.yaml: this is a device, not a regular file")
    (tmp_path / "folder.ttl").mkdir()
    result = runner.invoke(app, ["validate", str(tmp_path / "folder.ttl")])
    assert result.exit_code == 2 and "folder.ttl: this is a folder, not a regular file" in result.output


# --- 6. empty entries ------------------------------------------------------------------------------


@pytest.mark.fast_path_only(EMPTY_BOTH)
@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("empty.yaml", "", "the file is empty: it holds no entry"),
        ("comments.yaml", "# an entry\n\n# to come\n", "the file is empty: it holds no entry"),
        ("list.yaml", "[]\n", "the file is empty: it holds no entry"),
        ("empty.ttl", "", "the file is empty: it states no triple"),
        (
            "blank.ttl",
            "  \n\t\n# nothing yet\n@prefix id: <https://w3id.org/dskg/id/> .\n",
            "the file is empty: it states no triple",
        ),
        ("empty.bib", "% no entry\n", "the file holds no BibTeX entry"),
    ],
)
def test_an_empty_entry_is_refused(tmp_path, folder, name, content, needle):
    path = _entry(tmp_path, name, content)
    _refused(path, folder, 1, f"{name}:1:", needle, "Fix: ")


# --- 7. languages of titles and claim texts ------------------------------------------------------


@pytest.mark.fast_path_only(MODEL_ONLY)
def test_a_title_or_claim_text_in_another_language_is_refused_not_mislabelled(tmp_path, folder):
    text = ENTRY.replace("title: {en:", "title: {fr:").replace("    text: {en:", "    text: {de:")
    path = _entry(tmp_path, "french.yaml", text)
    refused = " title.fr: a text in `fr` cannot be kept"
    output = _refused(path, folder, 1, "french.yaml:3:", refused, "Fix: write the title in English (en) or Chinese (zh)")
    assert "french.yaml:10:" in output and " claims.0.text.de: " in output and "`text: {en: ...}`" in output


@pytest.mark.fast_path_only(MODEL_ONLY)
def test_a_bibtex_entry_in_another_language_is_told_the_fix_in_bibtex(tmp_path, folder):
    bib = "@article{roe2023,\n  title = {Le commerce des services},\n  author = {Roe, Richard},\n  year = {2023},\n  language = {fr}\n}\n"
    path = _entry(tmp_path, "french.bib", bib)
    fix = "Fix: give the title in English with `language = {english}`"
    _refused(path, folder, 1, "french.bib:2:", " title.fr: a text in `fr` cannot be kept", fix)


# --- 8. years ------------------------------------------------------------------------------------


@pytest.mark.fast_path_only(MODEL_ONLY)
@pytest.mark.parametrize("value, shown", [("true", "not true"), ("99999", "not 99999"), ("-5", "not -5"), ('"soon"', "not 'soon'")])
def test_a_year_that_is_not_four_digits_is_refused_on_its_own_line(tmp_path, folder, value, shown):
    path = _entry(tmp_path, "year.yaml", ENTRY.replace("year: 2017", f"year: {value}"))
    output = _refused(path, folder, 1, "year.yaml:5:", " year: year must be a number of four digits, such as 2019", shown)
    assert "year 1 " not in output


# --- 9. a refusal names the user's file, not the curated one ----------------------------------------


@pytest.mark.fast_path_only(READ_ONLY)
def test_a_turtle_entry_changing_a_curated_barrier_is_blamed_on_itself(tmp_path, folder):
    ttl = (
        "@prefix dskg: <https://w3id.org/dskg/ontology#> .\n@prefix id: <https://w3id.org/dskg/id/> .\n"
        '@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\nid:bar-market-access skos:prefLabel "Hacked label" ;\n'
        '    dskg:level "nonsense" .\n'
    )
    output = _refused(_entry(tmp_path, "hack.ttl", ttl), folder, 1, "hack.ttl:5:")
    assert not any(line.startswith("data/") for line in output.splitlines()), output


# --- size: bytes a reader takes about a second for, triples a build takes seconds for --------------


@pytest.mark.fast_path_only(READ_ONLY)
@pytest.mark.parametrize("name", ["note.yaml", "note.ttl"])
def test_a_yaml_or_turtle_entry_past_half_a_megabyte_is_refused_unread(tmp_path, folder, name):
    text = ENTRY + "note: |\n" + ("  " + "x" * 98 + "\n") * 6000 if name.endswith(".yaml") else ("# " + "x" * 97 + "\n") * 6000
    path = _entry(tmp_path, name, text)
    size = f"{len(text.encode()):,} bytes, where an entry file holds at most 500,000 (0.5 MB)"
    _refused(path, folder, 2, f"{name}: the file is too large: {size}", "Fix: keep one work per entry file")


@pytest.mark.fast_path_only(READ_ONLY)
def test_a_turtle_entry_of_too_many_triples_is_refused_before_its_build(tmp_path, folder):
    ttl = "@prefix id: <https://w3id.org/dskg/id/> .\nid:smith-2023 id:note " + ", ".join(map(str, range(25_000))) + " .\n"
    path = _entry(tmp_path, "many.ttl", ttl)
    _refused(
        path, folder, 1, "many.ttl:1:", "the file states 25,000 triples, more than the 20,000 an entry file may state", "Fix: keep one"
    )
