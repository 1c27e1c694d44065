"""Admin form fields, widgets and list checks hardened against hostile form input."""

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError


def _valid_key(model, to_field_name, value):
    """Whether ``value`` can be a key of ``model`` at all: the right type and in range."""
    key_field = model._meta.get_field(to_field_name or model._meta.pk.name)
    try:
        # Range validators too: an id beyond the column's range overflows the lookup.
        key_field.run_validators(key_field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """
    Refuses ids that cannot exist (beyond the column's range) before querying: SQLite raises
    OverflowError on them, a 500, where the form should just say "not a valid choice".
    """

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if pk not in self.empty_values and not _valid_key(
                self.queryset.model, self.to_field_name, pk
            ):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )  # fmt: skip
        return super()._check_values(value)


class ValidSelectionMixin:
    """
    Django's autocomplete widgets look up the submitted values to redisplay an invalid form;
    a value that is not even a valid key ("abc" for a numeric id) raises there, a 500. Such
    values (and ids beyond the column's range) are dropped before the lookup: the field's own
    error message still shows.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        field_name = getattr(remote, "field_name", None)
        valid = [item for item in value if _valid_key(remote.model, field_name, item)]
        return super().optgroups(name, valid, attr)


class ValidatingAutocompleteSelect(ValidSelectionMixin, AutocompleteSelect):
    pass


class ValidatingAutocompleteSelectMultiple(ValidSelectionMixin, AutocompleteSelectMultiple):
    pass


class CheckedActionSelectionMixin:
    """
    For a ModelAdmin: a bulk action whose selection holds a value that cannot be an id (not a
    number, or beyond the column's range) is refused with a 400. Django filters the queryset
    by the selection unchecked, which raises on such values: a 500.
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(_valid_key(self.model, None, value) for value in selected):
            raise BadRequest("The selection holds a value that is not an id.")
        return super().response_action(request, queryset)


class CheckedDateHierarchyMixin:
    """
    For a ModelAdmin with ``date_hierarchy``: a drill-down to a year, month or day past what
    dates can hold (year 9999 and beyond, a huge month) is refused like any bad filter
    (Django's "?e=1" page). Django catches only some of them; the others overflow: a 500.
    """

    def get_changelist_instance(self, request):
        if self.date_hierarchy:
            parts = {part: request.GET.get(f"{self.date_hierarchy}__{part}")
                     for part in ("year", "month", "day")}  # fmt: skip
            year = parts["year"]
            if year is not None and not (year.isdigit() and 0 < int(year) < 9999):
                raise IncorrectLookupParameters(year)
            for value in (parts["month"], parts["day"]):
                if value is not None and not (value.isdigit() and len(value) <= 2):
                    raise IncorrectLookupParameters(value)
        return super().get_changelist_instance(request)
