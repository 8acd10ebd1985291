"""A form renderer that writes Django's plain input widgets in Python (issue #6).

Django renders every widget through templates: a text field is text.html, which
includes input.html, which includes attrs.html, each a template render with its own
context. For the comment form under every post (seven fields) that is about a third of
the page's rendering when nothing is cached. The templates of the plain widgets are one
line each, so this renderer writes the same markup directly; every other template
(select widgets, the captcha, the admin's widgets, form and field templates) goes
through Django's templates as before. tests/test_forms_renderer.py holds the output to
Django's own, byte for byte.
"""

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "url",
        "password",
        "hidden",
        "number",
        "search",
        "tel",
        "checkbox",
        "date",
        "datetime",
        "time",
    )
}
_TEXTAREA = "django/forms/widgets/textarea.html"


def _text(value) -> str:
    """`{{ value }}`: escaped unless already safe."""
    return value if isinstance(value, SafeData) else escape(str(value))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`, escaped unless the value was safe."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 — stringformat's own operation
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the one-line widget templates done in Python."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUTS:
            widget = context["widget"]
            value = widget["value"]
            shown = "" if value is None else f' value="{_formatted(value)}"'
            return (
                f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
                f"{shown}{_attrs(widget['attrs'])}>"
            )
        if template_name == _TEXTAREA:
            widget = context["widget"]
            value = widget["value"]
            return (
                f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                f"{_text(value) if value else ''}</textarea>"
            )
        return super().render(template_name, context, request)
