"""Events and their arguments, through the real pipeline, on sentences written for these tests."""

from __future__ import annotations

from extraction_view import run
from spacy.tokens import Doc

from kg.extract import load_pipeline
from kg.extract.context import sentences
from kg.records import EVENT_ROLES


def test_a_sentencing_gives_a_lawsuit_with_defendant_judge_and_court_town() -> None:
    view = run(
        "Juan Perez, 34, of Phoenix, was sentenced in Tucson federal court by U.S. District Judge Ana Ruiz "
        "to 60 months in prison."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"defendant": {"Juan Perez"}, "participant": {"Ana Ruiz"}, "occurredIn": {"Tucson"}}
    assert case.date is None


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


def test_separate_cases_stay_separate_and_a_charge_name_is_no_scheme() -> None:
    view = run(
        "Maria Vela, 41, pleaded guilty on March 3 to one count of firearms trafficking.\n\n"
        "On April 9, Jose Ortiz was sentenced for smuggling rifles from Arizona to Sonora."
    )
    cases = {frozenset(view.args(e)["defendant"]): e.date for e in view.events("Lawsuit")}
    assert cases == {frozenset({"Maria Vela"}): "2021-03-03", frozenset({"Jose Ortiz"}): "2021-04-09"}
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {"perpetrator": {"Jose Ortiz"}, "occurredIn": {"Arizona", "Sonora"}}


def test_a_seizure_names_the_maker_and_the_place() -> None:
    view = run("Customs officers seized 30 Colt rifles in Nogales on March 3, 2019.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt"}, "occurredIn": {"Nogales"}}
    assert seizure.date == "2019-03-03"
    assert seizure.label == "seizure of weapons made by Colt in Nogales"


def test_an_attack_names_target_perpetrator_weapons_and_place() -> None:
    view = run("Sinaloa Cartel gunmen attacked police chief Carlos Mendez in Culiacan in May 2019 with Barrett rifles.")
    (attack,) = view.events("Attack")
    assert view.args(attack) == {
        "target": {"Carlos Mendez"},
        "perpetrator": {"Sinaloa Cartel"},
        "weaponFrom": {"Barrett"},
        "occurredIn": {"Culiacán"},
    }
    assert attack.date == "2019-05"
    assert attack.label == "attack on Carlos Mendez by Sinaloa Cartel in Culiacán"


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


def test_relative_dates_resolve_against_the_document_date() -> None:
    view = run("The governments of Canada and Mexico yesterday renewed their pact.", date="2022-03-01")
    (meeting,) = view.events("Event")
    assert view.args(meeting) == {"participant": {"Canada", "Mexico"}}
    assert meeting.date == "2022-02-28"


def test_statistics_and_generalities_are_not_events() -> None:
    view = run(
        "About 2,000 guns are smuggled from Arizona into Mexico each year, officials estimate.\n\n"
        "Cartels kill thousands of people in Mexico every year."
    )
    assert view.events() == []
    assert view.triples("firearmsFlow") == {("Arizona", "Mexico")}


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


def test_an_unlawful_purchase_moved_abroad_is_the_scheme_of_the_pronoun_s_antecedent() -> None:
    view = run(
        "In Laredo, a federal judge sentenced Luis Mora, 30, to 70 months in prison. Mora admitted that he "
        "illegally purchased 30 rifles in Dallas in 2019 and transported them into Mexico for the Gulf Cartel."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"defendant": {"Luis Mora"}, "occurredIn": {"Laredo"}}
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {
        "perpetrator": {"Luis Mora"},
        "participant": {"Gulf Cartel"},
        "occurredIn": {"Dallas", "Mexico"},
    }
    assert scheme.date == "2019"


def test_a_passive_attack_takes_its_agent_not_its_victim_as_perpetrator() -> None:
    view = run("Gulf Cartel leader Mario Salinas was killed by soldiers in Reynosa on Sunday.")
    (attack,) = view.events("Attack")
    assert view.args(attack) == {"target": {"Mario Salinas"}, "occurredIn": {"Reynosa"}}
    assert attack.date == "2021-06-13"


def test_the_court_town_wins_over_the_dateline() -> None:
    view = run(
        "OTTAWA – A Detroit man, Darnell Wilks, 27, pleaded guilty in federal court in Detroit on Monday "
        "to trafficking firearms to Canada."
    )
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"defendant": {"Darnell Wilks"}, "occurredIn": {"Detroit"}}
    assert case.date == "2021-06-14"
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {"perpetrator": {"Darnell Wilks"}, "occurredIn": {"Canada"}}


def test_violence_counts_lawful_supply_and_drug_cases_are_no_gun_events() -> None:
    view = run(
        "Cartel violence killed 30,000 people in Mexico in 2019.\n\n"
        "The United States supplied weapons to Ukraine in 2022.\n\n"
        "Juan Lopez was arrested in Miami in May for drug trafficking."
    )
    assert [e.type for e in view.events()] == []


def test_the_guns_talked_about_before_extend_the_same_scheme() -> None:
    view = run(
        "PHOENIX – Marco Delgado, 31, was sentenced by U.S. District Judge Susan Bolton to 87 months in prison "
        "for conspiracy to traffic firearms to Mexico.\n\n"
        "The firearms were then smuggled across the border to members of the Sinaloa Cartel."
    )
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme) == {
        "perpetrator": {"Marco Delgado"},
        "participant": {"Sinaloa Cartel"},
        "occurredIn": {"Mexico"},
    }


def test_who_is_named_in_the_gathering_joined_takes_part() -> None:
    view = run(
        "Canadian Foreign Minister Melanie Joly traveled to Jamaica to participate in the Canada-CARICOM Summit "
        "on March 3, 2023."
    )
    (summit,) = view.events("Event")
    assert view.args(summit) == {"participant": {"Melanie Joly", "Canada", "Caribbean Community"}}
    assert summit.date == "2023-03-03"


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


def test_admitting_alone_is_no_case() -> None:
    view = run("The minister, Pablo Rey, admitted that the border is hard to police.")
    assert view.events("Lawsuit") == []


def test_guns_shipped_sent_or_mailed_by_a_named_person_are_a_scheme() -> None:
    view = run(
        "Police said Anton Weiss mailed 12 pistols from Dallas to Monterrey last August.\n\n"
        "Separately, Hugo Lema sent 20 pistol frames to buyers in Guatemala City."
    )
    schemes = {frozenset(view.args(e)["perpetrator"]): e for e in view.events("Smuggling")}
    assert set(schemes) == {frozenset({"Anton Weiss"}), frozenset({"Hugo Lema"})}
    assert schemes[frozenset({"Anton Weiss"})].date == "2020-08"
    assert view.args(schemes[frozenset({"Anton Weiss"})])["occurredIn"] == {"Dallas", "Monterrey"}


def test_shipping_by_a_state_or_shipping_goods_is_no_scheme() -> None:
    view = run(
        "The United States shipped rifles to Ukraine in 2022.\n\n"
        "Hugo Lema sent 30 boxes of shoes from Dallas to Monterrey in 2019."
    )
    assert view.events("Smuggling") == []


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


def test_a_president_s_country_is_not_a_second_actor_and_a_deep_place_does_not_locate_the_action() -> None:
    view = run(
        "Peru's President Ollanta Humala declared an emergency in January.\n\n"
        "In 2019, Colombia and Panama agreed to share records on rifles seized in Ecuador, most of which "
        "are smuggled from the United States.",
        date="2021-07-20",
    )
    actions = {frozenset(view.args(e)["participant"]): (view.args(e).get("occurredIn"), e.date) for e in view.events()}
    assert actions == {
        frozenset({"Ollanta Humala"}): (None, "2021-01"),
        frozenset({"Colombia", "Panama"}): (None, "2019"),
    }


def test_guns_of_a_model_named_with_its_maker_earlier_are_that_maker_s() -> None:
    view = run(
        "Agents said Ana Gil bought Ruger Mini-14 rifles in Dallas.\n\n"
        "Nine of the Mini-14 rifles were found by police in Monterrey in May."
    )
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Ruger"}, "occurredIn": {"Monterrey"}}


def test_a_recovery_after_an_ambush_on_a_town_s_outskirts_is_placed_there() -> None:
    view = run(
        "Several of the pistols were recovered on March 14 of last year, after Gulf Cartel gunmen ambushed a "
        "patrol of the Mexican Navy on the outskirts of Reynosa.",
        date="2023-06-22",
    )
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"occurredIn": {"Reynosa"}}
    assert seizure.date == "2022-03-14"
    (attack,) = view.events("Attack")
    assert view.args(attack)["occurredIn"] == {"Reynosa"}


def test_a_dateline_place_does_not_locate_the_first_sentence_s_event() -> None:
    view = run("YUMA, Ariz. – Twelve Colt rifles were found on Monday inside a truck at the Yuma port of entry.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt"}, "occurredIn": {"Yuma"}}
    assert view.triples("locatedIn") == {("Yuma", "Arizona")}


def test_people_among_those_charged_are_defendants() -> None:
    view = run("Police said Omar Haddad, 31, of Hamilton, and Rita Kowal, 25, are among those charged.")
    (case,) = view.events("Lawsuit")
    assert view.args(case) == {"defendant": {"Omar Haddad", "Rita Kowal"}}


def test_charges_announced_with_a_statement_are_dated_by_it_but_reported_charges_by_their_own_day() -> None:
    view = run(
        "TORONTO – Handguns smuggled from Michigan make up most crime guns seized in Toronto, police said on "
        "Tuesday, as they announced charges against six people.\n\n"
        "Omar Haddad, 31, of Hamilton, and Rita Kowal, 25, are among those charged.\n\n"
        "Prosecutors filed charges against Leo Brandt on Friday, police said Monday.",
        date="2025-02-12",
    )
    cases = {frozenset(view.args(e)["defendant"]): e.date for e in view.events("Lawsuit")}
    assert cases == {frozenset({"Omar Haddad", "Rita Kowal"}): "2025-02-11", frozenset({"Leo Brandt"}): "2025-02-07"}


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


def test_nominal_and_conjoined_court_steps_find_the_accused() -> None:
    for text, accused in [
        ("The arrest and indictment of Tomas Olvera followed a two-year investigation.", "Tomas Olvera"),
        ("Charges were filed against Irene Basurto in the Southern District of Texas.", "Irene Basurto"),
        ("Nestor Quiroga was extradited to the United States and charged with weapons trafficking.", "Nestor Quiroga"),
        ("Dario Fuentes was arraigned Tuesday in Laredo on charges of conspiring to export firearms.", "Dario Fuentes"),
    ]:
        view = run(text)
        (case,) = view.events("Lawsuit")
        assert accused in view.args(case)["defendant"]


def test_a_crew_moving_guns_and_an_organizer_are_smuggling() -> None:
    view = run("The ring moved more than 200 rifles from Houston to Monterrey between 2019 and 2021.")
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme)["occurredIn"] == {"Houston", "Monterrey"}
    view = run("Prosecutors say Ernesto Tovar organized the smuggling of 60 AK-47 rifles from Texas to Tamaulipas.")
    (scheme,) = view.events("Smuggling")
    assert view.args(scheme)["perpetrator"] == {"Ernesto Tovar"}


def test_a_seizure_takes_its_maker_from_the_next_sentence_about_the_same_guns() -> None:
    view = run("Police seized 40 rifles in Culiacan. The weapons were manufactured by Colt and Barrett.")
    (seizure,) = view.events("Seizure")
    assert view.args(seizure) == {"weaponFrom": {"Colt", "Barrett"}, "occurredIn": {"Culiacán"}}


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


def test_statistics_and_habits_stay_out_of_events() -> None:
    for text in [
        "Every year, about 200,000 guns are smuggled from the United States into Mexico.",
        "Straw purchasers often buy rifles in Texas for cartels.",
        "Mexico prioritizes firearms flows in its talks with the United States.",
    ]:
        assert run(text).events() == []


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
