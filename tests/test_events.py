"""Events and their arguments, through the real pipeline, on sentences written for these tests."""

from __future__ import annotations

from extraction_view import run
from spacy.tokens import Doc

from kg.extract import load_pipeline
from kg.extract.cases import event_key
from kg.extract.context import sentences
from kg.extract.event_model import ROLE_MODEL, TRIGGER_MODEL
from kg.extract.multiclass import MulticlassModel
from kg.extract.training import using
from kg.records import EVENT_ROLES


def test_a_civil_suit_names_plaintiff_and_defendants() -> None:
    view = run("Guatemala sued Glock and Colt in a Boston court on May 3, alleging negligent sales.")
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {
        "plaintiff": {"Guatemala"},
        "defendant": {"Glock", "Colt"},
        "occurredIn": {"Boston"},
    }
    assert case.date == "2021-05-03"


def test_indictment_plea_and_sentencing_of_one_case_are_one_lawsuit_and_one_scheme() -> None:
    view = run(
        "TUCSON – A federal grand jury indicted Pedro Gomez and Luisa Marin in March 2018 on charges of "
        "smuggling rifles to the Sinaloa Cartel.\n\n"
        "Gomez pleaded guilty in June 2018. His co-defendant, Marin, was convicted at trial.\n\n"
        "U.S. District Judge Ana Ruiz sentenced Gomez to 48 months in prison on Friday, announced "
        "U.S. Attorney Gary Restaino."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {
        "defendant": {"Pedro Gomez", "Luisa Marin"},
        "participant": {"Ana Ruiz", "Gary Restaino"},
        "occurredIn": {"Tucson"},
    }
    assert case.date == "2018-03"
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {"perpetrator": {"Pedro Gomez", "Luisa Marin"}, "participant": {"Sinaloa Cartel"}}


def test_a_seizure_names_the_maker_and_the_place() -> None:
    view = run("Customs officers seized 30 Colt rifles in Nogales on March 3, 2019.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt"}, "occurredIn": {"Nogales"}}
    assert seizure.date == "2019-03-03"
    assert seizure.label == "seizure of weapons made by Colt in Nogales"


def test_a_named_operation_is_a_policy_action_labelled_with_its_name() -> None:
    view = run("The ATF launched Operation Silver Trail in 2012 to stop gun trafficking.")
    (operation,) = view.events("PolicyAction")
    assert operation.label == "Operation Silver Trail"
    assert operation.date == "2012"
    assert view.args(operation) == {"participant": {"Bureau of Alcohol, Tobacco, Firearms and Explosives"}}


def test_a_law_passed_by_a_body_is_a_policy_action() -> None:
    view = run("Congress passed the Safe Borders Act in 2019.")
    (action,) = view.events("PolicyAction")
    assert view.args(action) == {"participant": {"Congress"}}
    assert action.date == "2019"


def test_a_meeting_is_an_event_with_its_participants() -> None:
    view = run(
        "Secretary of State Antony Blinken met with Mexican Foreign Minister Marcelo Ebrard in Mexico City "
        "on June 4, 2021."
    )
    (meeting,) = view.events("Event")
    assert view.args(meeting) == {"participant": {"Antony Blinken", "Marcelo Ebrard"}, "occurredIn": {"Mexico City"}}
    assert meeting.date == "2021-06-04"


def test_a_news_conference_is_not_an_event() -> None:
    view = run("ATF Director Steven Dettelbach spoke at a news conference in Phoenix on Monday.")
    assert view.events() == []


def test_an_event_without_a_named_argument_is_dropped() -> None:
    view = run("Six people were indicted on gun charges and two men were sentenced.")
    assert view.events() == []


def test_event_arguments_use_the_contract_roles_and_cite_their_sentence() -> None:
    text = "The day was quiet.\n\nOn April 9, Jose Ortiz was sentenced for smuggling rifles from Arizona to Sonora."
    view = run(text)
    event_ids = {e.id for e in view.events()}
    arguments = [r for r in view.extraction.relations if r.subject in event_ids]
    assert arguments
    for relation in arguments:
        assert relation.predicate in EVENT_ROLES
        assert 0.0 <= relation.confidence <= 1.0
        assert text[relation.evidence.start : relation.evidence.end] == relation.evidence.text
        assert relation.evidence.text.startswith("On April 9")


def test_a_sentence_the_parser_cut_without_a_full_stop_is_read_whole() -> None:
    words = ["Headline", "\n\n", "Joly", "joined", "the", "(", "OAS", ")", "Summit", "today", ".", "Next", "one", "."]
    starts = [True, False, False, False, False, False, False, False, True, False, False, True, False, False]
    doc = Doc(load_pipeline().vocab, words=words, sent_starts=starts)
    assert [s.span.text for s in sentences(doc, [])] == [
        "Headline",
        "Joly joined the ( OAS ) Summit today .",
        "Next one .",
    ]


def test_a_lede_that_names_nobody_joins_the_case_named_next_and_a_statement_date_is_not_the_case_date() -> None:
    view = run(
        "SAN DIEGO – A Chula Vista man was sentenced on Thursday to six years in prison for his part in a gun "
        "smuggling ring, the U.S. Attorney's Office said Friday.\n\n"
        "Ramon Ortega Diaz, 36, admitted that he shipped 40 rifles from San Diego to Tijuana in 2020. "
        "He received 72 months in prison from U.S. District Judge Karen Mills."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case)["defendant"] == {"Ramon Ortega Diaz"}
    assert "Karen Mills" in view.args(case)["participant"]
    assert case.date == "2021-06-10"
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {"perpetrator": {"Ramon Ortega Diaz"}, "occurredIn": {"San Diego", "Tijuana"}}
    assert scheme.date == "2020"


def test_a_nameless_case_later_in_the_text_joins_nothing() -> None:
    view = run(
        "Maria Vela, 41, pleaded guilty on March 3 to firearms trafficking.\n\n"
        "Officials added that the cases show a trend.\n\n"
        "Separately, a grand jury indicted six people on gun charges in May."
    )
    (case,) = view.events("Lawsuit")
    assert case.date == "2021-03-03"


def test_a_prison_term_received_or_given_is_a_sentencing() -> None:
    view = run(
        "Carla Ruiz, 28, received 40 months in prison for buying pistols for the Gulf Cartel. "
        "Tomas Ibarra and Lena Ford were given terms of two years."
    )
    defendants = {d for e in view.events("Lawsuit") for d in view.args(e)["defendant"]}
    assert defendants == {"Carla Ruiz", "Tomas Ibarra", "Lena Ford"}


def test_guns_found_or_recovered_are_a_seizure_but_a_verdict_is_not() -> None:
    view = run(
        "Twelve Colt rifles were found on Monday inside a truck at a checkpoint in Sonoyta.\n\n"
        "Ana Soto was found guilty of smuggling in Yuma on Friday."
    )
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt"}, "occurredIn": {"Sonoyta"}}
    assert seizure.date == "2021-06-14"


def test_guns_recovered_since_are_a_reported_seizure_not_a_habit() -> None:
    view = run(
        "Police bought no guns. Eight of the pistols have since been recovered by police at crime scenes in Medellin."
    )
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"occurredIn": {"Medellín"}}


def test_governments_agreeing_to_act_is_a_policy_action() -> None:
    view = run("In 2020, Colombia and Panama agreed to share firearms tracing data.")
    (action,) = view.events("PolicyAction")
    assert view.args(action) == {"participant": {"Colombia", "Panama"}}
    assert action.date == "2020"


def test_an_operation_begun_by_bodies_named_in_a_relative_clause() -> None:
    view = run(
        "The arrests ended Operation Red Kite, a probe that the FBI and the Arizona Department of Public Safety "
        "launched last winter.",
        date="2021-06-15",
    )
    (operation,) = view.events("PolicyAction")
    assert operation.label == "Operation Red Kite"
    assert view.args(operation)["participant"] == {
        "Federal Bureau of Investigation",
        "Arizona Department of Public Safety",
    }
    assert operation.date == "2020"


def test_guns_of_a_model_named_with_its_maker_earlier_are_that_maker_s() -> None:
    view = run(
        "Agents said Ana Gil bought Ruger Mini-14 rifles in Dallas.\n\n"
        "Nine of the Mini-14 rifles were found by police in Monterrey in May."
    )
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Ruger"}, "occurredIn": {"Monterrey"}}


def test_a_dateline_place_does_not_locate_the_first_sentence_s_event() -> None:
    view = run("YUMA, Ariz. – Twelve Colt rifles were found on Monday inside a truck at the Yuma port of entry.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt"}, "occurredIn": {"Yuma"}}
    assert view.triples("locatedIn") == {("Yuma", "Arizona")}


def test_a_lede_that_counts_the_accused_gathers_the_sentencings_told_below() -> None:
    view = run(
        "DALLAS – A federal judge on Friday sentenced three members of a gun smuggling ring that supplied the "
        "Gulf Cartel.\n\n"
        "Rosa Vidal, 30, received 60 months in prison. Marco Pena and Ivan Soto were given terms of 40 months."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case)["defendant"] == {"Rosa Vidal", "Marco Pena", "Ivan Soto"}
    assert case.date == "2021-06-11"


def test_a_lede_about_one_person_does_not_gather_other_cases() -> None:
    view = run(
        "DALLAS – A Plano man was sentenced on Friday for trafficking rifles.\n\n"
        "Rosa Vidal, 30, received 60 months in prison. In a separate case, Ivan Soto was given a term of 40 months."
    )
    assert len(view.events("Lawsuit")) == 2


def test_a_country_inside_a_body_s_name_does_not_place_its_act() -> None:
    view = run("In 2020 the Parliament of Jamaica passed a new firearms law.")
    (action,) = view.events("PolicyAction")
    assert "occurredIn" not in view.args(action)


def test_the_town_after_federal_court_is_the_court_town() -> None:
    view = run("Pablo Ruiz Mena was charged in a complaint filed in federal court in Yuma with exporting firearms.")
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"defendant": {"Pablo Ruiz Mena"}, "occurredIn": {"Yuma"}}


def test_a_lawsuit_filed_against_gunmakers_names_who_filed_it() -> None:
    view = run("Guatemala filed a lawsuit against Glock and Ruger in federal court in Boston.")
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"plaintiff": {"Guatemala"}, "defendant": {"Glock", "Ruger"}, "occurredIn": {"Boston"}}


def test_a_seizure_takes_its_maker_from_the_next_sentence_about_the_same_guns() -> None:
    view = run("Police seized 40 rifles in Culiacan. The weapons were manufactured by Colt and Barrett.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt", "Barrett"}, "occurredIn": {"Culiacán"}}


SUIT_REPORTS = [
    (
        "Mexico sued Smith & Wesson and Colt in federal court in Boston on Wednesday, alleging their sales fuel "
        "cartel violence.",
        "2021-08-05",
    ),
    (
        "Judge Dennis Saylor in Boston dismissed the lawsuit Mexico filed against Smith & Wesson and Colt, siding "
        "with the United States gun industry.",
        "2022-09-30",
    ),
]


def test_one_suit_reported_by_two_documents_is_one_event_with_evidence_from_each() -> None:
    views = [run(text, date) for text, date in SUIT_REPORTS]
    suits = [view.events("Lawsuit") for view in views]
    assert [len(found) for found in suits] == [1, 1]
    (first,), (second,) = suits
    assert first.id == second.id
    for view, (text, _), suit in zip(views, SUIT_REPORTS, (first, second), strict=True):
        assert view.args(suit)["plaintiff"] == {"Mexico"}
        assert view.args(suit)["defendant"] == {"Smith & Wesson", "Colt"}
        cited = {r.evidence.text for r in view.extraction.relations if r.subject == suit.id}
        assert cited == {text}
    assert first.date == "2021-08-04" and second.date is None


def test_the_judge_and_a_country_named_in_passing_are_not_plaintiffs() -> None:
    view = run(SUIT_REPORTS[1][0], SUIT_REPORTS[1][1])
    (suit,) = view.events("Lawsuit")
    args = view.args(suit)
    assert args["participant"] == {"Dennis Saylor"}
    assert "United States" not in set().union(*args.values())


def test_different_parties_or_an_unnamed_scheme_make_different_events() -> None:
    mexico = {"plaintiff": {"mx"}, "defendant": {"colt", "sw"}}
    assert event_key("Lawsuit", mexico, "2021") == event_key("Lawsuit", {**mexico, "occurredIn": {"boston"}}, None)
    assert event_key("Lawsuit", mexico, None) != event_key("Lawsuit", {"defendant": {"colt"}}, None)
    assert event_key("Smuggling", {"participant": {"gulf"}}, None) is None
    monthly = event_key("Seizure", {"occurredIn": {"nogales"}}, "2019-03-03")
    assert monthly == event_key("Seizure", {"occurredIn": {"nogales"}}, "2019-03")
    assert monthly != event_key("Seizure", {"occurredIn": {"nogales"}}, "2019-04")
    assert event_key("PolicyAction", {}, None, "Project Gunrunner") == event_key(
        "PolicyAction", {}, "2006", "project gunrunner"
    )


def test_the_trained_models_decide_and_a_fold_s_models_can_be_swapped_in() -> None:
    text = "Mexico sued Smith & Wesson and Colt in federal court in Boston on Wednesday."
    assert run(text).events("Lawsuit")
    silent = MulticlassModel(("none", "Lawsuit"), {"none": 5.0, "Lawsuit": -5.0}, {})
    with using({TRIGGER_MODEL: silent}):
        assert run(text).events() == []


def test_every_extraction_names_the_models_that_made_it() -> None:
    version = run("Mexico sued Colt in Boston.").extraction.extractor_version
    assert version.startswith("ffkg-extract/")
    assert f"{TRIGGER_MODEL}=" in version and f"{ROLE_MODEL}=" in version


def test_a_decree_or_ban_by_a_named_government_is_a_policy_action() -> None:
    view = run(
        "Peruvian President Ollanta Humala declared a state of emergency in May and ordered troops to the border.\n\n"
        "In 2019, the Government of Chile banned the sale of assault rifles."
    )
    actions = {frozenset(view.args(e).get("participant", set())): e.date for e in view.events("PolicyAction")}
    assert actions == {frozenset({"Ollanta Humala"}): "2021-05", frozenset({"Chile"}): "2019"}


def test_conjoined_decrees_are_one_action_and_a_declaration_that_is_speech() -> None:
    view = run(
        "Ollanta Humala declared a curfew in June and designated two gangs as terrorist groups.\n\n"
        "The ATF declared that the border was safe."
    )
    (action,) = view.events("PolicyAction")
    assert view.args(action) == {"participant": {"Ollanta Humala"}}


def test_hearings_testimony_and_reports_are_events_with_participants() -> None:
    view = run("Senator Chuck Grassley held a hearing on gun trafficking in 2011.")
    (hearing,) = view.events("Event")
    assert view.args(hearing)["participant"] == {"Chuck Grassley"}
    view = run("Ken Salazar testified before the Senate Judiciary Committee on Tuesday.")
    (hearing,) = view.events("Event")
    assert view.args(hearing)["participant"] == {"Ken Salazar", "Senate Judiciary Committee"}
    view = run("A report by SEDENA found that 70 percent of guns seized in Mexico came from the United States.")
    (report,) = view.events("Event")
    assert view.args(report)["participant"] == {"Secretaría de la Defensa Nacional"}


def test_court_appearances_acquittals_and_handed_sentences_are_lawsuits() -> None:
    for text, town in [
        ("Juan Perez appeared in federal court in Tucson on Monday.", {"Tucson"}),
        ("Juan Perez made his initial appearance in federal court in Tucson on Monday.", {"Tucson"}),
        ("Juan Perez was handed a five-year sentence by a federal judge in Phoenix.", {"Phoenix"}),
        ("A federal jury in Tucson acquitted Juan Perez of smuggling charges.", {"Tucson"}),
    ]:
        view = run(text)
        (case,) = view.events("Lawsuit")
        assert view.args(case)["defendant"] == {"Juan Perez"}
        assert view.args(case)["occurredIn"] == town
    view = run("ATF Director Steven Dettelbach appeared before the House Judiciary Committee in June 2023.")
    assert [e.type for e in view.events()] == ["Event"]


def test_a_scheme_retold_without_its_smugglers_is_the_case_s_one_scheme() -> None:
    view = run(
        "Carlos Vega was sentenced in Houston to 30 months for smuggling rifles to the Gulf Cartel.\n\n"
        "The rifles were smuggled across the border into Mexico."
    )
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme)["perpetrator"] == {"Carlos Vega"}
    assert view.args(scheme)["participant"] == {"Gulf Cartel"}


def test_an_operation_is_run_by_the_agencies_its_sentence_names() -> None:
    view = run(
        "Operation Iron Gate, a joint effort of Europol and the Spanish Civil Guard, targeted arms dealers in Valencia."
    )
    (operation,) = view.events("PolicyAction")
    assert operation.label == "Operation Iron Gate"
    assert view.args(operation)["participant"] == {"Europol", "Spanish Civil Guard"}


def test_guns_discovered_by_agents_are_a_seizure_and_a_denied_one_is_none() -> None:
    view = run("Border officers discovered 12 Glock pistols hidden in a car in Nogales on Tuesday.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure)["weaponFrom"] == {"Glock"}
    assert seizure.date == "2021-06-15"
    assert run("Police did not seize any weapons in Toronto.").events() == []


def test_an_entity_fills_only_the_roles_its_type_can_fill() -> None:
    text = "Mexico sued Smith & Wesson in federal court in Boston on Wednesday."
    everyone_accused = MulticlassModel(("none", "defendant"), {"none": -5.0, "defendant": 5.0}, {})
    with using({ROLE_MODEL: everyone_accused}):
        view = run(text)
    (suit,) = view.events("Lawsuit")
    # Mexico and Boston cannot be accused; who sued is the hand rule's reading (the corpus has one plaintiff).
    assert view.args(suit) == {"defendant": {"Smith & Wesson"}, "plaintiff": {"Mexico"}}


def test_a_scheme_takes_the_places_its_guns_are_said_to_move_between() -> None:
    view = run(
        "Carlos Vega pleaded guilty in Houston to smuggling rifles to the Gulf Cartel.\n\n"
        "The rifles were bought in Dallas and later recovered in Monterrey."
    )
    assert view.triples("firearmsFlow") == {("Dallas", "Monterrey")}
    (scheme,) = view.events("Smuggling")
    assert {"Dallas", "Monterrey"} <= view.args(scheme)["occurredIn"]
    cited = {r.evidence.text for r in view.extraction.relations if r.subject == scheme.id}
    assert "The rifles were bought in Dallas and later recovered in Monterrey." in cited


def test_guns_detected_by_border_officers_are_a_seizure_by_that_agency() -> None:
    view = run("The Australian Border Force detected two undeclared pistols in a parcel in Sydney on Monday.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"participant": {"Australian Border Force"}, "occurredIn": {"Sydney"}}


def test_an_undeclared_import_is_a_scheme_and_a_plain_import_is_trade() -> None:
    view = run("Mark Levin imported 20 undeclared pistols from the United States into Australia.")
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {"perpetrator": {"Mark Levin"}, "occurredIn": {"United States", "Australia"}}
    assert run("Acme Arms imported 500 rifles from Italy, a customs filing shows.").events() == []


def test_a_date_that_modifies_another_noun_dates_that_event_not_the_plea() -> None:
    view = run(
        "Carlos Ibarra pleaded guilty to buying a pistol used in the May 2 attack on a police station in Reynosa."
    )
    (case,) = view.events("Lawsuit")
    (attack,) = view.events("Attack")
    assert case.date is None
    assert attack.date == "2021-05-02"


def test_a_court_case_is_placed_in_one_town() -> None:
    view = run(
        "A federal judge in Phoenix sentenced Luis Ortega, of Mesa, Arizona, to 40 months in prison. "
        "Ortega was convicted in Tucson in May."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case)["occurredIn"] == {"Phoenix"}


def test_the_makers_a_text_names_are_those_of_the_guns_of_its_seizure() -> None:
    view = run(
        "Police in Belize City found 20 rifles in a shipping container on Monday.\n\n"
        "Investigators said the guns were bought in Texas. Most were Bushmaster and Barrett rifles."
    )
    (seizure,) = view.events("Seizure")
    assert view.args(seizure)["weaponFrom"] == {"Bushmaster", "Barrett"}


def test_a_one_case_release_tells_one_scheme_whose_smugglers_are_accused() -> None:
    view = run(
        "DALLAS – Marta Solis was sentenced to 60 months in prison for smuggling rifles to Mexico.\n\n"
        "Solis admitted that she bought 30 rifles in Dallas and smuggled them to Monterrey. Hugo Ledesma and "
        "Rafael Cota illegally transported the rifles across the border."
    )
    (case,) = view.events("Lawsuit")
    (scheme,) = view.events("Smuggling")
    assert "Rafael Cota" in view.args(scheme)["perpetrator"]
    assert view.args(scheme)["perpetrator"] <= view.args(case)["defendant"]


def test_a_time_of_day_after_the_date_still_dates_the_verdict() -> None:
    view = run("On Friday afternoon, jurors in Del Rio convicted Emilio Varela of smuggling rifles to Mexico.")
    (case,) = view.events("Lawsuit")
    assert case.date == "2021-06-11"


def test_a_date_after_a_place_name_dates_the_verb_not_the_place() -> None:
    view = run("Customs officers seized 40 Colt rifles in Laredo last Monday.")
    (seizure,) = view.events("Seizure")
    assert seizure.date == "2021-06-07"


def test_a_release_s_case_is_placed_at_its_dateline_not_where_the_accused_lives() -> None:
    text = "PHOENIX – Jorge Ruiz of Glendale was sentenced on Tuesday to four years in prison for smuggling rifles."
    # Reads every person as accused and every town as the place, the town after "of" surest of all.
    reader = MulticlassModel(
        ("none", "defendant", "occurredIn"),
        {"none": 0.0, "defendant": 1.0, "occurredIn": 1.0},
        {"word_before=of": {"occurredIn": 2.0}},
    )
    with using({ROLE_MODEL: reader}):
        view = run(text)
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"defendant": {"Jorge Ruiz"}, "occurredIn": {"Phoenix"}}


def test_the_accused_of_a_one_case_release_smuggled_in_its_scheme() -> None:
    view = run(
        "EL PASO – A federal jury convicted Maria Lopez on Tuesday of conspiring to export firearms.\n\n"
        "According to court documents, the rifles were smuggled into Mexico for the Gulf Cartel."
    )
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme)["perpetrator"] == {"Maria Lopez"}
    assert view.args(scheme)["participant"] == {"Gulf Cartel"}


def test_the_court_that_hears_a_case_takes_part_in_it() -> None:
    view = run(
        "LEEDS – Tom Hale, 41, of Bradford, was sentenced at Leeds Crown Court on Friday to six years in prison "
        "for importing pistols."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case)["participant"] == {"Leeds Crown Court"}
    assert view.args(case)["defendant"] == {"Tom Hale"}


def test_a_role_the_model_ranks_second_to_none_by_a_little_is_still_filled() -> None:
    text = "Border Force officers found four pistols in a van at Dover on Friday."
    # Ranks every mention none (0.38) first and participant (0.34) or place (0.28) after it.
    reader = MulticlassModel(
        ("none", "participant", "occurredIn"),
        {"none": 0.3, "participant": 0.2, "occurredIn": 0.0},
        {},
    )
    with using({ROLE_MODEL: reader}):
        view = run(text)
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"participant": {"Border Force"}}
