"""The analysis on the real spaCy pipelines (English and French)."""

from datetime import date

import pytest

from rag.analysis import Figure, Speaker, analyse
from rag.analysis.questions import analyse_question

pytestmark = pytest.mark.slow
SATURDAY = date(2024, 8, 3)


def one(text, language, published=SATURDAY):
    claims = analyse(text, language, published)
    assert len(claims) == 1
    return claims[0]


def test_rebels_claim_with_hedged_and_exact_figures():
    text = (
        "The CSP rebels said they had killed at least 84 Wagner mercenaries and 47 Malian soldiers."
    )
    c = one(text, "en")
    assert c.speaker == Speaker(text="The CSP rebels", start=0, end=14, cue="say")
    assert c.figures == [
        Figure(
            text="84",
            start=45,
            end=47,
            value=84.0,
            hedge="at_least",
            counts="Wagner mercenaries",
            counts_lemma="mercenary",
        ),
        Figure(
            text="47",
            start=71,
            end=73,
            value=47.0,
            hedge="exact",
            counts="Malian soldiers",
            counts_lemma="soldier",
        ),
    ]
    assert not c.negated
    # groups named by nationality (NORP) count as organisations too
    assert [o.text for o in c.organisations] == ["CSP", "Wagner", "Malian"]


def test_who_gives_a_figure_is_its_speaker():
    (claim,) = analyse("Local authorities in Bandiagara gave a toll of 17 dead.", "en", SATURDAY)
    assert claim.speaker is not None and claim.speaker.text == "Local authorities in Bandiagara"
    (gift,) = analyse("The EU gave 20 million euros to the fund.", "en", SATURDAY)
    assert gift.speaker is None


def test_speakers_differ_by_reporting_subject():
    wagner = one("Wagner said it had lost 84 men.", "en")
    rebels = one("The rebels said they killed 84 Wagner mercenaries.", "en")
    assert wagner.speaker is not None and wagner.speaker.text == "Wagner"
    assert rebels.speaker is not None and rebels.speaker.text == "The rebels"


def test_outlet_voice_has_no_speaker_and_vague_figures():
    c = one("Dozens of fighters were killed.", "en")
    assert c.speaker is None
    assert c.figures == [
        Figure(
            text="Dozens",
            start=0,
            end=6,
            value=None,
            hedge="vague",
            counts="fighters",
            counts_lemma="fighter",
        )
    ]
    several = one("Several hundred civilians fled.", "en")
    assert [(f.value, f.hedge, f.counts_lemma) for f in several.figures] == [
        (None, "vague", "civilian")
    ]


def test_denial_and_negation():
    denied = one("Wagner denied the losses.", "en")
    assert denied.negated and denied.speaker is not None and denied.speaker.cue == "deny"
    assert one("The army did not confirm the toll.", "en").negated
    assert one("No soldiers were hurt.", "en").negated
    assert one("Le gouvernement n'a pas confirmé ce bilan.", "fr").negated
    assert one("Le JNIM a démenti.", "fr").negated
    assert not one("The army confirmed the toll.", "en").negated


def test_according_to_and_relative_weekday():
    c = one("At least 84 were killed on Thursday, according to a CSP statement.", "en")
    assert c.speaker is not None
    assert (c.speaker.text, c.speaker.cue) == ("a CSP statement", "according to")
    assert [(d.text, d.iso, d.precision, d.relative) for d in c.dates] == [
        ("Thursday", "2024-08-01", "day", True)
    ]
    assert [(f.value, f.hedge) for f in c.figures] == [(84.0, "at_least")]


def test_french_selon_words_and_jeudi():
    text = "Selon l'armée malienne, quarante-sept soldats ont été tués jeudi."
    c = one(text, "fr")
    assert c.speaker == Speaker(text="l'armée malienne", start=6, end=22, cue="selon")
    assert c.figures == [
        Figure(
            text="quarante-sept",
            start=24,
            end=37,
            value=47.0,
            counts="soldats",
            counts_lemma="soldat",
        )
    ]
    assert [(d.text, d.iso, d.relative) for d in c.dates] == [("jeudi", "2024-08-01", True)]


@pytest.mark.parametrize(
    ("text", "language", "who", "cue"),
    [
        (
            "« Le marché était notre vie », raconte Ahmed ag Mossa, commerçant.",
            "fr",
            "Ahmed ag Mossa",
            "raconter",
        ),
        (
            "« Nous ne pouvons plus exposer nos employés », a déclaré le directeur de la "
            "compagnie, Hamidou Kansaye.",
            "fr",
            "le directeur de la compagnie, Hamidou Kansaye",
            "déclarer",
        ),
        (
            "Les blessés ont été pris en charge, ajoute l'état-major, sans plus de détails.",
            "fr",
            "l'état-major",
            "ajouter",
        ),
        (
            "« Un camion coûte cher », a réagi un responsable syndical à Gao.",
            "fr",
            "un responsable syndical",
            "réagir",
        ),
        ("« Elles ne sont pas protégées », analyse-t-il.", "fr", "il", "analyser"),
        ('"We have nothing left," added a trader who fled the town.', "en", "a trader", "add"),
    ],
)
def test_a_speech_tag_after_the_quote_names_the_speaker(text, language, who, cue):
    c = one(text, language)
    assert c.speaker is not None
    assert (c.speaker.text, c.speaker.cue) == (who, cue)
    assert text[c.speaker.start : c.speaker.end] == who


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le JNIM a incendié des camions, dénonce les exactions de l'armée.", "fr"),
        ("Prices rose, added the official.", "en"),  # English inverts after a quote only
        ("Le convoi est arrivé à Bourem dimanche après plusieurs jours de route.", "fr"),
    ],
)
def test_a_verb_after_a_comma_is_no_speech_tag_without_a_quote_or_a_tag_verb(text, language):
    assert one(text, language).speaker is None


@pytest.mark.parametrize(
    ("text", "language", "who"),
    [
        ("Le corps électoral est estimé à environ 8,4 millions d'électeurs.", "fr", None),
        (
            "Selon le communiqué, le coût est estimé à 32 milliards de francs CFA.",
            "fr",
            "le communiqué",
        ),
        ("L'état-major affirme que deux véhicules ont été détruits.", "fr", "L'état-major"),
        ("« Les orpailleurs ne paieront rien », a-t-il déclaré.", "fr", "il"),
        ("The toll was confirmed on Monday.", "en", None),
    ],
)
def test_a_passive_subject_does_not_report_and_hyphenated_speakers_stay_whole(text, language, who):
    c = one(text, language)
    assert (c.speaker.text if c.speaker else None) == who


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("L'armée affirme que vingt-trois terroristes ont été neutralisés.", [23.0]),
        ("Vingt et un soldats et trente et une femmes, et un enfant.", [21.0, 31.0]),
    ],
)
def test_french_compound_number_words(text, values):
    assert [f.value for f in one(text, "fr").figures] == values


@pytest.mark.parametrize(
    ("text", "language", "counts"),
    [
        (
            "L'état-major a porté à onze le nombre de militaires tués dans l'embuscade.",
            "fr",
            "militaires",
        ),
        ("The army raised to 11 the number of soldiers killed in the ambush.", "en", "soldiers"),
    ],
)
def test_a_figure_counts_the_tally_that_follows_it(text, language, counts):
    assert [f.counts for f in one(text, language).figures] == [counts]


@pytest.mark.parametrize(
    ("text", "language", "counts"),
    [
        ("A doctor said 12 of the injured were still being treated.", "en", [("12", "injured")]),
        ("Deux des blessés ont succombé à l'hôpital.", "fr", [("Deux", "blessés")]),
        ("The UN appealed for $4.7 million in aid.", "en", [("4.7 million", "$")]),
        ("The group sought US$ 300 million.", "en", [("300 million", "US$")]),
        ("L'Union a promis 20 millions d'euros.", "fr", [("20 millions", "euros")]),
    ],
)
def test_a_partitive_or_a_currency_sign_says_what_a_figure_counts(text, language, counts):
    assert [(f.text, f.counts) for f in one(text, language).figures] == counts


def test_french_number_formats_and_approximations():
    c = one(
        "Près de 2,5 millions de personnes ont fui, dont 1 200 déplacés et une centaine de civils.",
        "fr",
    )
    assert [(f.text, f.value, f.hedge, f.counts_lemma) for f in c.figures] == [
        ("2,5 millions", 2_500_000.0, "about", "personne"),
        ("1 200", 1200.0, "exact", "déplacé"),
        ("une centaine", 100.0, "about", "civil"),
    ]
    vague = one("Des dizaines de combattants ont été tués.", "fr")
    assert [(f.value, f.hedge, f.counts_lemma) for f in vague.figures] == [
        (None, "vague", "combattant")
    ]


def test_years_and_days_of_month_are_dates_not_figures():
    c = one("On 12 March 2024, 23 attackers were killed, as in 2012.", "en")
    assert [f.value for f in c.figures] == [23.0]
    assert [(d.text, d.iso, d.precision, d.relative) for d in c.dates] == [
        ("12 March 2024", "2024-03-12", "day", False),
        ("2012", "2012", "year", False),
    ]
    fr = one("Les rebelles ont affirmé avoir tué 84 mercenaires de Wagner le 27 juillet.", "fr")
    assert [(f.value, f.counts) for f in fr.figures] == [(84.0, "mercenaires de Wagner")]
    assert fr.speaker is not None and fr.speaker.text == "Les rebelles"
    assert [(d.iso, d.relative) for d in fr.dates] == [("2024-07-27", True)]


def test_a_bare_figure_counts_what_its_subject_tallies():
    """ "The number of soldiers killed has risen to 21": 21 counts soldiers."""
    en = one("The number of soldiers killed in the attack has risen to at least 21.", "en")
    assert [(f.value, f.hedge, f.counts_lemma) for f in en.figures] == [
        (21.0, "at_least", "soldier")
    ]
    fr = one("Le nombre de déplacés est passé à 1 200, selon l'OCHA.", "fr")
    assert [(f.value, f.counts) for f in fr.figures] == [(1200.0, "déplacés")]
    other = one("The convoy has risen to 21 trucks.", "en")  # a subject that is not a tally
    assert [f.counts for f in other.figures] == ["trucks"]


def test_a_bare_figure_counts_what_its_verbs_object_tallies():
    """ "put the number of displaced people at 402,167, compared with 354,000": both count people."""
    en = one(
        "The report put the number of displaced people at 402,167 at the end of March, "
        "compared with about 354,000 a year earlier.",
        "en",
    )
    assert [(f.value, f.hedge, f.counts_lemma) for f in en.figures] == [
        (402167.0, "exact", "people"),
        (354000.0, "about", "people"),
    ]
    fr = one("L'OCHA a estimé le nombre de déplacés à 402 167.", "fr")
    assert [(f.value, f.counts) for f in fr.figures] == [(402167.0, "déplacés")]
    toll = one("Officials put the death toll at 40.", "en")  # "toll" is read by the answer's words
    assert [f.counts for f in toll.figures] == [""]


def test_short_month_names_next_to_a_day_are_dates():
    """A dateline's "Aug 22" is the report's date, not a figure that could answer "how many"."""
    c = one("BAMAKO, Aug 22 (Sahel Wire) - Officials expect 100 billion CFA francs.", "en")
    assert [(d.text, d.iso) for d in c.dates] == [("Aug 22", "2024-08-22")]
    assert [f.text for f in c.figures] == ["100 billion"]
    fr = one("Le décret du 12 déc 2023 fixe la taxe à 3 %.", "fr")
    assert [(d.text, d.iso) for d in fr.dates] == [("12 déc 2023", "2023-12-12")]
    prose = one("Officials from Mar and Aug met.", "en")  # no day beside them: not dates
    assert prose.dates == []


def test_a_day_without_its_year_is_the_nearest_one():
    """A 3 August report: "due on 20 August" is this month, "on 20 December" last year."""
    ahead = one("The vote is due on 20 August, the commission said.", "en")
    assert [d.iso for d in ahead.dates] == ["2024-08-20"]
    past = one("Les élections du 20 décembre avaient été reportées.", "fr")
    assert [d.iso for d in past.dates] == ["2023-12-20"]
    month = one("Talks resumed in September.", "en")  # a month alone stays in the past
    assert [d.iso for d in month.dates] == ["2023-09"]


def test_relative_periods_and_same_day_weekday():
    c = one("Refugees arrived last week and on Saturday.", "en")
    assert [(d.text, d.iso, d.precision) for d in c.dates] == [
        ("last week", "2024-07-22", "week"),
        ("Saturday", "2024-08-03", "day"),  # the day of a Saturday report
    ]
    fr = one("Ils sont arrivés la semaine dernière.", "fr")
    assert [(d.iso, d.precision) for d in fr.dates] == [("2024-07-22", "week")]
    undated = one("They arrived on Thursday.", "en", published=None)
    assert [(d.iso, d.relative) for d in undated.dates] == [(None, True)]


def test_spans_point_into_the_text_across_sentences():
    text = (
        "Nine soldiers were killed, the army said.\nIt said 23 attackers had been killed in Mali."
    )
    claims = analyse(text, "en", SATURDAY)
    assert [text[c.start : c.end] for c in claims] == [c.text for c in claims]
    second = claims[1]
    assert second.speaker is not None and second.speaker.pronoun
    assert [text[f.start : f.end] for f in second.figures] == ["23"]
    assert [text[p.start : p.end] for p in second.places] == ["Mali"]


@pytest.mark.parametrize(
    ("question", "language", "kind", "counted", "source"),
    [
        (
            "According to the Malian army, how many Wagner fighters were killed?",
            "en",
            "number",
            "fighter",
            "the Malian army",
        ),
        ("What did the rebels say about the convoy?", "en", "other", "", "the rebels"),
        ("Selon l'armée, combien de soldats ont été tués ?", "fr", "number", "soldat", "l'armée"),
        ("When was the Kassoro base attacked?", "en", "date", "", ""),
        ("Quand l'attaque a-t-elle eu lieu ?", "fr", "date", "", ""),
        ("Who claimed the attack?", "en", "actor", "", ""),
        ("Qui a revendiqué l'attaque ?", "fr", "actor", "", ""),
        ("Where were the wounded taken?", "en", "place", "", ""),
        ("Où se trouve le camp de Mbera ?", "fr", "place", "", ""),
        ("Où en sont les négociations avec les mineurs ?", "fr", "other", "", ""),
        ("Why did the hauliers stop?", "en", "reason", "", ""),
        ("Pourquoi la compagnie a-t-elle cessé de desservir Bankass ?", "fr", "reason", "", ""),
        ("How did the official death toll evolve?", "en", "number", "", ""),
        ("Comment le bilan a-t-il évolué ?", "fr", "number", "", ""),
        ("Why did the toll rise?", "en", "reason", "", ""),
        ("Did the army confirm the toll?", "en", "yesno", "", "the army"),
        ("Est-ce que l'armée a confirmé le bilan ?", "fr", "yesno", "", ""),
        ("Which groups claimed the attack?", "en", "list", "", ""),
        ("How old was the freed engineer?", "en", "number", "year", ""),
        ("Quel âge a l'ingénieur libéré ?", "fr", "number", "an", ""),
        ("Through how many radio stations are lessons broadcast?", "en", "number", "station", ""),
        ("Dans quelle ville les habitants ont-ils fui ?", "fr", "place", "", ""),
        ("What was the turnout in the local elections?", "en", "number", "", ""),
        ("What annual revenue does the levy bring in?", "en", "number", "", ""),
        ("What is the army's final Kassoro death toll?", "en", "number", "", "the army"),
        ("What was JNIM's claim?", "en", "other", "", "JNIM"),
        ("Quelle recette la taxe doit-elle rapporter ?", "fr", "number", "", ""),
        # giving a figure reports it; giving money does not
        (
            "What death toll did the Bandiagara local authorities give?",
            "en",
            "number",
            "",
            "the Bandiagara local authorities",
        ),
        ("How much aid did the EU give?", "en", "number", "aid", ""),
    ],
)
def test_question_analysis(question, language, kind, counted, source):
    q = analyse_question(question)
    assert (q.language, q.kind, q.counted_lemma, q.source) == (language, kind, counted, source)


def test_question_terms_are_lemmas_without_stopwords():
    q = analyse_question("How many Wagner fighters did the rebels say they killed?")
    assert q.terms == ["wagner", "fighter", "rebel", "kill"]


def test_a_status_questions_framing_words_are_not_its_topic():
    """ "What stage had the talks reached": the answer says "met", "agreed", not "stage"."""
    from rag.text import question_terms

    q = "What stage had the talks on lifting the Bandiéla blockade reached?"
    assert question_terms(q) == ["talk", "lift", "bandiéla", "blockad", "reach"]
    assert question_terms("What is the latest news on the Islamic State?") == ["islam", "state"]
    # "take place" asks when the fighting was, not for the word "take"
    assert question_terms("When did the fighting at Tinzaouaten take place?") == [
        "fight",
        "tinzaouaten",
    ]


def test_chunks_carry_their_sentences_claims_through_metadata():
    from rag.analysis import loads_claims
    from rag.index.chunking import chunk_article
    from rag.models import Article, Chunk

    text = "Wagner said it had lost 84 men on Thursday.\nThe rebels said they killed 47 soldiers."
    article = Article(doc_id="a", text=text, published="2024-08-03", language="en")
    claims = analyse(text, "en", SATURDAY)
    chunks = chunk_article(article, claims=claims)
    stored = [Chunk.from_record(c.id, c.text, c.to_metadata()) for c in chunks]
    assert stored == chunks
    back = [x for c in stored for x in loads_claims(c.claims, c.text, c.start)]
    assert {(x.start, x.end) for x in back} == {(x.start, x.end) for x in claims}
    assert all(x in claims for x in back)
    assert chunk_article(article)[0].claims == ""
    assert "claims" not in chunk_article(article)[0].to_metadata()


@pytest.mark.parametrize(
    ("sentence", "language", "ages"),
    [
        ("M. Lorenzo Bassi, âgé de 54 ans, a été libéré avec deux otages.", "fr", ["54"]),
        ("Lorenzo Bassi, 54, was freed on Saturday with two other hostages.", "en", ["54"]),
        ("The engineer, aged 54, was freed with two others.", "en", ["54"]),
        ("The 54-year-old engineer was freed with two others.", "en", ["54"]),
        ("Two hostages were freed, 54 days after their abduction.", "en", []),
    ],
)
def test_an_age_question_is_answered_by_an_age_only(sentence, language, ages):
    from rag.answering.slots import counted_figures

    qa = analyse_question("How old was the engineer when he was freed?")
    claim = analyse(sentence, language, SATURDAY)[0]
    assert [f.text for f in counted_figures(qa, claim, language)] == ages


@pytest.mark.parametrize(
    ("question", "sentence", "language", "answers"),
    [
        (
            "How many CSP fighters were wounded?",
            "He said three CSP fighters had been killed in the fighting.",
            "en",
            [],
        ),
        (
            "How many soldiers were killed?",
            "The attack killed nine soldiers and wounded 11 soldiers.",
            "en",
            ["nine"],
        ),
        (
            "How many soldiers were wounded?",
            "The attack killed nine soldiers and left 11 wounded.",
            "en",
            ["11"],
        ),
        (
            "Combien de militaires ont été blessés ?",
            "Neuf militaires ont été tués et onze autres blessés.",
            "fr",
            ["onze"],
        ),
        (
            "How many attackers did the army say it killed?",
            'The army said six soldiers had been killed and 17 attackers "neutralised".',
            "en",
            ["17"],
        ),
        (
            "What death toll did the local authorities give?",
            "Local authorities in Bandiagara gave a higher toll of 17 dead and 23 wounded.",
            "en",
            ["17"],
        ),
        (
            "How many people were killed in the attacks?",
            "Gunmen killed people in attacks on two villages.",
            "en",
            [],
        ),
        (
            "How many soldiers were killed or wounded?",
            "Six Malian soldiers were killed and four wounded when a convoy was ambushed.",
            "en",
            ["Six", "four"],
        ),
        (
            "How many people wounded in the blast were still in hospital?",
            "A doctor said 12 of the injured were still being treated.",
            "en",
            ["12"],
        ),
    ],
)
def test_the_wounded_and_the_dead_answer_their_own_question(question, sentence, language, answers):
    """A figure of the dead does not answer "how many were wounded", nor the reverse; "and 11
    others wounded" counts what the figure before it counts."""
    from rag.answering.slots import counted_figures

    claim = analyse(sentence, language, SATURDAY)[0]
    got = counted_figures(analyse_question(question), claim, language)
    assert [f.text for f in got] == answers


@pytest.mark.parametrize(
    ("sentence", "answers", "speakers"),
    [
        (
            "The strike was claimed by the al Qaeda-linked group JNIM, the Tuareg-led CSP said.",
            ["JNIM", "CSP"],
            ["CSP"],
        ),
        # a nationality, last; who said it is the phrase it qualifies
        ("Algerian officials said families had fled.", ["Algerian"], ["Algerian officials"]),
        (
            "Families fled, said the coordinator, Fadimata Walet Ahmed.",
            ["Fadimata Walet Ahmed"],
            ["Fadimata Walet Ahmed"],  # the name beside "the coordinator"
        ),
    ],
)
def test_who_is_answered_by_a_name_not_a_modifier_or_nationality(sentence, answers, speakers):
    """A modifier ("Tuareg-led", "al Qaeda-linked") or a nationality ("Algerian") names no one.

    "Who said …" is answered by the speaker: its name, or its phrase when it has none.
    """
    from rag.answering.slots import fillers

    claim = analyse(sentence, "en", SATURDAY)[0]
    got = fillers(analyse_question("Who was involved?"), claim, "en")
    assert [m.text for m in got] == answers
    said = fillers(analyse_question("Who said the families had fled?"), claim, "en")
    assert [m.text for m in said] == speakers


@pytest.mark.parametrize(
    ("sentence", "answers"),
    [
        (
            "An explosive device hit a convoy near Tongoro-Kanda, on the road between Nioumaro "
            "and Torokéla, on Monday.",
            ["Tongoro-Kanda"],
        ),
        ("JNIM said in a statement that it had attacked the convoy.", []),
    ],
)
def test_a_name_put_somewhere_by_a_preposition_answers_where(sentence, answers):
    """spaCy tags "Tongoro" an organisation and cuts it at the hyphen: "near" makes it a
    place, whole; an organisation that is not put anywhere is no answer."""
    from rag.answering.slots import fillers

    question = analyse_question("Where did the attack between Nioumaro and Torokéla happen?")
    claim = analyse(sentence, "en", SATURDAY)[0]
    assert [m.text for m in fillers(question, claim, "en")] == answers


@pytest.mark.parametrize(
    ("sentence", "language", "answers"),
    [
        ("The five-week crisis has pushed up transport costs.", "en", ["five"]),
        ("The union said 87 tankers had been destroyed.", "en", []),
        ("Il a été détenu pendant 14 mois.", "fr", ["14"]),
    ],
)
def test_how_long_is_answered_by_a_span_of_time(sentence, language, answers):
    """ "How long" counts weeks, months or kilometres: 87 tankers are no answer."""
    from rag.answering.slots import counted_figures

    question = analyse_question("How long did the fuel crisis last?")
    claim = analyse(sentence, language, SATURDAY)[0]
    assert [f.text for f in counted_figures(question, claim, language)] == answers


def test_a_name_at_a_place_is_a_place_not_a_person():
    """spaCy tags "Tégourou" a person in "at the Tégourou bridge": it answers where, not who."""
    from rag.answering.slots import fillers

    sentence = "Gunmen ambushed a convoy at the Tégourou bridge on Tuesday, transporters said."
    claim = analyse(sentence, "en", SATURDAY)[0]
    where = analyse_question("Where was the convoy ambushed?")
    who = analyse_question("Who ambushed the convoy?")
    assert [m.text for m in fillers(where, claim, "en")] == ["Tégourou"]
    assert fillers(who, claim, "en") == []


def test_a_dateline_town_is_where_the_story_was_filed_not_the_answer():
    from rag.answering.slots import fillers

    sentence = "GAO, Oct 6 (Sahel Wire) - Six soldiers were killed near Tessako on Thursday."
    claim = analyse(sentence, "en", SATURDAY)[0]
    where = analyse_question("Where were the soldiers killed?")
    assert [m.text for m in fillers(where, claim, "en")] == ["Tessako"]
    filed_only = analyse("ROME, June 14 (Sahel Wire) - The engineer was freed.", "en")[0]
    assert fillers(where, filed_only, "en") == []


@pytest.mark.parametrize(
    ("question", "sentence", "language", "answers"),
    [
        (
            "How much money does the government hope to raise from the levy?",
            "The government expects it to bring in nearly 100 billion CFA francs a year.",
            "en",
            ["100 billion"],
        ),
        (
            "How much money did the UN ask for?",
            "The UN appealed for $4.7 million.",
            "en",
            ["4.7 million"],
        ),
        (
            "Combien d'argent l'Union a-t-elle promis ?",
            "L'Union a promis 20 millions d'euros et 300 tonnes de vivres.",
            "fr",
            ["20 millions"],
        ),
    ],
)
def test_a_sum_of_money_answers_how_much_money(question, sentence, language, answers):
    from rag.answering.slots import counted_figures

    claim = analyse(sentence, language, SATURDAY)[0]
    got = counted_figures(analyse_question(question), claim, language)
    assert [f.text for f in got] == answers


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("who was jim thorpe and what did he do", "other"),
        ("Qui est Assimi Goïta ?", "other"),
        ("Who is the head of the union?", "actor"),
        ("Who is Mali's interim president?", "actor"),
        ("Who was behind the attack?", "actor"),
        ("Who is Wagner fighting?", "actor"),
    ],
)
def test_who_is_a_named_person_asks_for_a_description_not_a_name(question, kind):
    assert analyse_question(question).kind == kind
