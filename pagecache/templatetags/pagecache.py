"""``{% memoised %}``: a fragment of a template rendered once per content generation."""

from django import template
from django.utils.translation import get_language

from pagecache.memo import memoise

register = template.Library()


class MemoisedNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        parts = (self.name, get_language(), *(value.resolve(context) for value in self.vary_on))
        return memoise("fragment", parts, lambda: self.nodelist.render(context))


@register.tag
def memoised(parser, token):
    """
    ``{% memoised "name" value ... %}…{% endmemoised %}``: the enclosed markup rendered once per
    content generation, language and combination of the values, like Django's ``{% cache %}``
    but exactly as fresh as the pages (``pagecache.memo.memoise``: any content change and the
    next timed change end it).

    For the parts of a page that many pages share (the masthead, the footer, the notices, the
    list filters, a story's card). The values must name everything the markup depends on
    besides the content and the language: never wrap anything personal (a user's name, a CSRF
    token).
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'memoised' needs a fragment name.")
    nodelist = parser.parse(("endmemoised",))
    parser.delete_first_token()
    name = parser.compile_filter(bits[1]).resolve({})
    return MemoisedNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
