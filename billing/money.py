"""Money formatting and arithmetic on integer cents. Pure: no Django import."""

from __future__ import annotations


def format_cents(cents: int, *, currency_symbol: str = "$") -> str:
    """`1234` -> "$12.34", `-50` -> "-$0.50", `1234567` -> "$12,345.67"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{currency_symbol}{dollars:,}.{rest:02d}"


def candidates_covered(cents: int, price_per_candidate_cents: int) -> int:
    """How many candidates `cents` pays for; nothing when the balance is negative."""
    if price_per_candidate_cents <= 0:
        raise ValueError("the price per candidate must be positive")
    return max(cents, 0) // price_per_candidate_cents


def proportional_cents(total_cents: int, part: int, whole: int) -> int:
    """`total_cents * part / whole`, rounded half up, in integers only.

    Used to claw back the credits of a partial refund: refunding $5 of a $10 pack that gave 1,000
    cents of credit claws back 500.
    """
    if whole <= 0:
        raise ValueError("the whole must be positive")
    part = min(max(part, 0), whole)
    return (total_cents * part * 2 + whole) // (whole * 2)


def parse_dollars(text: str) -> int:
    """ "12.5" -> 1250, "-3" -> -300. Raises ValueError on anything that is not an amount."""
    raw = text.strip().replace(",", "").replace("$", "")
    negative = raw.startswith("-")
    raw = raw.lstrip("+-").strip()
    whole, _, fraction = raw.partition(".")
    if not whole and not fraction:
        raise ValueError("enter an amount such as 10.00")
    if not (whole or "0").isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 2:
        raise ValueError("enter an amount in dollars with at most two decimals, such as 10.50")
    cents = int(whole or "0") * 100 + int((fraction + "00")[:2])
    return -cents if negative else cents
