"""Reply quality scores on replies whose verdict is plain, the template detector, and where staff see it."""

import io
from datetime import datetime, timedelta

from django.core.management import call_command

from civicdesk.cases import actions
from civicdesk.insight import replies

TITLE = "暮云街道桂花小区路灯不亮"
REQUEST = "桂花小区3栋门口的路灯已经坏了两个星期，晚上出行很不安全，请尽快修复。"
GOOD = (
    "您好！您反映的暮云街道桂花小区3栋门口路灯不亮的问题已收悉。根据《A市城市照明管理办法》第十二条规定，"
    "小区内路灯由物业负责维护。我街道已于11月5日联系物业公司，现已完成修复，并安排每月巡查。"
    "如有疑问请致电咨询电话0731-00000000。感谢您对我们工作的理解和支持！"
)


def test_a_full_answer_scores_well():
    q = replies.score(TITLE, REQUEST, GOOD)
    assert q["relevance"] > 0.5 and q["complete"] and q["explained"] and q["flags"] == []
    assert q["tone"] == 1.0 and "《A市城市照明管理办法》" in q["basis"]


def test_an_acknowledgement_is_not_an_answer():
    q = replies.score(TITLE, REQUEST, "已收悉")
    assert "no_answer" in q["flags"] and not q["complete"] and not q["explained"]
    off_topic = replies.score(TITLE, REQUEST, "您好！关于学校招生的政策，请关注教育局网站的通知。感谢支持。")
    assert off_topic["relevance"] < replies.score(TITLE, REQUEST, GOOD)["relevance"]
    assert "no_answer" in off_topic["flags"]


def test_dismissive_replies_lose_tone():
    polite = replies.score(TITLE, REQUEST, "您好！路灯已修复，感谢支持。")
    rude = replies.score(TITLE, REQUEST, "此事不归我们管，请自行解决。")
    assert polite["tone"] == 1.0 and rude["tone"] == 0.0


def test_timeliness():
    asked = datetime(2026, 11, 1)
    days = {
        d: replies.score(TITLE, REQUEST, GOOD, asked, asked + timedelta(days=d))["timeliness"]
        for d in (3, 7, 18.5, 30, 40)
    }
    assert days == {3: 1.0, 7: 1.0, 18.5: 0.5, 30: 0.0, 40: 0.0}
    assert replies.score(TITLE, REQUEST, GOOD)["timeliness"] is None


def test_templates_are_the_same_reply_to_unrelated_requests():
    paste = "您好！您的留言已收悉，我们将认真研究，感谢您对我们工作的关心和支持。"
    items = [
        (1, "桂花小区路灯坏了两个星期", paste),
        (2, "地铁二号线出口电梯长期停运", paste),
        (3, "中学周末强制补课收费", paste),
        (4, "桂花小区路灯坏了两个星期", paste),  # the same request again: the same answer is fine
        (5, "公交车早高峰经常晚点", GOOD),
    ]
    groups = replies.templates(items)
    assert len(groups) == 1 and {2, 3} <= set(groups[0]) and 5 not in groups[0]


def test_a_reply_is_scored_when_given_and_shown_to_staff(client, city, submit):
    case = actions.dispatch(submit(title=TITLE, description=REQUEST), city.dispatcher, city.dept)
    case = actions.accept(case, city.handler)
    case = actions.reply(case, city.handler, text="已收悉")
    assert "no_answer" in case.reply_quality["flags"] and case.reply_quality["timeliness"] == 1.0
    client.force_login(city.supervisor)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="no-answer"' in page


def test_the_template_command_lists_pasted_replies(city, submit):
    paste = "您好！您的留言已收悉，我们将认真研究，感谢您对我们工作的关心和支持。"
    for title, text in (("路灯不亮", REQUEST), ("补课收费", "中学周末强制补课还收费，学生负担很重")):
        case = actions.dispatch(submit(title=title, description=text), city.dispatcher, city.dept)
        actions.reply(actions.accept(case, city.handler), city.handler, text=paste)
    out = io.StringIO()
    call_command("reply_templates", stdout=out)
    assert "1 template groups among 2 replies" in out.getvalue()
