"""
The admin's front page: what waits for the person looking (``{% work_queues as queues %}``),
counted in one query and each linked to the article list's *work* filter.
"""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from articles.editorial import queues
from articles.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def work_queues(context):
    """The queues the user works from, each as ``{"label", "count", "url"}``."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return []
    shown = queues.front_page(user)
    counts = queues.counts(Article.objects.visible_to(user), user, shown)
    changelist = reverse("admin:articles_article_changelist")
    return [
        {
            "name": queue.name,
            "label": queue.label,
            "count": counts[queue.name],
            "url": f"{changelist}?{urlencode({'queue': queue.name})}",
        }
        for queue in shown
    ]
