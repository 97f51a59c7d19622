"""Relations between named entities, through the real pipeline, on sentences written for these tests."""

from __future__ import annotations

from extraction_view import run

from kg.records import RELATION_PREDICATES


def test_a_title_before_the_name_gives_the_affiliation() -> None:
    view = run("DEA Special Agent in Charge Maria Lopez said the case was closed.")
    assert view.triples("affiliatedWith") == {("Maria Lopez", "Drug Enforcement Administration")}


def test_a_former_title_is_kept() -> None:
    view = run("Former FBI Director James Comey testified on Tuesday.")
    assert view.triples("affiliatedWith") == {("James Comey", "Federal Bureau of Investigation")}


def test_an_apposition_after_the_name_gives_the_affiliation() -> None:
    view = run("Carlos Ruiz, an analyst at the Brookings Institution, said the flows grew.")
    assert view.triples("affiliatedWith") == {("Carlos Ruiz", "Brookings Institution")}


def test_a_title_with_of_after_the_name_gives_the_affiliation() -> None:
    view = run('"We are watching," said Director Laura Chen of the Drug Enforcement Administration.')
    assert view.triples("affiliatedWith") == {("Laura Chen", "Drug Enforcement Administration")}


def test_a_member_named_after_the_group_is_affiliated() -> None:
    view = run("The guns went to a lieutenant of the Gulf Cartel, Mario Salinas.")
    assert view.triples("affiliatedWith") == {("Mario Salinas", "Gulf Cartel")}


def test_a_criminal_role_before_the_name_is_membership() -> None:
    view = run("Sinaloa Cartel hitman Juan Perez was arrested in Culiacan.")
    assert view.triples("affiliatedWith") == {("Juan Perez", "Sinaloa Cartel")}


def test_an_apposition_naming_no_role_at_a_body_gives_nothing() -> None:
    view = run("Maria Lopez, a member of the public, told the FBI about the guns.")
    assert view.triples("affiliatedWith") == set()


def test_a_title_that_names_no_body_gives_nothing() -> None:
    view = run("Vice President Kamala Harris spoke with reporters in Washington.")
    assert view.triples("affiliatedWith") == set()


def test_a_title_implies_the_body_the_text_names_elsewhere() -> None:
    view = run(
        "Attorney General Maria Lopez announced the charges on Monday. The Justice Department said the case was closed."
    )
    assert view.triples("affiliatedWith") == {("Maria Lopez", "Justice Department")}


def test_a_title_implies_no_body_the_text_does_not_name() -> None:
    view = run("Attorney General Maria Lopez announced the charges on Monday in Houston.")
    assert view.triples("affiliatedWith") == set()


def test_a_foreign_title_does_not_imply_the_american_body() -> None:
    view = run("The Justice Department filed the case. Mexican Attorney General Juan Perez welcomed it.")
    assert ("Juan Perez", "Justice Department") not in view.triples("affiliatedWith")


def test_persons_listed_under_one_title_share_the_implied_body() -> None:
    view = run("Senators Laura Chen (D-VT) and Mark Ruiz (R-ME) wrote the bill. The Senate passed it in May.")
    assert {("Laura Chen", "U.S. Senate"), ("Mark Ruiz", "U.S. Senate")} <= view.triples("affiliatedWith")


def test_city_state_country_appositions_are_located_one_step_at_a_time() -> None:
    view = run("Police arrested Ana Soto in El Paso, Texas, and Luis Vega in Monterrey, Nuevo Leon, Mexico.")
    assert view.triples("locatedIn") == {
        ("El Paso", "Texas"),
        ("Monterrey", "Nuevo Leon"),
        ("Nuevo Leon", "Mexico"),
    }


def test_based_and_in_place_an_organisation() -> None:
    view = run("The rifles were traced to a Miami-based company, Acme Arms Inc., and to the Sinaloa Cartel in Mexico.")
    assert view.triples("locatedIn") == {("Acme Arms Inc.", "Miami"), ("Sinaloa Cartel", "Mexico")}


def test_based_names_only_the_next_name() -> None:
    view = run("The rifles were traced to a Miami-based lawyer, Maria Lopez, and to the Sinaloa Cartel in Mexico.")
    assert view.triples("locatedIn") == {("Sinaloa Cartel", "Mexico")}


def test_places_without_an_apposition_are_not_located() -> None:
    view = run("Agents drove from Tucson to Phoenix and then flew to Mexico.")
    assert view.triples("locatedIn") == set()


def test_guns_smuggled_from_a_place_into_another_flow() -> None:
    view = run("Agents said the rifles were smuggled from Arizona into Sonora in March 2019.")
    assert view.triples("firearmsFlow") == {("Arizona", "Sonora")}


def test_a_habitual_statement_is_a_flow_with_its_figures() -> None:
    view = run(
        "Thousands of guns are trafficked from Texas to Mexico every year, "
        "about 70 percent of the total, mostly by straw purchasers."
    )
    assert view.triples("firearmsFlow") == {("Texas", "Mexico")}
    (flow,) = view.flows()
    assert flow.attributes["method"] == "straw purchasing"
    assert flow.attributes["share"] == "70 percent"
    assert flow.attributes["quantity"] == "Thousands of guns"
    assert view.args(flow) == {"origin": {"Texas"}, "destination": {"Mexico"}}


def test_a_purchase_place_is_an_origin_when_the_guns_move() -> None:
    view = run("The two men bought the guns in Houston and drove them into Mexico.")
    assert view.triples("firearmsFlow") == {("Houston", "Mexico")}


def test_guns_traced_to_a_country_come_from_it() -> None:
    view = run("ATF traced 70 percent of the guns recovered in Mexico to the United States.")
    assert view.triples("firearmsFlow") == {("United States", "Mexico")}


def test_guns_bought_in_one_place_and_destined_for_another_flow() -> None:
    view = run("The guns, purchased in Phoenix, were destined for Sinaloa.")
    assert view.triples("firearmsFlow") == {("Phoenix", "Sinaloa")}


def test_guns_found_in_a_place_and_smuggled_from_another_flow_there() -> None:
    view = run("Most crime guns in Toronto are smuggled from the United States, police said.")
    assert view.triples("firearmsFlow") == {("United States", "Toronto")}


def test_the_state_after_a_city_only_locates_the_destination() -> None:
    view = run("Police said the pistols were mailed from Tucson to Culiacan, Sinaloa, in 2018.")
    assert view.triples("firearmsFlow") == {("Tucson", "Culiacán")}
    assert view.triples("locatedIn") == {("Culiacán", "Sinaloa")}


def test_guns_sent_to_buyers_in_a_city_flow_there() -> None:
    view = run("Omar Reyes shipped rifles from Laredo to customers in Monterrey.")
    assert view.triples("firearmsFlow") == {("Laredo", "Monterrey")}


def test_a_second_route_in_its_own_clause_is_not_crossed_with_the_first() -> None:
    view = run(
        "Couriers drove rifles from Tucson into Nogales, while a second crew ran pistols from Phoenix into Hermosillo."
    )
    assert view.triples("firearmsFlow") == {("Tucson", "Nogales"), ("Phoenix", "Hermosillo")}


def test_a_flow_needs_a_stated_origin() -> None:
    view = run("The pistols were smuggled into Guatemala last year.")
    assert view.triples("firearmsFlow") == set()
    assert view.flows() == []


def test_between_gives_direction_and_through_gives_transit() -> None:
    view = run("The smuggling ring moved guns between Texas and Guatemala through Mexico in 2018.")
    assert view.triples("firearmsFlow") == {("Texas", "Guatemala")}
    (flow,) = view.flows()
    assert view.args(flow) == {"origin": {"Texas"}, "destination": {"Guatemala"}, "via": {"Mexico"}}
    assert flow.attributes["period"] == "2018"


def test_a_quoted_nickname_names_the_method() -> None:
    view = run('Rifles are carried from Arizona into Sonora in small loads, a practice dubbed "ant trafficking".')
    (flow,) = view.flows()
    assert flow.attributes["method"] == "ant trafficking"


def test_flows_of_one_route_share_one_node() -> None:
    view = run(
        "In 2019, 500 rifles were smuggled from Texas to Mexico.\n\n"
        "More guns were trafficked from Texas into Mexico by mail."
    )
    (flow,) = view.flows()
    assert flow.attributes["quantity"] == "500 rifles"
    assert flow.attributes["method"] == "mail"
    assert len(flow.mentions) == 2


def test_a_maker_before_a_weapon_makes_it() -> None:
    view = run("Police recovered Glock pistols and Colt and Sig Sauer rifles at the scene.")
    assert view.triples("manufactures") == {("Glock", "pistol"), ("Colt", "rifle"), ("Sig Sauer", "rifle")}


def test_a_maker_in_a_model_name_and_made_by_make_it() -> None:
    view = run("A Beretta 92 pistol and rifles made by Ruger were found near the border.")
    assert view.triples("manufactures") == {("Beretta", "Beretta 92"), ("Ruger", "rifle")}


def test_a_maker_without_a_weapon_makes_nothing() -> None:
    view = run("Mexico sued Glock and Colt in a Boston court.")
    assert view.triples("manufactures") == set()


def test_every_relation_cites_its_sentence() -> None:
    text = "The market was busy.\n\nAgents said the rifles were smuggled from Arizona into Sonora."
    view = run(text)
    relations = [r for r in view.extraction.relations if r.predicate in RELATION_PREDICATES]
    assert relations
    for relation in relations:
        assert 0.0 <= relation.confidence <= 1.0
        assert text[relation.evidence.start : relation.evidence.end] == relation.evidence.text
        assert relation.evidence.text.startswith("Agents said")


def test_an_apposition_naming_an_office_by_its_title_gives_the_affiliation() -> None:
    view = run("Maria Soto, the U.S. Attorney for the District of Arizona, praised the agents.")
    assert view.triples("affiliatedWith") == {("Maria Soto", "U.S. Attorney for the District of Arizona")}


def test_a_police_rank_in_an_apposition_gives_the_affiliation() -> None:
    view = run("Kevin Moore, a superintendent in the Royal Bahamas Police Force, said the guns came from Florida.")
    assert view.triples("affiliatedWith") == {("Kevin Moore", "Royal Bahamas Police Force")}


def test_a_model_made_by_a_maker_is_the_model_not_the_generic_weapon() -> None:
    view = run("Agents found 40 AR-15 rifles made by Colt in the truck.")
    assert view.triples("manufactures") == {("Colt", "AR-15")}


def test_a_place_inside_a_body_s_name_is_no_route_end() -> None:
    view = run(
        "Rifles bought in Dallas were smuggled to Hermosillo, the U.S. Attorney's Office for the Northern "
        "District of Texas said."
    )
    assert view.triples("firearmsFlow") == {("Dallas", "Hermosillo")}


def test_a_flow_period_is_the_date_the_text_gives_it() -> None:
    view = run("Between 2015 and 2019, traffickers smuggled rifles from Arizona into Sonora.")
    (flow,) = view.flows()
    assert flow.attributes["period"] == "2015"


def test_a_flow_without_a_stated_date_has_no_period_not_the_publication_date() -> None:
    view = run("Traffickers smuggled rifles from Arizona into Sonora, officials said on Tuesday.", date="2021-06-15")
    (flow,) = view.flows()
    assert "period" not in flow.attributes


def test_the_start_of_a_programme_is_no_flow_period() -> None:
    view = run("Under a programme launched in 2006, agents traced pistols smuggled from Texas into Tamaulipas.")
    assert view.triples("firearmsFlow") == {("Texas", "Tamaulipas")}
    (flow,) = view.flows()
    assert "period" not in flow.attributes


def test_an_agent_with_a_body_is_affiliated_with_it() -> None:
    view = run("Mark Ellis, a special agent with the FBI, said the pistols were seized in May.")
    assert view.triples("affiliatedWith") == {("Mark Ellis", "Federal Bureau of Investigation")}


def test_a_possessive_before_a_title_names_the_body() -> None:
    view = run("The Gulf Cartel's regional boss, Ramon Ortega, was arrested near the border.")
    assert view.triples("affiliatedWith") == {("Ramon Ortega", "Gulf Cartel")}


def test_a_body_based_in_a_place_is_located_there() -> None:
    view = run("Acme Arms Inc., a gun dealer based in Houston, sold the rifles to the buyers.")
    assert view.triples("locatedIn") == {("Acme Arms Inc.", "Houston")}


def test_a_person_who_only_talks_to_a_body_is_not_affiliated() -> None:
    view = run("Ana Soto told the FBI that the rifles came from a shop in Phoenix.")
    assert view.triples("affiliatedWith") == set()


def test_a_denied_membership_is_no_affiliation() -> None:
    view = run("Prosecutors said Luis Vega was never a member of the Sinaloa Cartel.")
    assert view.triples("affiliatedWith") == set()
