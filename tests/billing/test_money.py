import pytest

from billing.money import candidates_covered, format_cents, parse_dollars, proportional_cents


def test_it_formats_cents_as_dollars() -> None:
    assert format_cents(300) == "$3.00"
    assert format_cents(5) == "$0.05"
    assert format_cents(-150) == "-$1.50"
    assert format_cents(1_234_567) == "$12,345.67"


def test_it_counts_the_candidates_a_balance_pays_for() -> None:
    assert candidates_covered(300, 5) == 60
    assert candidates_covered(304, 5) == 60
    assert candidates_covered(-20, 5) == 0


def test_it_claws_back_in_proportion_with_integer_rounding() -> None:
    assert proportional_cents(1000, 500, 1000) == 500
    assert proportional_cents(1000, 1000, 1000) == 1000
    assert proportional_cents(2500, 1, 3) == 833
    assert proportional_cents(1000, 2000, 1000) == 1000  # never more than the whole


def test_it_reads_dollar_amounts_typed_by_staff() -> None:
    assert parse_dollars("10") == 1000
    assert parse_dollars("$1,250.5") == 125050
    assert parse_dollars("-2.50") == -250
    for bad in ("", "ten", "1.234", "1.2.3"):
        with pytest.raises(ValueError, match="amount"):
            parse_dollars(bad)
