"""
The minimum fill time cannot be skipped: a token re-issued after a refused one is dated back
only for a visitor who provably spent the time on the form (their genuine token expired).
No token, a forged one or another form's buys no head start. (The JSON faces have the same
tests in tests/api/test_submissions.py.)
"""

import re
import time

import pytest

from tests.builders.appointments import configure, submit_url
from wagtail_conditions.appointments import tokens
from wagtail_conditions.appointments.tokens import (
    make_form_token,
    read_form_token,
    reissue_form_token,
)
from wagtail_conditions.models import AppointmentRequest

MIN_FILL = 3
TOKEN_MAX_AGE = 60 * 60 * 24


def _hidden_token(html):
    return re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)


def _refusal(raw, page_id, block_id):
    with pytest.raises(tokens.InvalidToken) as refused:
        read_form_token(raw, page_id=page_id, block_id=block_id)
    return refused.value


@pytest.mark.parametrize(
    "raw, spent_time",
    [
        pytest.param(None, False, id="missing"),
        pytest.param("not-a-token", False, id="forged"),
        pytest.param(make_form_token(7, "other-block"), False, id="other-form"),
        pytest.param(make_form_token(7, "block", now=time.time() + 3600), False, id="future"),
        pytest.param(
            make_form_token(7, "block", now=time.time() - TOKEN_MAX_AGE - 5), True, id="expired"
        ),
    ],
)
def test_only_an_expired_genuine_token_proves_time_spent(raw, spent_time, settings):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=MIN_FILL)
    refused = _refusal(raw, 7, "block")
    assert refused.spent_time is spent_time

    fresh = read_form_token(reissue_form_token(7, "block", refused), page_id=7, block_id="block")

    expected_age = MIN_FILL if spent_time else 0
    assert expected_age <= fresh.age() < expected_age + 2


@pytest.mark.parametrize("bad_token", ["not-a-token", ""], ids=["forged", "empty"])
def test_html_form_sent_with_a_bad_token_gets_a_token_that_is_not_aged(
    form_page, send, settings, bad_token
):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=MIN_FILL)
    payload = form_page.payload(token=bad_token)

    refused = send("post", submit_url(), payload)

    assert refused.status_code == 403
    assert AppointmentRequest.objects.count() == 0
    fresh = _hidden_token(refused.content.decode())
    token = read_form_token(fresh, page_id=form_page.page.pk, block_id=form_page.block_id)
    assert token.age() < 2
    # Sent again at once: stored (nothing a patient sends is dropped), but held as too fast.
    again = send("post", submit_url(), {**payload, "token": fresh})

    assert again.status_code == 303
    row = AppointmentRequest.objects.get()
    assert (row.status, row.spam_reason, row.notification_status) == (
        "spam",
        "too_fast",
        "not_required",
    )
