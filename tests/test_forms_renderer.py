"""config/forms.py writes the plain widgets in Python: its output must be Django's own."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from config.forms import FastWidgetRenderer

FAST = FastWidgetRenderer()
DJANGO = DjangoTemplates()

WIDGETS = [
    forms.TextInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.NumberInput,
    forms.SearchInput,
    forms.TelInput,
    forms.CheckboxInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.Textarea,
]
VALUES = [
    None,
    "",
    "Jörg <b>\"Müller\"</b> & 'Söhne' 😉",
    mark_safe("<i>schon sicher</i>"),
    0,
    42,
    3.5,
    True,
    False,
    datetime.date(2026, 11, 27),
    datetime.datetime(2026, 11, 27, 20, 30),
    ("a", "b"),
]
ATTRS = [
    {},
    {"required": True, "disabled": False, "maxlength": 65525, "id": "id_body"},
    {"placeholder": 'sag "hallo" <b>', "data-x": mark_safe("<ok>"), "aria-describedby": "a b"},
]


def _both(widget, name, value, attrs):
    return (
        widget.render(name, value, attrs=attrs, renderer=FAST),
        widget.render(name, value, attrs=attrs, renderer=DJANGO),
    )


@pytest.mark.parametrize("widget_class", WIDGETS, ids=lambda w: w.__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=["none", "booleans", "quotes"])
def test_plain_widgets_render_exactly_as_django_does(widget_class, value, attrs):
    fast, django = _both(widget_class(), "feld", value, attrs)
    assert fast == django


@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1, max_size=20), value=st.text(max_size=40), attr=st.text())
def test_any_text_renders_as_django_does(name, value, attr):
    for widget in (forms.TextInput(attrs={"title": attr}), forms.Textarea(attrs={"x": attr})):
        fast, django = _both(widget, name, value, {"data-y": attr})
        assert fast == django


def test_other_templates_still_go_through_django():
    """A select is not one of the plain widgets: Django's templates render it."""
    widget = forms.Select(choices=[("a", "Ä <b>"), ("b", "B")])
    fast, django = _both(widget, "wahl", "a", {"id": "w"})
    assert fast == django
    assert '<option value="a" selected>Ä &lt;b&gt;</option>' in fast


@pytest.mark.django_db
def test_the_comment_form_is_the_same_with_either_renderer(post):
    from comments.forms import CommentForm

    def render(renderer):
        form = CommentForm(
            post=post,
            user=None,
            max_depth=5,
            data={"author_name": "<Anna>", "body": "hallo\n„zitat“", "author_url": "x"},
            renderer=renderer,
        )
        form.is_valid()
        return "".join(str(field) for field in form) + str(form.errors)

    assert render(FAST) == render(DJANGO)
