import pytest

from accounts.emails import normalize_email, organisation_name_from_email


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("jane@acme.com", "Acme"),
        ("jane@mail.acme-robotics.io", "Acme Robotics"),
        ("jane@acme-robotics.co.uk", "Acme Robotics"),
        ("jane@hospital.com.au", "Hospital"),
        ("jane.doe+jobs@gmail.com", "Jane Doe's team"),
        ("sam_o@outlook.com", "Sam O's team"),
    ],
)
def test_it_names_a_new_organisation_after_the_email(email: str, expected: str) -> None:
    assert organisation_name_from_email(email) == expected


def test_it_folds_every_gmail_variant_to_one_mailbox() -> None:
    variants = ["Jane.Doe@gmail.com", "janedoe+trial@gmail.com", "j.a.n.e.doe@GoogleMail.com"]
    assert {normalize_email(v) for v in variants} == {"janedoe@gmail.com"}


def test_it_keeps_dots_for_providers_that_honour_them() -> None:
    assert normalize_email("Jane.Doe+x@Acme.com") == "jane.doe@acme.com"
