"""The knowledge search finds an answer from the words a caller uses."""

from civicdesk.demo.knowledge import load_articles
from civicdesk.knowledge.models import Article, search


def test_search_finds_answers_by_the_callers_words(db):
    load_articles()
    assert search("我想问一下公积金怎么提取")[0].title == "住房公积金提取需要什么材料"
    assert search("楼下工地晚上施工噪音太大")[0].title == "夜间施工噪音扰民向谁反映"
    assert search("") == [] and search("的了是") == []
    Article.objects.filter(title__contains="公积金").update(is_published=False)
    assert all("公积金" not in a.title for a in search("公积金提取"))
