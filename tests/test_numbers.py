from decimal import Decimal

import pytest

from indicators.numbers import NumberFormatError, parse_number

# These tests check messages by their English wording.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.parametrize(
    ("text", "convention", "expected"),
    [
        ("1.746", "comma", Decimal("1746")),
        ("99,7", "comma", Decimal("99.7")),
        ("99,7%", "comma", Decimal("99.7")),
        ("1.234.567", None, Decimal("1234567")),
        ("1.234,5", None, Decimal("1234.5")),
        ("1,234.5", None, Decimal("1234.5")),
        ("87.14", None, Decimal("87.14")),
        ("99.7", "comma", Decimal("99.7")),
        ("1,746", "dot", Decimal("1746")),
        ("1.746", "dot", Decimal("1.746")),
        ("48.881", "dot", Decimal("48.881")),
        ("0,125", None, Decimal("0.125")),
        (" 15 071 ", None, Decimal("15071")),
        ("-3", None, Decimal("-3")),
        (12, None, Decimal("12")),
        (12.5, None, Decimal("12.5")),
    ],
)
def test_numbers_are_read_by_their_convention(text, convention, expected):
    assert parse_number(text, convention=convention).value == expected


@pytest.mark.parametrize("text", ["", "-", "N/A", "n/a", "—", None, float("nan")])
def test_missing_markers_are_no_value_not_zero(text):
    assert parse_number(text).value is None


def test_percent_sign_is_reported():
    assert parse_number("99,7%", convention="comma").percent is True


@pytest.mark.parametrize("text", ["1.746", "2,500"])
def test_lone_separator_before_three_digits_is_refused_without_a_convention(text):
    with pytest.raises(NumberFormatError, match="ambiguous"):
        parse_number(text)


@pytest.mark.parametrize("text", ["abc", "12a", "1.23.4", "1,2,3", "1.234,5.6", "%", "1..2"])
def test_non_numbers_are_refused_with_the_text(text):
    with pytest.raises(NumberFormatError) as excinfo:
        parse_number(text, convention="comma")
    assert text in str(excinfo.value)
