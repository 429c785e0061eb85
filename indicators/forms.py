"""Forms for entering values: numbers typed the way the active language writes them."""

from decimal import Decimal

from django import forms
from django.contrib.admin.sites import AdminSite
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.validators import DecimalValidator
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.formsets import TOTAL_FORM_COUNT
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.params import digits_param, id_param
from indicators.models import (
    MAX_YEAR,
    MIN_YEAR,
    MeasureUnit,
    Qualifier,
    RankBasis,
    Source,
    Value,
    plain_decimal,
    value_errors,
    year_error,
)
from indicators.numbers import NumberFormatError, convention_for_language, parse_number
from indicators.yearsheet import SheetEntry, SheetRow
from provinces.models import AdministrativeUnit

#: Digits the Value.value column holds (max_digits=18, decimal_places=4).
VALUE_MAX_DIGITS, VALUE_DECIMAL_PLACES = 18, 4


def number_display(value: Decimal | None) -> str:
    """Return a number as staff would type it in the active language, without grouping.

    No thousands separator is written, so the text reads back the same in either language.
    """
    if value is None:
        return ""
    text = plain_decimal(value)
    return text.replace(".", ",") if convention_for_language(get_language()) == "comma" else text


class LocalizedNumberField(forms.Field):
    """A number typed with the decimal convention of the active language (vi: 1.746 and 99,7).

    Anything ambiguous or malformed is refused with parse_number's message; the typed text is
    kept when the form is shown again. A trailing % is accepted only when ``allow_percent``.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12})

    def __init__(
        self,
        *,
        max_digits: int = VALUE_MAX_DIGITS,
        decimal_places: int = VALUE_DECIMAL_PLACES,
        allow_percent: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.allow_percent = allow_percent
        self.validators.append(DecimalValidator(max_digits, decimal_places))

    def prepare_value(self, value: object) -> object:
        return number_display(value) if isinstance(value, Decimal) else value

    def to_python(self, value: object) -> Decimal | None:
        try:
            parsed = parse_number(value, convention=convention_for_language(get_language()))
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        if parsed.percent and not self.allow_percent:
            raise forms.ValidationError(
                _("“%(text)s” has a %% sign, but this indicator is not a percentage."),
                code="percent",
                params={"text": value},
            )
        return parsed.value


def stale_message(changes: list[tuple[str, str, str]], by: str) -> str:
    """Return the message shown when someone else saved the value meanwhile, listing what they changed."""
    what = "; ".join(f"{name}: {old or '—'} → {new or '—'}" for name, old, new in changes)
    return _(
        "%(by)s saved this value while you were editing it, so your change was not saved. What changed meanwhile: "
        "%(what)s. Your typing is kept below: check it against the new figures and save again."
    ) % {"by": by, "what": what or _("the publication status")}


class YearField(forms.IntegerField):
    """A year typed in ASCII digits (Django's IntegerField takes "٢٠٢٣" too); whether it may hold figures is year_error's."""

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if digits_param(text, max_length=4) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class ValueAdminForm(forms.ModelForm):
    """The Value change form: localized number input and the model's rules as field errors.

    ``expected_version`` carries the version the form was opened at; a save against a newer one
    is refused here with what changed (the admin's save repeats the check in the UPDATE itself).
    """

    year = YearField(label=_("year"))
    value = LocalizedNumberField(label=_("value"), required=False)
    rank = forms.IntegerField(label=_("published rank"), required=False, min_value=1)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and hasattr(self.instance, "_history"):
            # A version restored from the history (simple_history's revert form) is saved over the current one.
            current = Value.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["expected_version"].initial = current
        elif self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    class Meta:
        model = Value
        fields = ["indicator", "unit", "year", "value", "rank", "rank_basis", "qualifier", "source", "note"]

    #: The user saving (set by the admin's get_form): the write service's checks are run for them.
    user = None

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors or self.user is None:
            return
        from indicators.services import value_save_errors

        # The write service's own checks (scope, locks, data rules, version), shown at their fields.
        for error in value_save_errors(
            value=self.instance, user=self.user, expected_version=self.cleaned_data.get("expected_version")
        ):
            self.add_error(error.field if error.field in self.fields else None, error.message)

    def _update_errors(self, errors: forms.ValidationError) -> None:
        # A number refused by its field is missing from the instance, so Value.clean would add
        # "give a value" under the field's own, clearer message: keep only the field's message.
        if hasattr(errors, "error_dict") and self.has_error("value"):
            errors.error_dict.pop("value", None)
        super()._update_errors(errors)

    def clean(self) -> dict:
        cleaned = super().clean()
        self._workflow_clean(cleaned)
        # These two repeat CheckConstraints, so that the error sits at the field that causes it.
        if cleaned.get("rank_basis") and cleaned.get("rank") is None and "rank" not in self.errors:
            self.add_error("rank_basis", _("A rank basis needs a published rank."))
        indicator = cleaned.get("indicator")
        typed = str(self.data.get(self.add_prefix("value"), "")).strip()
        if indicator is not None and typed.endswith("%") and indicator.measure_unit != MeasureUnit.PERCENT:
            self.add_error(
                "value",
                _("“%(text)s” has a %% sign, but %(code)s is measured in %(unit)s.")
                % {"text": typed, "code": indicator.code, "unit": indicator.get_measure_unit_display()},
            )
        return cleaned

    def _workflow_clean(self, cleaned: dict) -> None:
        from indicators.services import changes_since

        # Scope, locks and the data rules are the write service's: _post_clean shows its errors.
        indicator, year, unit = cleaned.get("indicator"), cleaned.get("year"), cleaned.get("unit")
        if indicator is not None and unit is not None and year is not None:
            # The unique constraint names correction_of (not a form field), so Django skips it here.
            others = Value.objects.filter(indicator=indicator, unit=unit, year=year, correction_of__isnull=True)
            if others.exclude(pk=self.instance.pk).exclude(pk=self.instance.correction_of_id).exists():
                raise forms.ValidationError(
                    _("A value of %(code)s for %(unit)s in %(year)s already exists: change that one.")
                    % {"code": indicator.code, "unit": unit.short_name, "year": year}
                )
        if not self.instance.pk:
            return
        stored = Value.objects.filter(pk=self.instance.pk).first()
        expected = cleaned.get("expected_version")
        if stored is not None and expected is not None and stored.version != expected:
            changes, by = changes_since(stored, version=expected)
            raise forms.ValidationError(stale_message(changes, by), code="stale")
        if stored is not None and stored.status == "approved" and hasattr(stored, "correction"):
            raise forms.ValidationError(
                _("A correction of this published value is already pending: edit that correction (%(link)s) instead.")
                % {"link": reverse("admin:indicators_value_change", args=[stored.correction.pk])}
            )


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An admin autocomplete whose selected option's label is given, not queried.

    The stock widget runs one query per rendering to label the selected option; the year sheet
    has one per row, so the labels of every selected source are loaded once for the page.
    """

    def __init__(self, field: models.Field, admin_site: AdminSite, *, labels: dict[str, str]) -> None:
        super().__init__(field, admin_site)
        self.labels = labels

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None) -> list:
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for selected in (v for v in value if v and v in self.labels):
            options.append(self.create_option(name, selected, self.labels[selected], True, len(options)))
        return [(None, options, 0)]


def source_labels(sources: dict[int, Source]) -> dict[str, str]:
    """Return the widget labels of loaded sources, keyed by id as text."""
    return {str(pk): str(source) for pk, source in sources.items()}


class SourceIdField(forms.IntegerField):
    """A source chosen by id among sources loaded once for the page (one query, not one per row)."""

    def __init__(self, *, sources: dict[int, Source], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.sources = sources

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        pk = id_param(str(value).strip())
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return pk

    def clean(self, value: object) -> Source | None:
        pk = super().clean(value)
        if pk is None:
            return None
        if pk not in self.sources:
            raise forms.ValidationError(
                _("Source %(id)s does not exist (it may have been deleted)."), code="invalid_choice", params={"id": pk}
            )
        return self.sources[pk]


class IdAutocompleteSelect(AutocompleteSelect):
    """The admin autocomplete, ignoring a selected value that is not an id (it would be queried as one)."""

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None) -> list:
        return super().optgroups(name, [v for v in value if id_param(v) is not None], attrs)


class IdChoiceField(forms.ModelChoiceField):
    """A model chosen by id: anything but an id in ASCII digits is an invalid choice, never a query."""

    def to_python(self, value: object) -> models.Model | None:
        if value in self.empty_values:
            return None
        if id_param(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class YearSheetChooseForm(forms.Form):
    """Step 1 of the year sheet: a unit of any level and a year (read from the query string)."""

    unit = IdChoiceField(label=_("unit"), queryset=AdministrativeUnit.objects.select_related("parent"))
    year = YearField(label=_("year"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args: object, admin_site: AdminSite, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        unit.widget = IdAutocompleteSelect(Value._meta.get_field("unit"), admin_site)
        unit.widget.choices = unit.choices  # ModelChoiceField hands its choices only to its first widget
        self.fields["year"].widget.attrs.update(size=6)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        problem = year_error(year)
        if problem:
            raise forms.ValidationError(problem, code="implausible_year")
        return year


class YearSheetDefaultsForm(forms.Form):
    """Sheet-wide settings: the source used by every row that does not name its own."""

    def __init__(self, *args: object, sources: dict[int, Source], admin_site: AdminSite, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"] = SourceIdField(
            label=_("Default source for this sheet"),
            required=False,
            sources=sources,
            widget=PreloadedAutocompleteSelect(
                Value._meta.get_field("source"), admin_site, labels=source_labels(sources)
            ),
        )


class YearSheetRowForm(forms.Form):
    """One line of the year sheet; its rules are value_errors plus number parsing."""

    indicator = forms.CharField(widget=forms.HiddenInput)
    value = LocalizedNumberField(label=_("value"), required=False)
    rank = forms.IntegerField(label=_("published rank"), required=False, min_value=1)
    rank_basis = forms.ChoiceField(label=_("rank basis"), required=False, choices=BLANK_CHOICE_DASH + RankBasis.choices)
    qualifier = forms.ChoiceField(label=_("qualifier"), choices=Qualifier.choices, initial=Qualifier.EXACT)
    note = forms.CharField(label=_("note"), required=False, widget=forms.TextInput(attrs={"size": 24}))
    delete = forms.BooleanField(label=_("delete"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: object,
        row: SheetRow,
        unit: AdministrativeUnit,
        year: int,
        sources: dict[int, Source],
        admin_site: AdminSite,
        can_delete: bool,
        may_delete_published: bool = False,
        locked_groups: frozenset[str] = frozenset(),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.row, self.unit, self.year = row, unit, year
        self.locked = row.indicator.group in locked_groups
        if row.existing is not None and row.existing.status == "approved" and not may_delete_published:
            can_delete = False
        self.fields["value"].allow_percent = row.indicator.measure_unit == MeasureUnit.PERCENT
        self.fields["source"] = SourceIdField(
            label=_("source"),
            required=False,
            sources=sources,
            widget=PreloadedAutocompleteSelect(
                Value._meta.get_field("source"), admin_site, labels=source_labels(sources)
            ),
        )
        if row.existing is None or not can_delete:
            del self.fields["delete"]
        self.initial = {"indicator": row.indicator.code, **self.initial, **_stored_initial(row.existing)}
        if row.existing is not None:
            self.initial["version"] = row.existing.version

    def clean(self) -> dict:
        cleaned = super().clean()
        self._check_sheet_unchanged(cleaned)
        if cleaned.get("delete"):
            return cleaned
        value, rank = cleaned.get("value"), cleaned.get("rank")
        if value is None and rank is None:
            self._check_cleared(cleaned)
            return cleaned
        errors = value_errors(indicator=self.row.indicator, unit=self.unit, year=self.year, value=value, rank=rank)
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in ("value", "rank") else None, message)
        if cleaned.get("rank_basis") and rank is None and not self.has_error("rank"):
            self.add_error("rank_basis", _("A rank basis needs a published rank."))
        return cleaned

    def _check_sheet_unchanged(self, cleaned: dict) -> None:
        """Refuse the row when the catalogue changed under the sheet, or when its group-year is locked."""
        if cleaned.get("indicator") != self.row.indicator.code:
            raise forms.ValidationError(_("The catalogue changed while you were editing: reload the sheet."))
        if self.locked and self.has_changed() and set(self.changed_data) - {"version"}:
            raise forms.ValidationError(
                _("%(group)s %(year)s is locked: this row cannot be changed until a national administrator unlocks it.")
                % {"group": self.row.indicator.get_group_display(), "year": self.year}
            )

    def _check_cleared(self, cleaned: dict) -> None:
        """A row without value or rank: fine when empty, an error when it clears a stored figure or holds a note."""
        if self.has_error("value") or self.has_error("rank"):
            return
        if self.row.existing is not None:
            self.add_error(
                "value",
                _("The stored figure was cleared. Tick “delete” to remove it, or type it again.")
                if "delete" in self.fields
                else _("The stored figure was cleared, but you may not delete values. Type it again."),
            )
        elif cleaned.get("rank_basis") or cleaned.get("note") or cleaned.get("source"):
            # Never drop what was typed: a note or a source alone is not a figure.
            self.add_error("value", _("Give a value, a published rank, or both — or clear this row."))

    @property
    def is_empty(self) -> bool:
        """Return whether the line asks for nothing (no figure and no delete)."""
        data = getattr(self, "cleaned_data", {})
        return data.get("value") is None and data.get("rank") is None and not data.get("delete")

    def entry(self, *, default_source: Source | None) -> SheetEntry:
        """Return the validated line for yearsheet_save."""
        data = self.cleaned_data
        return SheetEntry(
            row=self.row,
            delete=bool(data.get("delete")),
            value=data.get("value"),
            rank=data.get("rank"),
            rank_basis=data.get("rank_basis") or "",
            qualifier=data.get("qualifier") or Qualifier.EXACT,
            source=data.get("source") or default_source,
            note=data.get("note", ""),
            version=data.get("version"),
        )


def _stored_initial(value: Value | None) -> dict[str, object]:
    if value is None:
        return {}
    return {
        "value": value.value,
        "rank": value.rank,
        "rank_basis": value.rank_basis,
        "qualifier": value.qualifier,
        "source": value.source_id,
        "note": value.note,
    }


class BaseYearSheetFormSet(forms.BaseFormSet):
    """All lines of one sheet; one form per SheetRow, in the order of yearsheet_rows."""

    def __init__(
        self,
        *args: object,
        rows: list[SheetRow],
        unit: AdministrativeUnit,
        year: int,
        sources: dict[int, Source],
        admin_site: AdminSite,
        can_delete_values: bool,
        may_delete_published: bool = False,
        locked_groups: frozenset[str] = frozenset(),
        **kwargs: object,
    ) -> None:
        self.rows = rows
        self.default_source: Source | None = None
        self.row_kwargs = {
            "unit": unit,
            "year": year,
            "sources": sources,
            "admin_site": admin_site,
            "can_delete": can_delete_values,
            "may_delete_published": may_delete_published,
            "locked_groups": locked_groups,
        }
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.rows)

    def initial_form_count(self) -> int:
        return len(self.rows)

    def get_form_kwargs(self, index: int | None) -> dict[str, object]:
        return {**self.row_kwargs, "row": self.rows[index]}

    def clean(self) -> None:
        management = self.management_form
        if self.is_bound and management.is_valid() and management.cleaned_data[TOTAL_FORM_COUNT] != len(self.rows):
            raise forms.ValidationError(_("The catalogue changed while you were editing: reload the sheet."))
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.is_empty or data.get("delete") or form.has_error("source"):
                continue
            if data.get("source") is None and self.default_source is None:
                form.add_error("source", _("Choose a source for this row, or a default source for the sheet."))

    def entries(self) -> list[SheetEntry]:
        """Return the validated lines for yearsheet_save."""
        return [form.entry(default_source=self.default_source) for form in self.forms]


YearSheetFormSet = forms.formset_factory(YearSheetRowForm, formset=BaseYearSheetFormSet, extra=0)
