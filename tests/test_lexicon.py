"""Lexicon helpers: organisations in text, and the pattern tools that keep scans fast and exact."""

import itertools
import random
import re

import pytest

from dashboard.extract.lexicon import (_OTHER_FORMS, CaseBlind, Folded, alternation,
                                       blind_branches, find_organizations,
                                       group_of, lowered, subgroup_of,
                                       tagged_by_first_letter)


def test_alternation_matches_exactly_its_words():
    rng = random.Random(7)
    words = {"".join(rng.choice("abc") for _ in range(rng.randint(1, 5))) for _ in range(60)}
    pattern = re.compile(rf"(?:{alternation(words)})\Z")
    for n in range(1, 7):
        for letters in itertools.product("abc", repeat=n):
            text = "".join(letters)
            assert bool(pattern.match(text)) == (text in words), text


def test_alternation_tries_the_longer_of_two_words_first():
    assert re.match(alternation(["in", "into"]), "into the city").group() == "into"
    assert re.match(alternation(["pull", "pull-out"]), "pull-out").group() == "pull-out"


def test_alternation_guard_follows_each_first_letter():
    pattern = re.compile(alternation(["UN", "NATO"], guard=r"(?<![\w-].)"))
    assert [m.group() for m in pattern.finditer("UN and NATO, not xUN or -NATO")] == ["UN", "NATO"]



def test_blind_branch_classes_hold_every_character_re_ignorecase_matches_to_the_letter():
    any_letter = re.compile("[a-z]", re.I)
    reached = [chr(c) for c in range(0x110000) if any_letter.fullmatch(chr(c))]
    for letter in "abcdefghijklmnopqrstuvwxyz":
        forms = {c for c in reached if re.fullmatch(letter, c, re.I)}
        assert forms == {letter, letter.upper(), *_OTHER_FORMS.get(letter, "")}, letter


@pytest.mark.parametrize("text", [
    "They SAID so", "he told them", "TOLD", "Sa\u017fid", "\u017faid it", "\u0130nsisted",
    "\u0131nsisted", "\u212aILLED", "insisted, killed", "xsaid", "said-so", "no match here",
])
def test_blind_branches_match_what_re_ignorecase_matches(text):
    words = ["said", "says", "told", "tells", "insisted", "killed", "k\\w+ed", "s(?:top|aid)"]
    blind = re.compile(rf"\b(?:{'|'.join(words)})\b", re.I)
    guard = r"(?<!\w.)"
    fast = re.compile(rf"(?:{blind_branches(words, guard=guard)})\b")
    assert [(m.span(), m.group()) for m in fast.finditer(text)] == [
        (m.span(), m.group()) for m in blind.finditer(text)]


def test_blind_branches_keep_the_order_of_one_letter_and_refuse_other_openings():
    assert re.match(blind_branches(["tell", "telling"]), "telling").group() == "tell"
    assert re.match(blind_branches(["telling", "tell"]), "TELLING").group() == "TELLING"
    for bad in (r"\d+", "(?:a|b)", "a?b"):
        with pytest.raises(ValueError):
            blind_branches([bad])



def test_tagged_by_first_letter_branches_on_letters_and_tags_each_alternative():
    assert tagged_by_first_letter(r"(?P<a>hold\s+talks|(?:flew|fly|sent)\s+to)|(?P<b>fire)",
                                  after=r"\b") == (
        r"h(?:old\s+talks\b(?P<a__0>))|f(?:(?:lew|ly)\s+to\b(?P<a__1>)|ire\b(?P<b__2>))"
        r"|s(?:(?:ent)\s+to\b(?P<a__3>))")
    assert group_of("a__3") == "a" and group_of("word") == "word"
    # a named group that is a whole alternative: its alternatives tagged with both names
    nested = tagged_by_first_letter(r"(?P<a>go|(?P<b>get|(?:run|see)\s+up))")
    assert nested == r"g(?:o(?P<a__0>)|et(?P<a__b__1>))|r(?:(?:un)\s+up(?P<a__b__2>))" \
        r"|s(?:(?:ee)\s+up(?P<a__b__3>))"
    assert [(group_of(t), subgroup_of(t)) for t in ("a__0", "a__b__1")] == [("a", ""), ("a", "b")]
    # an alternative that opens with any letters stands in every letter's branch
    assert tagged_by_first_letter(r"(?P<p>was|[a-z]{3,}ed)").startswith(
        r"w(?:as(?P<p__0>)|[a-z]{2,}ed(?P<p__1>))|a(?:[a-z]{2,}ed(?P<p__2>))|b(?:")
    for bad in (r"x|(?P<a>y)", r"(?P<a>(?:re)?deploy)", r"(?P<a>\w+)", r"(?P<a>[a-z]*ed)"):
        with pytest.raises(ValueError):
            tagged_by_first_letter(bad)


def test_tagged_by_first_letter_finds_the_same_matches_as_the_named_groups():
    rng = random.Random(5)
    groups = (r"(?P<a>(?:send|sent|sends)\s+(?:\w+\s+)?troops|move[sd]?\s+in|stay\w*)"
              r"|(?P<b>(?:stop|sent|march)\s+in|more\s+troops|[a-z]{3,}ed)|(?P<c>sent\s+troops)")
    original = re.compile(rf"\b(?:(?:{groups})\b|(?P<word>\w+))")
    branches = tagged_by_first_letter(groups, after=r"\b")
    tagged = re.compile(rf"\b(?:{branches}|(?P<word>\w+))")
    words = "send sent sends stop stayed march marched more move moved in troops the x".split()
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        assert [(m.span(), group_of(m.lastgroup)) for m in tagged.finditer(text)] == [
            (m.span(), m.lastgroup) for m in original.finditer(text)], text


@pytest.mark.parametrize("text", ["\u017fay", "\u212ailled", "\u0130stanbul", "\u0131sland"])
def test_lowered_refuses_letters_whose_case_reaches_ascii(text):
    # re.I matches each of these to an ASCII letter, or lower() changes the length.
    assert lowered(text) is None


def test_lowered_keeps_offsets_of_other_text():
    assert lowered("Querétaro SAID") == "querétaro said"


@pytest.mark.parametrize("text", [
    "They SAID so", "they said so", "Sa\u017fid", "\u017faid it", "\u212aILLED", "killed",
    "Querétaro Said", "no match here", "it said\nsaid",
])
def test_case_blind_finds_what_re_ignorecase_finds(text):
    source = r"\b(?:said|killed|\u017ftop)\b"
    blind = re.compile(source, re.I)
    fast = CaseBlind(source)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in blind.finditer(text)]
    assert [m.span() for m in fast.finditer(Folded.of(text), 1)] == [
        m.span() for m in blind.finditer(text, 1)]
    found = fast.search(text)
    assert (found and found.span()) == (blind.search(text) and blind.search(text).span())


def test_case_blind_refuses_a_pattern_with_capitals():
    with pytest.raises(ValueError):
        CaseBlind(r"\bNATO\b")
    assert CaseBlind(r"(?P<word>\w+)\S").search("ab c")


def test_folded_slice_keeps_both_texts_aligned():
    doc = Folded.of("The NATO Talks")
    part = doc.slice(4, 8)
    assert (part.text, part.low) == ("NATO", "nato")
    assert Folded.of("\u017f NATO").slice(2, 6).low is None


def test_find_organizations_finds_forms_by_their_first_word():
    text = "NATO and the United Nations met; U.N. officials and al-Qaeda fighters too."
    found = [(text[s:e], entry.name) for s, e, entry in find_organizations(text, 0, len(text))]
    assert found == [("NATO", "NATO"), ("United Nations", "United Nations"),
                     ("U.N.", "United Nations"), ("al-Qaeda", "al-Qaeda")]


def test_find_organizations_takes_the_longest_form_and_whole_words_only():
    text = "The UN Security Council and the UN; xNATO and NATOx forces"
    found = [(text[s:e], entry.name) for s, e, entry in find_organizations(text, 0, len(text))]
    assert found == [("UN Security Council", "UN Security Council"), ("UN", "United Nations")]


def test_find_organizations_reads_a_name_with_a_possessive_or_a_compound_after_it():
    text = "NATO's chief said NATO-led and UN-backed troops, not UN-Habitat, would stay."
    found = [text[s:e] for s, e, _ in find_organizations(text, 0, len(text))]
    assert found == ["NATO", "NATO", "UN"]
    assert [text[s:e] for s, e, _ in find_organizations(text, 3, len(text))] == ["NATO", "UN"]


def test_find_organizations_reads_a_word_cut_by_the_range_start():
    text = "xxNATO met"
    assert [(s, e) for s, e, _ in find_organizations(text, 2, len(text))] == [(2, 6)]
