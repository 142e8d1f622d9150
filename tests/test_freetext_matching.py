"""Free text, as pure code: typed emergencies, small talk and typo-tolerant search over the
shipped content, and the load-time checks that keep the phrases honest."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from bot.services.emergency_phrases import EmergencyMatcher, check_examples, close, matcher
from bot.services.freetext_answers import looks_like_a_search
from bot.services.fuzzy_search import page_search
from bot.services.small_talk import small_talk
from content.loader import load_content
from content.model import Content, fold
from tests.test_content import assert_problem, replace, tree  # noqa: F401  (tree is a fixture)


@pytest.fixture(scope="module")
def shipped() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def emergency(shipped: Content) -> EmergencyMatcher:
    return matcher(shipped)


def sign_of(emergency: EmergencyMatcher, message: str) -> str | None:
    found = emergency.find(message)
    return found.sign.id if found else None


# --- typed emergencies -----------------------------------------------------------------------


def test_the_contents_own_examples_hold(shipped: Content) -> None:
    assert check_examples(shipped) == []


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("chest pain", "chest_pain"),
        ("Chest Pain", "chest_pain"),
        ("chestpain", "chest_pain"),
        ("chset pian", "chest_pain"),  # two swapped pairs: one typo each
        ("I've got chest pains since this morning", "chest_pain"),
        ("no fever but chest pain", "chest_pain"),  # the negation ends with its clause
        ("not sure if it's chest pain", "chest_pain"),  # a hedge: not a denial
        ("No. I have chest pain", "chest_pain"),
        ("I can't breathe", "breathing"),
        ("I cant breath", "breathing"),
        ("i cannot breathe", "breathing"),
        ("dolore al petto", "chest_pain"),
        ("Dolóre al pétto", "chest_pain"),  # accents folded
        ("non riesco a respirare", "breathing"),
        ("non riesco a respiare", "breathing"),
        ("my face is drooping and my speech is slurred", "stroke"),
        ("he had a fit", "seizure"),
        ("I passed out", "fainted"),
        ("my son swallowed insecticide", "poison"),
        ("I have a stiff neck and a high temperature", "fever_neck"),
        ("ho la febbre alta e il collo rigido", "fever_neck"),
        ("I can't pee and my back hurts", "spine"),
        ("non riesco a fare pipì", "spine"),
        # the most urgent sign wins when a message names several
        ("I fainted and now I have chest pain", "chest_pain"),
    ],
)
def test_a_typed_emergency_is_recognised(emergency: EmergencyMatcher, message: str, sign: str) -> None:
    assert sign_of(emergency, message) == sign


@pytest.mark.parametrize(
    "message",
    [
        "no chest pain",
        "I don't have chest pain",
        "I have no chest pain",
        "chest stretch",
        "pain in my chest muscle after gym",
        "chest muscles sore after bench press",
        "I can breathe fine",
        "stiff neck",  # without a fever: common and harmless
        "fever",
        "keep fit",
        "fitness",
        "I passed the exam",
        "cramp",
        "crampi notturni",
        "tetanus",  # the page, not the emergency
        "stroke",
        "dark urine",  # without muscle pain: usually too little water
        "non ho dolore al petto",
        "nessun dolore al petto",
        "can i pee after a cramp",
        "spasm on one side of my face",  # hemifacial spasm: not a stroke sign by itself
        "",
        "👍",
    ],
)
def test_harmless_text_is_not_an_emergency(emergency: EmergencyMatcher, message: str) -> None:
    assert sign_of(emergency, message) is None


def test_short_words_need_the_exact_spelling() -> None:
    assert close("cramp", "cramp")
    assert close("crmap", "cramp")  # a swapped pair is one typo
    assert not close("can", "cant")  # one letter turns "can" into its opposite
    assert not close("rain", "pain")  # the first letter is kept
    assert close("respiare", "respirare")
    assert not close("resp", "respirare")


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "lang", "page"),
    [
        ("crmap", "en", "cramps"),
        ("crmapi", "it", "cramps"),
        ("cramps", "en", "cramps"),
        ("magnesium", "en", "therapy_selfcare"),
        ("magnesio", "it", "therapy_selfcare"),
        ("magnesim", "en", "therapy_selfcare"),
        ("night cramps", "en", "cramps"),
        ("charley horse", "en", "cramps"),
        ("crampo", "it", "cramps"),
        ("dolore alla gamba", "it", "cramps"),
        ("tetnus", "en", "diseases"),
        ("stretching", "en", "therapy_selfcare"),
        ("perché", "it", "causes"),
        ("quando andare dal medico", "it", "doctor"),
    ],
)
def test_search_finds_the_page(shipped: Content, query: str, lang: str, page: str) -> None:
    results = page_search(shipped).search(query, lang)
    assert page in results.pages[:2], results  # among the first two: several pages may answer it


def test_a_typo_is_shown_corrected_in_the_users_language(shipped: Content) -> None:
    search = page_search(shipped)
    assert search.search("crmap", "en").corrected == "cramp"
    assert search.search("magnesim", "en").corrected == "magnesium"
    assert search.search("magnesim", "it").corrected == "magnesio"
    assert search.search("cramp", "en").corrected is None


def test_one_word_does_not_list_generic_pages(shipped: Content) -> None:
    search = page_search(shipped)
    assert search.search("tetanus", "en").pages == ("diseases",)
    cramp = search.search("cramp", "en").pages
    assert cramp[0] == "cramps" and len(cramp) <= 3, cramp  # the topic first, then the closest pages


def test_a_sentence_is_marked_as_one(shipped: Content) -> None:
    search = page_search(shipped)
    assert search.search("my leg hurts at night, what can I do?", "en").sentence
    assert not search.search("night cramps", "en").sentence


def test_nonsense_finds_nothing(shipped: Content) -> None:
    assert page_search(shipped).search("xyzzy qwrtp", "en").pages == ()


# --- small talk ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("hello", "greeting"),
        ("Hi!", "greeting"),
        ("ciao", "greeting"),
        ("thanks", "thanks"),
        ("thnaks", "thanks"),
        ("Grazie!", "thanks"),
        ("grazie mille 🙏", "thanks"),
        ("stop", "stop"),
        ("basta", "stop"),
        ("menu", "menu"),
        ("help", "help"),
        ("aiuto", "help"),
        ("😭😭😭", "sad"),
        ("👍", "glad"),
        ("🐈", "emoji"),
        ("cramp", None),
        ("help with cramps", None),
        ("?", None),
    ],
)
def test_small_talk(shipped: Content, message: str, intent: str | None) -> None:
    found = small_talk(shipped).find(message)
    assert (found.id if found else None) == intent


# --- the content's checks --------------------------------------------------------------------


def test_fold_drops_case_accents_and_apostrophes() -> None:
    assert fold("Can't BREATHE!") == "cant breathe"
    assert fold("Mi manca l’aria, perché?") == "mi manca laria perche"


def test_a_sign_less_urgent_than_the_checklist_is_refused(tree: Path) -> None:  # noqa: F811
    replace(
        tree,
        "freetext.yaml",
        "    - id: breathing\n      disposition: emergency",
        "    - id: breathing\n      disposition: urgent",
    )
    assert_problem(tree, "freetext.yaml", None, "breathing", "less urgent", "chest")


def test_a_sign_without_a_reference_is_refused(tree: Path) -> None:  # noqa: F811
    replace(
        tree,
        "freetext.yaml",
        '      reference:\n        - {title: "NHS: Tetanus", url: "https://www.nhs.uk/conditions/tetanus/"}\n'
        "      passage: >-\n        Go to A&E",
        "      passage: >-\n        Go to A&E",
    )
    assert_problem(tree, "freetext.yaml", None, "tetanus", "no reference")


def test_a_synonym_no_page_has_is_refused(tree: Path) -> None:  # noqa: F811
    replace(tree, "en/freetext.yaml", "    magnesium: [minerals]", "    magnesium: [minerls]")
    assert_problem(tree, "en/freetext.yaml", None, "magnesium", "minerls")


def test_a_phrase_that_fires_on_harmless_text_is_caught(tree: Path) -> None:  # noqa: F811
    replace(tree, "en/freetext.yaml", "phrases: [seizure, seizures,", "phrases: [fit, seizure, seizures,")
    problems = check_examples(load_content(tree))
    assert any("keep fit" in p.message and "seizure" in p.message for p in problems), problems


@pytest.mark.parametrize("city", ["Udine", "Dublin", "Como", "Dallas", "Cosenza", "Trento", "Reading", "Berlin"])
def test_a_city_is_not_taken_for_a_search_at_the_city_question(shipped: Content, city: str) -> None:
    """At "Type my city", only words the pages have as typed (or small talk) leave the question:
    typo-guessing turned "Udine" into "urine" and "Cosenza" into "carenza"."""
    assert not looks_like_a_search(shipped, "it", city)


@pytest.mark.parametrize("text", ["tetanus", "cramps", "night cramps", "magnesium", "thanks", "grazie"])
def test_search_words_and_small_talk_leave_the_city_question(shipped: Content, text: str) -> None:
    assert looks_like_a_search(shipped, "en", text)


def test_the_review_sheet_shows_each_typed_emergency_with_its_passage(shipped: Content) -> None:
    from content.review import review_html

    sheet = review_html(shipped)
    typed = sheet[sheet.index('<h2 id="typed">') : sheet.index('<h2 id="pages">')]
    for sign in shipped.freetext.emergency.signs:
        assert f"<code>{sign.id}</code>" in typed
        assert html.escape(sign.passage[:40], quote=False) in typed
        assert sign.references[0].url in typed
    assert "dolore al petto" in typed and "pain in my chest muscle after gym" in typed
