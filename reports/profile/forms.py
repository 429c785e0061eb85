"""The profile form: ``on``, the day whose unit a code means (today when absent)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.fields import DateParamField


class ProfileForm(forms.Form):
    on = DateParamField(label=_("Show the unit in force on"), required=False)
