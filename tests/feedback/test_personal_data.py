"""A comment that looks like personal data (an email address, a phone number in any of the
usual international spellings) is refused; ordinary numbers are not."""

import pytest

from wagtail_conditions.feedback.personal_data import looks_like_personal_data, phone_numbers


@pytest.mark.parametrize(
    "comment",
    [
        "ann@example.com",
        "write to Ann.Smith+clinic@mail.example.co.uk please",
        "ann . smith @ example . org",
        "+44 20 7946 0000",
        "020 7946 0000",
        "call me on 07700900123",
        "(555) 123-4567",
        "+1.555.123.4567",
        "+1 (555) 123 4567",
        "+33 6 12 34 56 78",
        "06.12.34.56.78",
        "0034 612 345 678",
        "+49 30-1234567",
        "555-0100 after 6",
        "my card 4111 1111 1111 1111",
        "+44\u00a020\u00a07946\u00a00000",
    ],
)
def test_refused(comment):
    assert looks_like_personal_data(comment)


@pytest.mark.parametrize(
    "comment",
    [
        "It took 3 weeks to get better.",
        "I take it 2 times a day.",
        "400 mg ibuprofen 3 times a day for 10 days",
        "Started on 10.12.2024, better by 2024-12-20",
        "Between 2 and 3 times, for 4-6 weeks",
        "1.5 hours of stretching",
        "Page 12 of 20 was confusing",
        "I am 45 years old and 180 cm tall",
        "At 10:30 on 12/03",
        "100% helpful",
        "The 2019 - 2020 season was worse",
        "1 2 3 4 5 6",
        "",
    ],
)
def test_accepted(comment):
    assert not looks_like_personal_data(comment)


def test_the_phone_number_found_is_the_whole_run():
    assert phone_numbers("Ring +44 20 7946 0000 today") == ["+44 20 7946 0000"]
