"""The knowledge base (知识库): policy answers an operator reads to a caller and uses to close an inquiry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Category


class Article(models.Model):
    title = models.CharField(_("问题"), max_length=200)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("用空格分隔"))
    answer = models.TextField(_("答复口径"))
    basis = models.CharField(_("政策依据"), max_length=300, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_published = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        ordering = ["title"]

    def __str__(self):
        return self.title


def search(text, limit=5):
    """Published articles whose title, keywords or answer contain any of the words of `text`.

    Words are the whitespace-separated parts of `text` plus, for Chinese text without spaces, each run of
    two characters; articles matching more words come first."""
    words = _words(text)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(keywords__icontains=word)
    candidates = list(Article.objects.filter(condition, is_published=True)[:200])

    def score(article):
        haystack = f"{article.title} {article.keywords}"
        return sum(1 for word in words if word in haystack)

    candidates.sort(key=lambda a: (-score(a), a.title))
    return candidates[:limit]


_STOP = set("的了是在我们你他她它和与或请问怎么如何什么哪里可以需要一个这个那个没有")


def _words(text):
    text = (text or "")[:500]
    words = set()
    for part in text.split():
        if len(part) >= 2 and part.isascii():
            words.add(part.lower())
    chinese = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    for i in range(len(chinese) - 1):
        pair = chinese[i : i + 2]
        if not (pair[0] in _STOP or pair[1] in _STOP):
            words.add(pair)
    return sorted(words)[:60]
