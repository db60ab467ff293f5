"""Dutch analysis: the same treatment for text and question, lemma before stem, compounds, normalisation."""

from bot.search.analysis import CompoundSplitter, analyse, content_words, fold_accents, normalise, term


def test_no_break_spaces_curly_quotes_and_zero_width_are_normalised() -> None:
    assert normalise("klant\u00a0‘trouw’\u200b") == "klant 'trouw'"
    assert content_words("Doe\u00a0wat u\u00a0belooft.") == content_words("Doe wat u belooft.")


def test_accents_fold_the_same_way_in_text_and_question() -> None:
    assert fold_accents("creëert") == "creeert"
    assert analyse("Hij creëert urgentie") == analyse("hij creeert urgentie")


def test_inflections_meet_where_plain_snowball_splits_them() -> None:
    # Snowball alone: problemen -> problem but probleem -> probleem; knuffelt -> knuffelt, knuffelen -> knuffel.
    assert term("problemen") == term("probleem")
    assert term("knuffelt") == term("knuffelen")
    assert term("klanten") == term("klant")
    assert term("nagekomen") == term("nakomen")


def test_lemma_avoids_snowball_collisions() -> None:
    # Snowball maps korting to "kort", which would make "korte termijn" answer questions about discounts.
    assert term("kortingen") == term("korting")
    assert term("korting") != term("korte")


def test_stop_words_and_question_words_are_dropped() -> None:
    assert analyse("Wat is dat?") == []
    assert analyse("What is it?") == []
    assert analyse("Hoe houd ik klanten trouw?") == ["klant", "trouw"]


def test_compound_split_against_corpus_vocabulary() -> None:
    splitter = CompoundSplitter(["klant", "relaties", "software", "energie"])
    assert splitter.split("klantrelaties") == ("klant", "relaties")
    assert splitter.terms(["klantrelaties"]) == [term("klantrelaties"), "klant", term("relaties")]
    # Parts the corpus does not know are not invented.
    assert splitter.split("vakantiedagen") == ()
    assert splitter.split("klant") == ()  # too short to be a compound


def test_generic_verbs_and_adjectives_are_not_question_words_but_the_rule_verb_is() -> None:
    from bot.search.analysis import content_words

    assert content_words("Hoe maak ik een goede pizza?") == ["pizza"]
    assert content_words("Wat vindt u ervan, is het leuk werk?") == ["ervan"]
    assert content_words("Doe wat u belooft.") == ["doe", "belooft"]
    # "houden" says little on its own: what is kept (trouw, tevreden, op de hoogte) carries the question. Before it
    # was generic, "houd" in a new article's title ("zo houd je klagers te vriend") took the bot's own example
    # question "Hoe houd ik klanten trouw?" away from the passage that answers it.
    assert content_words("Hoe houd je klanten tevreden?") == ["klanten", "tevreden"]
