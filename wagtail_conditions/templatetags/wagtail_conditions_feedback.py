"""
``{% load wagtail_conditions_feedback %}{% page_feedback %}``: the "Was this page helpful?"
form of the page in the context (condition and therapy pages; nothing on other pages). A
host's own template for a page built on our mixins adds it where it likes.
"""

from django import template
from django.utils.safestring import mark_safe

from ..feedback.rendering import render_feedback

register = template.Library()


@register.simple_tag(takes_context=True)
def page_feedback(context, page=None):
    html = render_feedback(context.get("request"), page or context.get("page"))
    return mark_safe(html)  # noqa: S308 - our own template's output
