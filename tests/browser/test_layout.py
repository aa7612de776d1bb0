"""Component headings keep their own spacing and size: the page's plain heading styles must not
override a card's title (once a 32 px blank band at the top of every card) or the headings of
"On this page", callouts and calls to action."""

import pytest

from wagtail_conditions.models import ConditionIndexPage, TherapyIndexPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The gap between a box's top border and its first heading: the box's top padding (1rem) and
# nothing more. A heading's own top margin would add to it.
PADDING = 16


def top_gaps(page, box, heading):
    """For every ``box`` on the page, the pixels between its top edge and its ``heading``."""
    return page.eval_on_selector_all(
        box,
        """(boxes, heading) => boxes.map(box => {
            const title = box.querySelector(heading);
            const style = getComputedStyle(box);
            return Math.round(title.getBoundingClientRect().top - box.getBoundingClientRect().top
                - parseFloat(style.borderTopWidth));
        })""",
        heading,
    )


@pytest.mark.parametrize("index_model", [ConditionIndexPage, TherapyIndexPage])
def test_cards_have_no_blank_band_above_their_title(page, live_demo_condition, index_model):
    page.goto(index_model.objects.get().url)
    gaps = top_gaps(page, ".wc-card", ".wc-card__title")
    assert gaps and all(gap == PADDING for gap in gaps), gaps


def test_condition_page_component_headings_keep_their_own_style(page, live_demo_condition):
    page.goto(live_demo_condition.url)
    assert top_gaps(page, ".wc-card", ".wc-card__title")  # the linked therapies
    assert set(top_gaps(page, ".wc-card", ".wc-card__title")) == {PADDING}
    contents_title = page.locator(".wc-contents__title")
    assert contents_title.evaluate("e => getComputedStyle(e).fontSize") == "16px"
    assert contents_title.evaluate("e => getComputedStyle(e).marginTop") == "0px"
    for heading in page.locator(".wc-cta__heading, .wc-callout__heading").all():
        assert heading.evaluate("e => getComputedStyle(e).marginTop") == "0px"
