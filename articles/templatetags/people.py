from django import template

from articles.people import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user):
    """``{{ user|person_name }}``: "李芳", "Wei Li", or the user name (``articles.people``)."""
    return _person_name(user)
