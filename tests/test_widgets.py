"""FastSelect writes exactly what Django's select template writes."""

import pytest
from django import forms
from django.utils import translation

from config.widgets import FastSelect, KeptChoices
from reports.rankings.forms import RankingForm, ranking_choices


def _template_rendered(form: forms.Form, name: str) -> str:
    """Render one field of the form with Django's own Select widget (its templates)."""
    field = form.fields[name]
    widget = forms.Select(attrs=field.widget.attrs, choices=field.choices)
    bound = form[name]
    return bound.as_widget(widget=widget)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"indicator": "par_index", "year": "2023", "region": "red_river_delta", "level": "commune", "within": "01"},
        {"indicator": "nope", "year": "1800", "within": "<script>", "figures": "with"},
    ],
)
def test_the_ranking_forms_selects_are_byte_for_byte_djangos(language, data):
    indicator = type("I", (), {"code": "par_index", "name": "Chỉ số CCHC <PAR> & “đủ”"})
    with translation.override(language):
        form = RankingForm(
            data, indicators=[indicator], years=[2022, 2023], provinces=[("01", "Hà Nội"), ("79", 'Hồ "Chí" Minh')]
        )
        form.is_valid()
        selects = [name for name, field in form.fields.items() if isinstance(field.widget, FastSelect)]
        assert len(selects) == 6
        for name in selects:
            assert str(form[name]) == _template_rendered(form, name)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_choices_kept_between_requests_write_the_same_selects_and_validate_alike(language):
    indicator = type("I", (), {"code": "par_index", "name": "Chỉ số CCHC <PAR> & “đủ”"})
    data = {"indicator": "par_index", "year": "2023", "level": "commune", "within": "79"}
    with translation.override(language):
        sequences = {"indicators": [indicator], "years": [2022, 2023], "provinces": [("79", 'Hồ "Chí" Minh')]}
        kept = {name: KeptChoices(choices) for name, choices in ranking_choices(**sequences).items()}
        made, reused = RankingForm(data, **sequences), RankingForm(data, choices=kept)
        assert made.is_valid() and reused.is_valid() and made.cleaned_data == reused.cleaned_data
        for name in ("indicator", "year", "within"):
            assert str(reused[name]) == str(made[name]) == _template_rendered(reused, name)
        assert not RankingForm({**data, "within": "01"}, choices=kept).is_valid()


def test_optgroups_and_boolean_attributes_are_written_as_django_writes_them():
    class Grouped(forms.Form):
        pick = forms.ChoiceField(
            choices=[("Nhóm <1>", [("a", "A & B"), ("b", "B")]), ("c", "C")],
            widget=FastSelect(attrs={"disabled": True, "hidden": False, "data-x": 'q"t'}),
        )

    form = Grouped({"pick": "b"})
    field = form.fields["pick"]
    expected = form["pick"].as_widget(widget=forms.Select(attrs=field.widget.attrs, choices=field.choices))
    assert str(form["pick"]) == expected
    assert "<optgroup" in expected and "disabled" in expected and "hidden" not in expected


def test_a_select_kept_from_an_earlier_request_is_rewritten_when_anything_it_shows_changes():
    indicator = type("I", (), {"code": "par_index", "name": "Chỉ số CCHC"})
    renamed = type("I", (), {"code": "par_index", "name": "Chỉ số <mới>"})
    seen = []
    for language, indicators, data in (
        ("vi", [indicator], {"year": "2023"}),
        ("vi", [indicator], {"year": "2023"}),  # the same: from the kept copy
        ("en", [indicator], {"year": "2023"}),  # the "All regions" label in English
        ("vi", [renamed], {"year": "2023"}),  # a renamed indicator
        ("vi", [indicator], {"year": "2022", "region": "red_river_delta"}),  # other selected options
    ):
        with translation.override(language):
            form = RankingForm(data, indicators=indicators, years=[2022, 2023], provinces=[("01", "Hà Nội")])
            html = "".join(str(form[name]) for name in ("indicator", "year", "region"))
            assert html == "".join(_template_rendered(form, name) for name in ("indicator", "year", "region"))
            seen.append(html)
    assert seen[0] == seen[1] and len(set(seen)) == 4
