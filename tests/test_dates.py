"""Date expressions resolve at the precision the text gives, relative ones against the doc date."""

from __future__ import annotations

import pytest

from kg.extract import load_pipeline
from kg.extract.dates import find_dates, resolve_date, sentence_dates, year_before


@pytest.mark.parametrize(
    ("expression", "doc_date", "expected"),
    [
        ("in 2019", None, "2019"),
        ("in March 2018", None, "2018-03"),
        ("late September", "2019-10-04", "2019-09"),
        ("On March 3", "2023-03-20", "2023-03-03"),
        ("Sept. 9, 2012", None, "2012-09-09"),
        ("On June 3, 2014, he pleaded guilty", None, "2014-06-03"),
        ("14 October 2015", None, "2015-10-14"),
        ("2016-05-04", None, "2016-05-04"),
        ("since 2011", None, "2011"),
        ("from May of 2019 to June of 2020", None, "2019-05"),
        ("between 2012 and 2014", None, "2012"),
        ("2012–2014", None, "2012"),
        ("yesterday", "2020-03-01", "2020-02-29"),
        ("this morning", "2015-06-09", "2015-06-09"),
        ("last night", "2015-06-09", "2015-06-08"),
        ("last week", "2019-04-03", "2019-03"),
        ("last year", "2018-07-01", "2017"),
        ("next month", "2018-12-15", "2019-01"),
        ("earlier this year", "2016-11-02", "2016"),
        ("Thursday, March 7", "2019-03-10", "2019-03-07"),
        ("on Tuesday", "2019-03-10", "2019-03-05"),
        ("last Friday", "2021-09-15", "2021-09-10"),
        ("last Tuesday", "2021-09-13", "2021-09-07"),
        ("last August", "2020-03-02", "2019-08"),
        ("until last February", "2020-03-02", "2020-02"),
        ("May 2 of last year", "2020-03-02", "2019-05-02"),
        ("in April of this year", "2020-09-02", "2020-04"),
        ("last winter", "2016-05-10", "2015"),
        ("during the summer", "2016-10-10", "2016"),
        ("in the autumn of 2011", "2016-10-10", "2011"),
        ("declared in January", "2020-07-20", "2020-01"),
        ("set for June 25", "2020-03-19", "2020-06-25"),
    ],
)
def test_resolves_expressions(expression: str, doc_date: str | None, expected: str) -> None:
    assert resolve_date(expression, doc_date) == expected


def test_yearless_day_takes_the_nearest_year() -> None:
    assert resolve_date("December 30", "2020-01-04") == "2019-12-30"
    assert resolve_date("scheduled for January 8", "2019-12-20") == "2020-01-08"
    assert resolve_date("on June 2", "2021-05-28") == "2021-06-02"


def test_relative_expressions_need_a_document_date() -> None:
    assert resolve_date("yesterday", None) is None
    assert resolve_date("On March 3", None) is None
    assert resolve_date("in March 2018", None) == "2018-03"


def test_a_season_followed_by_of_is_no_date() -> None:
    assert resolve_date("after the fall of the regime", "2016-10-10") is None


def test_non_dates_resolve_to_nothing() -> None:
    assert resolve_date("sentenced to 46 months in prison", "2019-01-01") is None
    assert find_dates("1,400 offenders and 1999 rifles", None) == []


def test_find_dates_gives_offsets_into_the_text() -> None:
    text = "They met on April 4, 2019 and again in 2020."
    found = find_dates(text, None, offset=100)
    assert [(m.value, m.text) for m in found] == [("2019-04-04", "April 4, 2019"), ("2020", "2020")]
    assert found[0].start == 100 + text.index("April")
    assert found[0].end - found[0].start == len("April 4, 2019")


def test_bare_years_tagged_by_the_parser_are_accepted() -> None:
    text = "The 2016 report said so."
    assert find_dates(text, None) == []
    found = find_dates(text, None, year_spans=((4, 8),))
    assert [m.value for m in found] == ["2016"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Between January and October 2023, agents seized 300 rifles at the border.", ["2023-01", "2023-10"]),
        ("From March to June 2022 the ring bought 40 pistols in Houston.", ["2022-03", "2022-06"]),
        ("The guns were bought from January through October of 2023.", ["2023-01", "2023-10"]),
        ("Between March 3 and April 9, 2019, he bought 12 rifles.", ["2019-03-03", "2019-04-09"]),
    ],
)
def test_a_range_is_dated_by_its_start_in_the_year_its_end_names(text: str, expected: list[str]) -> None:
    assert [d.value for d in find_dates(text, "2024-05-10")] == expected


def test_a_month_takes_the_year_the_paragraph_stated_before_it() -> None:
    text = "In 2021, the group bought 30 rifles in Dallas. In March, they drove them to Monterrey."
    assert [d.value for d in find_dates(text, "2024-05-10")] == ["2021", "2021-03"]
    assert [d.value for d in find_dates("In March, they drove them south.", "2024-05-10", context_year=2021)] == [
        "2021-03"
    ]
    assert year_before("In 2019 he began.\n\nOn March 3 he was sentenced.", 20) is None


def test_an_event_sentence_takes_the_year_stated_earlier_in_its_paragraph_not_the_publication_year() -> None:
    doc = load_pipeline()("In 2021, Ana Ruiz bought 30 rifles in Dallas. In March, she drove them to Monterrey.")
    second = list(doc.sents)[-1]
    assert [d.value for d in sentence_dates(second, "2024-05-10")] == ["2021-03"]


def test_a_day_just_before_publication_is_this_year_s_whatever_year_came_before() -> None:
    assert [m.value for m in find_dates("On February 28, he was sentenced.", "2024-02-29", context_year=2021)] == [
        "2024-02-28"
    ]
    assert [m.value for m in find_dates("In March, he shipped the rifles.", "2024-02-29", context_year=2021)] == [
        "2021-03"
    ]
    assert [m.value for m in find_dates("On March 3, he shipped the rifles.", "2024-02-29", context_year=2021)] == [
        "2021-03-03"
    ]
