"""Date expressions resolve at the precision the text gives, relative ones against the doc date."""

from __future__ import annotations

import pytest

from kg.extract.dates import find_dates, resolve_date


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
