"""The subject of a trigger: nearest non-prepositional mention, coordination, relative clauses,
passive agents."""

from __future__ import annotations

from dashboard.extract.subjects import passive_agent, subject


def mentions(text, *names):
    """(start, end, id) for each name, the id being the name itself."""
    return [(text.index(n), text.index(n) + len(n), n) for n in names]


def subject_of(text, verb, *names, clause_start=0):
    return subject(text, mentions(text, *names), clause_start, text.index(verb), 0)


def test_subject_skips_a_preposition_object():
    text = "At the request of the UN, France sent troops."
    assert subject_of(text, "sent", "UN", "France") == ("France",)


def test_subject_nearest_before_the_verb_in_reported_speech():
    text = "Ukrainian officials said Russian troops were leaving."
    assert subject_of(text, "leaving", "Ukrainian officials", "Russian troops") == (
        "Russian troops",)


def test_subject_coordinated_mentions_act_together_and_an_apposition_follows_its_head():
    text = "Washington, Paris and London have called for talks."
    assert subject_of(text, "called", "Washington", "Paris", "London") == (
        "Washington", "Paris", "London")
    text = "General Martin, the KFOR commander, said it was ready."
    assert subject_of(text, "said", "General Martin", "KFOR") == ("General Martin", "KFOR")
    text = "Diplomats in Paris, London said, were ready."  # no apposition: one subject
    assert subject_of(text, "said", "Paris", "London") == ("London",)


def test_subject_of_a_relative_clause_is_its_antecedent():
    text = "Britain, which sent 600 paratroopers, said it would stay."
    clause = text.index("sent")
    assert subject_of(text, "sent", "Britain", clause_start=clause) == ("Britain",)


def test_subject_members_of_an_organisation_are_the_organisation():
    text = "Leaders of ECOWAS will meet on Tuesday."
    assert subject_of(text, "meet", "ECOWAS") == ("ECOWAS",)
    text = "Rebels of the SLA clashed with the army."
    assert subject_of(text, "clashed", "Rebels", "SLA") == ("SLA",)


def test_subject_none_when_every_mention_is_an_object():
    text = "In Brussels on Friday, talks with NATO began."
    assert subject_of(text, "began", "NATO") == ()


def test_passive_agent_is_the_actor_after_by():
    text = "The convoy was attacked by Taliban fighters near Kandahar."
    found = mentions(text, "Taliban fighters")
    start = text.index("attacked")
    assert passive_agent(text, found, start, start + 8, len(text)) == ("Taliban fighters",)
    active = "The convoy attacked by night the Taliban fighters."
    start = active.index("attacked")
    assert passive_agent(active, mentions(active, "Taliban fighters"), start, start + 8,
                         len(active)) == ()


def test_subject_organ_acts_with_its_possessor():
    text = "The African Union's Peace and Security Council decided to stay."
    assert subject_of(text, "decided", "African Union", "Security Council") == (
        "Security Council", "African Union")


def test_subject_skips_the_object_of_a_first_verb_in_coordination():
    text = "Correa expelled Colombia's ambassador and ordered troops to the border."
    assert subject_of(text, "ordered", "Correa", "Colombia") == ("Correa",)
    text = "Sarajevo condemned the fall of the town and demanded action."
    assert subject_of(text, "demanded", "Sarajevo") == ("Sarajevo",)


def test_subject_of_a_whose_clause_is_its_antecedent():
    text = "Ethiopia, whose troops drove the fighters out, began withdrawing its soldiers."
    clause = text.index("troops")
    assert subject_of(text, "began", "Ethiopia", "fighters", clause_start=clause) == (
        "Ethiopia",)


def test_subject_after_a_conjunction_with_its_verb_right_after():
    text = "It was unavoidable after Azerbaijani forces captured Shusha."
    assert subject_of(text, "captured", "Azerbaijani forces") == ("Azerbaijani forces",)
    text = "After the talks with NATO, troops captured the town."
    assert subject_of(text, "captured", "NATO") == ()


def test_may_be_passive_never_hides_a_passive_the_pattern_finds():
    from dashboard.extract.subjects import _PASSIVE_BEFORE, _may_be_passive

    texts = ("The convoy was attacked", "They were quickly attacked", "It is now   planned",
             "Troops had been\nsent", "The base WAS attacked", "This attacked", "(was) attacked",
             "Forces got badly hit", "The talks being held", "It İs attacked", "Those waſ hit",
             "they attacked", "the decision was", "x" * 40 + " is attacked")
    for text in texts:
        for verb_start in range(len(text) + 1):
            found = _PASSIVE_BEFORE.search(text, max(0, verb_start - 30), verb_start)
            assert _may_be_passive(text, verb_start) or not found, (text, verb_start)
    assert not _may_be_passive("They attacked", 5)
