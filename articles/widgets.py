"""The public forms' widgets."""

from django import forms

from pagecache import render_fragment


class PlainSelect(forms.Select):
    """
    A ``<select>`` of flat choices, written by one template of the site (``forms/select.html``,
    so a theme can change it) rather than by the form renderer's templates, one include per
    option: the public list filters offer about sixty options, and those includes cost a fifth
    of an uncached list page (docs/benchmarks.md). The rendered ``<select>`` is a fragment memo
    (``pagecache.fragments``) keyed by its attributes, options and choice. Same markup and
    attributes as ``forms.Select``.
    """

    template_name = "forms/select.html"

    def render(self, name, value, attrs=None, renderer=None):
        # Sorted with the name among them, as flatatt() writes attributes.
        attributes = sorted({"name": name, **self.build_attrs(self.attrs, attrs)}.items())
        chosen = {str(v) for v in self.format_value(value)}
        options = tuple(
            (str(option), str(label), str(option) in chosen) for option, label in self.choices
        )
        return render_fragment(self.template_name, attrs=tuple(attributes), options=options)
