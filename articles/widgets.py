from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class PlainSelect(forms.Select):
    """
    A ``<select>`` of flat choices written in Python rather than through the form renderer's
    templates (one template include per option): the public list filters offer about sixty
    options, and rendering them through templates cost a fifth of an uncached list page
    (docs/benchmarks.md). Same markup and attributes as ``forms.Select``.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attributes = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '  <option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(attributes), options)
