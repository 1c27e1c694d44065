"""
The public site's forms: the story list's filters and the search form. Both validate their
choices against the options the page offers, loaded once and memoised (``articles.memos``).
"""

from array import array
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from pagecache import memoise

from .memos import browse_options
from .models import Article
from .search import MAX_QUERY_LENGTH, ParsedQuery, clean_query, query, search_queryset
from .widgets import PlainSelect


class ArticleFilterForm(forms.Form):
    """
    The story list's filters, read from the query string and validated against the options
    the page offers, which the view loads once (no query per option).
    """

    district = forms.ChoiceField(label=_("District"), required=False, widget=PlainSelect)
    source = forms.ChoiceField(label=_("Source"), required=False, widget=PlainSelect)
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    month = forms.TypedChoiceField(
        label=_("Month"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, data, *, districts, sources, years=(), dated=True):
        super().__init__(data)
        self.districts = {district.slug: district for district in districts}
        self.sources = {source.slug: source for source in sources}
        self.fields["district"].choices = [("", _("All districts"))] + [
            (district.slug, district.display_name) for district in districts
        ]
        self.fields["source"].choices = [("", _("All sources"))] + [
            (source.slug, source.display_name) for source in sources
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

    @property
    def rendering_key(self):
        """Everything the rendered form depends on besides the options: the values submitted."""
        years = (
            tuple(year for year, _label in self.fields["year"].choices[1:])
            if "year" in self.fields
            else ()
        )
        return (tuple((name, self.data.get(name)) for name in self.fields), years)

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


class QueryField(forms.CharField):
    """A search box that never rejects what was typed: odd characters are dropped instead."""

    def to_python(self, value):
        return clean_query(super().to_python(value))

    def bound_data(self, data, initial):
        # The box shows the query as searched, never the raw characters that were dropped.
        return clean_query(data if isinstance(data, str) else "")


MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2999, 12, 31)


class SearchForm(forms.Form):
    q = QueryField(label=_("Search for"), required=False, widget=forms.SearchInput)
    district = forms.ChoiceField(label=_("District"), required=False, widget=PlainSelect)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same (memoised) districts for the options and the validation.
        self.districts = {district.slug: district for district in browse_options()[0]}
        self.fields["district"].choices = [("", _("All districts"))] + [
            (slug, district.display_name) for slug, district in self.districts.items()
        ]
        self.fields["q"].widget.attrs["maxlength"] = MAX_QUERY_LENGTH

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not MIN_DATE <= day <= MAX_DATE:
                self.add_error(name, _("Enter a date between 1900 and 2999."))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def value(self, name):
        """A field's cleaned value, or ``None`` when missing or invalid (it is then ignored)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def parsed_query(self):
        return ParsedQuery(self.value("q") or "")

    def result_ids(self):
        """
        The ids of the published stories matching the query and the valid filters, best first
        (at most ``MAX_RESULTS`` + 1), as an array of integers.

        Memoised under the content generation (``pagecache``), so a flood of readers
        searching the same words, as happens when something does, ranks them once per change.
        """

        def compute():
            found = self.results(Article.objects.published()).values_list("pk", flat=True)
            return array("q", found[: query.MAX_RESULTS + 1])

        if not self.parsed_query():
            return array("q")
        filters = tuple(self.value(name) for name in ("q", "district", "date_from", "date_to"))
        return memoise("search", filters, compute)

    def results(self, queryset):
        """The published articles of ``queryset`` matching the query and the valid filters."""
        parsed = self.parsed_query()
        if not parsed:
            return queryset.none()
        if district := self.value("district"):
            queryset = queryset.filter(districts=self.districts[district])
        if date_from := self.value("date_from"):
            queryset = queryset.filter(published_at__gte=_start_of(date_from))
        if date_to := self.value("date_to"):
            queryset = queryset.filter(published_at__lt=_start_of(date_to + timedelta(days=1)))
        return search_queryset(queryset, parsed)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
