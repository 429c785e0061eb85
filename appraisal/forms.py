"""The administrator's forms of the workspace: they parse what was typed; appraisal.services checks the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from appraisal.models import BodyGroup, CriteriaSet, Criterion, NodeLevel
from provinces.models import AdministrativeUnit

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class BodyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{obj.short_name} ({obj.code})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


def users_with(codename: str) -> QuerySet:
    """Return the active users holding an appraisal permission through a group, directly or as superusers."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="appraisal")
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label="appraisal")
        )
        .distinct()
        .order_by("username")
    )


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.Form):
    """A campaign: the set, year, bodies, deadlines, chair and decision (the council is a formset beside it)."""

    criteria_set = forms.ModelChoiceField(label=_("criteria set"), queryset=CriteriaSet.objects.none())
    name = forms.CharField(label=_("name"), max_length=250)
    year = forms.IntegerField(label=_("year assessed"), min_value=2000, max_value=2100)
    bodies = BodyChoiceField(
        label=_("bodies assessed"), queryset=AdministrativeUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    self_assessment_closes = forms.DateTimeField(
        label=_("self-assessment closes"), input_formats=DATETIME_FORMATS, widget=_datetime_widget()
    )
    appraisal_closes = forms.DateTimeField(
        label=_("appraisal closes"), input_formats=DATETIME_FORMATS, widget=_datetime_widget()
    )
    chair = UserChoiceField(label=_("council chair"), queryset=users_with("chair_campaign"))
    decision_number = forms.CharField(label=_("decision number"), max_length=60, required=False)
    decision_date = forms.DateField(
        label=_("decision date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decision_issuer = forms.CharField(label=_("decision issuer"), max_length=200, required=False)
    decision_url = forms.URLField(label=_("decision URL"), max_length=1000, required=False, assume_scheme="https")

    def __init__(self, *args, sets: QuerySet, bodies: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets
        self.fields["criteria_set"].widget = forms.HiddenInput()
        self.fields["bodies"].queryset = bodies


class AppraiserForm(forms.Form):
    """One council member: empty rows are ignored; no area and no body means all of them."""

    user = UserChoiceField(label=_("appraiser"), queryset=users_with("appraise_campaign"), required=False)
    areas = forms.ModelMultipleChoiceField(
        label=_("assigned areas"), queryset=Criterion.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    bodies = BodyChoiceField(
        label=_("assigned bodies"), queryset=AdministrativeUnit.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip

    def __init__(self, *args, criteria_set: CriteriaSet, bodies: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = criteria_set.criteria.filter(level=NodeLevel.AREA).order_by("position")
        self.fields["bodies"].queryset = bodies


class _CouncilFormSet(forms.BaseFormSet):
    """The council's rows share their choices: each list is read once, not once per row."""

    def choices_share(self) -> "_CouncilFormSet":
        if self.forms:
            first = self.forms[0].fields
            shared = {name: list(first[name].choices) for name in ("user", "areas", "bodies")}
            for form in self.forms:
                for name, choices in shared.items():
                    form.fields[name].choices = choices
        return self


CouncilFormSet = forms.formset_factory(AppraiserForm, formset=_CouncilFormSet, extra=2)


class ReporterForm(forms.Form):
    """A reporter account for one body: a password set here, or a one-time link to set it."""

    PASSWORD_SET, PASSWORD_LINK = "set", "link"

    body = forms.ModelChoiceField(label=_("assessed body"), queryset=AdministrativeUnit.objects.none())
    username = forms.CharField(label=_("username"), max_length=150)
    name = forms.CharField(label=_("full name"), max_length=150)
    email = forms.EmailField(label=_("email"), required=False)
    password_mode = forms.ChoiceField(
        label=_("password"),
        choices=[(PASSWORD_LINK, _("a one-time link to set it")), (PASSWORD_SET, _("set it here"))],
        widget=forms.RadioSelect,
        initial=PASSWORD_LINK,
    )
    password1 = forms.CharField(
        label=_("password"), required=False, strip=False, widget=forms.PasswordInput(render_value=True)
    )
    password2 = forms.CharField(
        label=_("password again"), required=False, strip=False, widget=forms.PasswordInput(render_value=True)
    )

    def __init__(self, *args, bodies: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password_mode") == self.PASSWORD_SET:
            if not data.get("password1"):
                self.add_error("password1", _("Enter the password."))
            elif data.get("password1") != data.get("password2"):
                self.add_error("password2", _("The two passwords differ."))
        return data

    @property
    def password(self) -> str | None:
        return self.cleaned_data["password1"] if self.cleaned_data["password_mode"] == self.PASSWORD_SET else None


class AssessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{obj.short_name} ({obj.get_level_display()}, {obj.code})"


class CriteriaSetForm(forms.Form):
    """A criteria set's header, and the file of its tree (required for a new set); appraisal.criteria checks the rules."""

    name = forms.CharField(label=_("name"), max_length=250)
    assessor = AssessorChoiceField(
        label=_("assessor"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("Ministry of Home Affairs"),
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    body_group = forms.ChoiceField(label=_("body group"), choices=BodyGroup.choices)
    total_max = forms.DecimalField(
        label=_("total maximum"), max_digits=7, decimal_places=2, initial=100, localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("100 unless the decision says otherwise."),
    )  # fmt: skip
    partial = forms.BooleanField(
        label=_("partial (reference data: only part of the tree is known; no campaign can use it)"), required=False
    )
    bands = forms.CharField(
        label=_("classification bands"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, best first: label = lowest percentage, e.g. “Tốt = 90”."),
    )  # fmt: skip
    source_title = forms.CharField(label=_("source"), max_length=400, required=False)
    source_url = forms.URLField(label=_("source URL"), max_length=1000, required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("tree file (CSV or XLSX)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )  # fmt: skip

    def __init__(self, *args, assessors: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
