from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _


class ArticleFilterForm(forms.Form):
    """
    The story list's filters, read from the query string and validated against the options
    the page offers, which the view loads once (no query per option).
    """

    district = forms.ChoiceField(label=_("District"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    month = forms.TypedChoiceField(label=_("Month"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, districts, sources, years=(), dated=True):
        super().__init__(data)
        self.districts = {district.slug: district for district in districts}
        self.sources = {source.slug: source for source in sources}
        self.fields["district"].choices = [("", _("All districts"))] + [
            (district.slug, district.name) for district in districts
        ]
        self.fields["source"].choices = [("", _("All sources"))] + [
            (source.slug, source.name) for source in sources
        ]
        if dated:
            self.fields["year"].choices = [("", _("Any year"))] + [(y, y) for y in years]
            self.fields["month"].choices = [("", _("Any month"))] + list(MONTHS.items())
        else:
            # Archive pages take the year and month from their address.
            del self.fields["year"], self.fields["month"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and not cleaned.get("year"):
            cleaned["month"] = None
            raise forms.ValidationError(
                _("Choose a year as well as a month."), code="month_without_year"
            )
        return cleaned

    def is_forged(self):
        """A value no option offers (an unknown district, month=13, year=abc): not a person's choice."""
        return any(self.has_error(name, "invalid_choice") for name in self.fields)

    @property
    def active(self):
        """The chosen filters with their values as in the query string, in field order."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}

    def filter(self, stories):
        """``stories`` narrowed by the valid choices; invalid ones are left out."""
        chosen = self.active
        if "district" in chosen:
            stories = stories.filter(districts=self.districts[chosen["district"]])
        if "source" in chosen:
            stories = stories.filter(source=self.sources[chosen["source"]])
        if "year" in chosen:
            stories = stories.in_month(chosen["year"], chosen.get("month"))
        return stories
