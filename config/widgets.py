"""Form widgets written in Python instead of Django's per-option templates (same HTML, byte for byte).

Django renders a <select> through a template that includes one more template per option; the
rankings form's seven selects (≈200 options: indicators, years, regions, provinces) took about a
fifth of the ranking page's CPU time at national scale (bench/RESULTS.md, issue 14). ``FastSelect``
writes exactly what ``django/forms/widgets/select.html`` writes (tests/test_widgets.py compares them
for every field of the project's forms that uses it).

A select's HTML is also kept, per process, under everything it is written from (name, selected values,
attributes, every choice's value and label as text, in the language of the request): the ranking page's
indicator select alone has ~100 options, the same on every request until the catalogue changes.
"""

from collections.abc import Iterable, Iterator

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    """Return what ``django/forms/widgets/attrs.html`` writes for these attributes."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        )
    return "".join(parts)


def _option(option: dict) -> str:
    value = conditional_escape(str(option["value"]))
    return f'<option value="{value}"{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>'


def _text_key(text: object) -> tuple[str | None, bool]:
    """Return what an option's value or label contributes to its HTML: its text, and whether it is already safe."""
    return (None if text is None else str(text), hasattr(text, "__html__"))


def _choices_key(choices: object) -> tuple:
    """Return the select's choices as hashable text (optgroups nested), the labels in the active language."""
    return tuple(
        (_text_key(value), tuple((_text_key(v), _text_key(lb)) for v, lb in label))
        if isinstance(label, (list, tuple))
        else (_text_key(value), _text_key(label))
        for value, label in choices
    )


class KeptChoices(BaseChoiceIterator):
    """A select's (value, label) choices made once and kept between requests, with the text FastSelect keys them by.

    Django normalises a list of choices on every assignment to a field, and FastSelect reads every label to key
    the select's HTML: choices kept (for a data generation and a language, reports.rankings.choices) do both
    once. Django's normalisation returns a choice iterator as it is. Labels are read when made: keep the
    choices per language.
    """

    def __init__(self, choices: Iterable[tuple[object, object]]) -> None:
        self._choices = tuple(choices)
        self.key = _choices_key(self._choices)

    def __iter__(self) -> Iterator[tuple[object, object]]:
        return iter(self._choices)


#: Selects already written, by everything their HTML depends on; emptied when full (a few hundred variants).
_WRITTEN: dict[tuple, SafeString] = {}
_WRITTEN_MAX = 512


class FastSelect(forms.Select):
    """A Select rendered by Python code rather than a template per option; the same HTML as Django's."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer: object = None) -> SafeString:
        key = (
            type(self),
            name,
            tuple(self.format_value(value)),
            _attrs(self.build_attrs(self.attrs, attrs)),
            self.allow_multiple_selected,
            self.choices.key if isinstance(self.choices, KeptChoices) else _choices_key(self.choices),
        )
        written = _WRITTEN.get(key)
        if written is None:
            if len(_WRITTEN) >= _WRITTEN_MAX:
                _WRITTEN.clear()
            written = _WRITTEN[key] = self._write(name, value, attrs)
        return written

    def _write(self, name: str, value: object, attrs: dict | None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            # The option template ends with a newline, which its include keeps.
            out.extend(f"\n  {_option(option)}\n" for option in group_choices)
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 (every part escaped above)
