"""Every fact of the seed text (shared/seed/muscle-spasms.txt) reaches the user, in every
language, and wording that is not from the seed (emergency advice) stays under `safety` keys.

FACTS pairs each fact with its key phrase in content/en/pages.yaml and content/it/pages.yaml.
A phrase must appear, case-insensitively, in the visible text of some page.
"""

from __future__ import annotations

import re

import pytest

from content.loader import load_content
from content.model import Content
from content.telegram_html import parse_html

# (seed fact, English phrase, Italian phrase)
FACTS: list[tuple[str, str, str]] = [
    # What spasms are
    ("involuntary contractions", "involuntary contractions", "contrazioni involontarie"),
    ("of one or more muscles", "one or more muscles", "uno o più muscoli"),
    (
        "anomalies in any of the steps",
        "anomaly in any of the steps",
        "anomalia in una qualsiasi delle fasi",
    ),
    (
        "that lead to muscle contraction",
        "lead to muscle contraction",
        "portano alla contrazione muscolare",
    ),
    ("damage to the nerve pathways", "damage to the nerve pathways", "danno alle vie nervose"),
    # Causes
    ("prolonged physical activity", "prolonged physical activity", "attività fisica prolungata"),
    ("dehydration", "dehydration", "disidratazione"),
    ("mineral deficiency", "mineral deficiency", "carenza di sali minerali"),
    ("metabolic diseases", "metabolic diseases", "malattie metaboliche"),
    ("myotonias", "myotonias", "miotonie"),
    ("myotonic dystrophy", "myotonic dystrophy", "distrofia miotonica"),
    ("stroke", "stroke", "ictus"),
    ("multiple sclerosis", "multiple sclerosis", "sclerosi multipla"),
    ("cerebral palsy", "cerebral palsy", "paralisi cerebrale"),
    ("neurodegenerative disease", "neurodegenerative disease", "malattie neurodegenerative"),
    ("trauma", "trauma", "traumi"),
    ("spinal damage", "spinal damage", "lesioni spinali"),
    (
        "poisoning of the nervous system",
        "poisoning of the nervous system",
        "avvelenamento del sistema nervoso",
    ),
    ("insecticides", "insecticides", "insetticidi"),
    ("strychnine", "strychnine", "stricnina"),
    # Cramps and contractures
    ("associated with a muscle cramp", "muscle cramp", "crampo muscolare"),
    ("localized pain", "localized pain", "dolore localizzato"),
    ("sometimes very intense", "sometimes very intense", "a volte molto intenso"),
    ("contractures", "persistent tightening of the muscle", "contratture"),
    ("develop more slowly", "develops more slowly", "si sviluppano più lentamente"),
    ("days or even weeks", "days or even weeks", "giorni o persino settimane"),
    ("before they manifest with symptoms", "shows symptoms", "si manifestino con dei sintomi"),
    # Associated diseases: all eleven
    ("Angina pectoris", "angina pectoris", "angina pectoris"),
    ("Myotonic dystrophy (list)", "• myotonic dystrophy", "• distrofia miotonica"),
    ("Esophageal diverticula", "esophageal diverticula", "diverticoli esofagei"),
    (
        "Inflammation of the trigeminal nerve",
        "inflammation of the trigeminal nerve",
        "infiammazione del nervo trigemino",
    ),
    ("Myotonia congenita", "myotonia congenita", "miotonia congenita"),
    ("Neuromyotonia", "neuromyotonia", "neuromiotonia"),
    ("Paramyotonia congenita", "paramyotonia congenita", "paramiotonia congenita"),
    ("Anal fissures", "anal fissures", "ragadi anali"),
    ("Gastroesophageal reflux", "gastroesophageal reflux", "reflusso gastroesofageo"),
    ("Multiple sclerosis (list)", "• multiple sclerosis", "• sclerosi multipla"),
    ("Tetanus", "tetanus", "tetano"),
    ("not an exhaustive list", "not an exhaustive list", "non è esaustivo"),
    ("consult your doctor if symptoms persist", "symptoms persist", "i sintomi persistono"),
    # Therapy
    ("cramps that do not require treatment", "need no treatment", "non richiedono cure"),
    ("stretching", "stretching", "stretching"),
    ("massage", "massage", "massaggi"),
    ("patience", "patience", "pazienza"),
    ("prolonged cramps", "prolonged cramps", "crampi prolungati"),
    (
        "medicines recommended by your doctor",
        "medicines recommended by your doctor",
        "farmaci consigliati dal medico",
    ),
    (
        "dehydration: water and minerals",
        "replace water and minerals",
        "reintegrare acqua e sali minerali",
    ),
    ("severe cases, oral intake not enough", "drinking is not enough", "bere non basta"),
    ("the drip", "intravenous drip", "flebo"),
    (
        "neurological or metabolic problem",
        "neurological or metabolic problem",
        "problema neurologico o metabolico",
    ),
    ("a specific therapy", "specific therapy", "terapia specifica"),
    # When to see a doctor
    ("consult your doctor", "consult your doctor", "consultare il medico"),
    ("intense", "are intense", "sono intensi"),
    (
        "not solved simply by stretching",
        "not relieved simply by stretching",
        "non passano semplicemente con lo stretching",
    ),
    ("recur often", "recur often", "si ripresentano spesso"),
    ("last long", "last long", "durano a lungo"),
]

SAFETY_WORDS = {"en": ("emergency",), "it": ("emergenza", "112")}
# Safety text is graded: call the emergency number now, or see a doctor today.
HELP_WORDS = {"en": ("emergency", "see a doctor today"), "it": ("112", "oggi stesso")}


def _plain(html: str) -> str:
    """What the user reads: tags gone, entities decoded, whitespace collapsed, lower case."""
    return " ".join(parse_html(html).split()).casefold()


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def visible(content: Content) -> dict[str, str]:
    """Per language: the visible text of every page, page after page."""
    return {
        lang: "\n".join(_plain(content.page_html(page_id, lang)) for page_id in content.pages)
        for lang in content.languages
    }


def _find(text: str, phrase: str) -> bool:
    return " ".join(phrase.split()).casefold() in text


@pytest.mark.parametrize(("fact", "en", "it"), FACTS, ids=[f[0] for f in FACTS])
def test_seed_fact_reaches_the_user(visible: dict[str, str], fact: str, en: str, it: str) -> None:
    assert _find(visible["en"], en), f"seed fact {fact!r}: {en!r} is on no English page"
    assert _find(visible["it"], it), f"seed fact {fact!r}: {it!r} is on no Italian page"


def test_facts_come_from_the_page_bodies_not_the_safety_text(content: Content) -> None:
    """Seed facts must be in titles or bodies: `safety` is for wording that is not in the seed."""
    for lang, index in (("en", 1), ("it", 2)):
        bodies = "\n".join(
            _plain(f"{page.text[lang].title}\n{page.text[lang].body}") for page in content.pages.values()
        )
        missing = [fact[index] for fact in FACTS if not _find(bodies, fact[index])]
        assert not missing, f"{lang}: only in safety text (or nowhere): {missing}"


def test_all_eleven_diseases_are_listed(content: Content) -> None:
    for lang in content.languages:
        page = _plain(content.page_html("diseases", lang))
        bullets = re.findall(r"•", page)
        assert len(bullets) == 11, f"{lang}: {len(bullets)} diseases"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_emergency_wording_only_under_safety_keys(content: Content, lang: str) -> None:
    words = SAFETY_WORDS[lang]
    offenders: list[str] = []
    for page in content.pages.values():
        text = page.text[lang]
        for field, value in (("title", text.title), ("button", text.button), ("body", text.body)):
            if any(w in value.casefold() for w in words):
                offenders.append(f"{lang}/pages.yaml {page.id}.{field}")
    checklist = content.checklist
    for question in checklist.questions:
        if not question.safety and any(w in question.text[lang].text.casefold() for w in words):
            offenders.append(f"{lang}/checklist.yaml questions.{question.id}")
    for outcome in checklist.outcomes.values():
        if not outcome.safety and any(w in outcome.text[lang].text.casefold() for w in words):
            offenders.append(f"{lang}/checklist.yaml outcomes.{outcome.id}")
    assert not offenders, f"emergency wording outside a safety key: {offenders}"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_pages_with_safety_text_say_to_call_for_help(content: Content, lang: str) -> None:
    """The reverse check: safety blocks say to get help (now or today), in every language."""
    with_safety = [page for page in content.pages.values() if page.text[lang].safety]
    assert with_safety, "the shipped content has safety text"
    for page in with_safety:
        safety = page.text[lang].safety or ""
        assert any(w in safety.casefold() for w in HELP_WORDS[lang]), page.id
