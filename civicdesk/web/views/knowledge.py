"""The knowledge base (知识库) for staff: search, add and edit policy answers."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civicdesk.knowledge.models import Article
from civicdesk.org.models import Role

from .common import paginate, roles_required

EDITORS = (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "keywords", "answer", "basis", "category", "is_published"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8})}


@roles_required(*EDITORS)
def knowledge_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    articles = Article.objects.select_related("category")
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(keywords__icontains=q) | Q(answer__icontains=q))
    return render(request, "web/knowledge_list.html", {"page": paginate(request, articles), "q": q})


@roles_required(*EDITORS)
def knowledge_edit(request, pk=None):
    article = get_object_or_404(Article, pk=pk) if pk else None
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("已保存：%(t)s") % {"t": saved.title})
        return redirect("web:knowledge")
    return render(request, "web/knowledge_edit.html", {"form": form, "article": article})
