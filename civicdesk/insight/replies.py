"""Reply quality (答复质量): does a unit's reply answer the citizen, completely, with its basis, in time and
politely? A reply that is on time but does not answer the question is a failure all the same.

Each reply gets five scores from 0 to 1, each explainable by what was counted:

- relevance 相关性: how much of the request the reply takes up: the mean of the share of the title's content
  words (jieba, two characters or more, not stop words) found in the reply and twice the share of the whole
  request's content words (capped at 1: a reply restates the gist, not every word);
- completeness 完整性: length (a full answer needs room), relevance, and whether it reports what was done or
  will be done (results, dates, measures, a number to call);
- explanation 解释依据: law, regulation or policy cited (《…》, 根据/依据/按照, 规定, 条例, 第…条, …);
- timeliness 及时性: 1 within 7 days of the request, falling to 0 at 30 days;
- tone 态度: greeting and thanks, minus dismissive phrases.

Flags: `no_answer` (the reply hardly touches the request, or is too thin to be an answer) and
`template` (the same reply text given to requests that differ: see `templates`). bench/reply_quality.py
checks the scores against the 100 manually labelled replies of the shipped data."""

import logging
import re

import jieba

from . import similarity as sim

jieba.setLogLevel(logging.WARNING)

FULL_LENGTH = 300  # characters a reply needs before length stops adding to completeness
ON_TIME_DAYS = 7
LATE_DAYS = 30
COMPLETE = 0.5  # completeness from which a reply counts as complete
EXPLAINED = 0.5
NO_ANSWER_RELEVANCE = 0.1
NO_ANSWER_COMPLETENESS = 0.3

BASIS = re.compile(
    r"《[^》]{2,60}》|根据|依据|按照|依照|规定|条例|办法|细则|通知|意见|政策|文件|第[一二三四五六七八九十百零〇0-9]+条"
)
ACTION = re.compile(
    r"已经|已将|已于|已完成|完成|处理|解决|整改|修复|安排|落实|协调|督促|责成|预计|计划|将于|目前|现已|下一步|"
    r"联系电话|咨询电话|致电|\d{1,4}年|\d{1,2}月|\d{1,2}日"
)
GREETING = re.compile(r"您好|你好|尊敬")
THANKS = re.compile(r"感谢|谢谢|理解|支持")
DISMISSIVE = re.compile(r"不归|不属于我|无权|自行解决|自行协商|请勿|无法处理|不予受理|与我.{0,4}无关")
STOP = set(
    "的 了 是 在 和 与 及 或 我 你 您 他 她 它 我们 你们 他们 这 "
    "那 这个 那个 有 没有 也 都 就 还 又 很 非常 一个 什么 怎么 如何 为什么 是否 "
    "可以 能否 能 请 希望 要求 问题 反映 情况 关于 领导 书记 市长 尊敬 您好 你好 谢谢 现在 "
    "目前 已经 一直 但是 因为 所以 如果 一下 这样 那样 还是 不是 没 不 对 为 被 把 "
    "让 给 到 从 向 等 ".split()
)


def content_words(text):
    return {w for w in jieba.lcut(str(text)[:1000]) if len(w) >= 2 and w not in STOP and not w.isdigit()}


def _clip(value):
    return max(0.0, min(1.0, value))


def score(title, request, reply, asked_at=None, replied_at=None):
    """{"relevance", "completeness", "explanation", "timeliness", "tone", "flags", "basis"} for one reply."""
    reply = str(reply or "")
    said = content_words(reply)
    gist, asked = content_words(title), content_words(f"{title}\n{request}")
    title_share = len(gist & said) / len(gist) if gist else None
    body_share = _clip(2 * len(asked & said) / len(asked)) if asked else 0.0
    relevance = body_share if title_share is None else (title_share + body_share) / 2
    actions = len(ACTION.findall(reply))
    basis = BASIS.findall(reply)
    completeness = _clip(
        0.45 * _clip(len(reply) / FULL_LENGTH) + 0.25 * _clip(relevance / 0.5) + 0.3 * _clip(actions / 4)
    )
    explanation = _clip(len(basis) / 2)
    timeliness = None
    if asked_at is not None and replied_at is not None:
        days = (replied_at - asked_at).total_seconds() / 86400
        timeliness = _clip(1 - (days - ON_TIME_DAYS) / (LATE_DAYS - ON_TIME_DAYS))
    tone = _clip(
        0.5 * bool(GREETING.search(reply))
        + 0.5 * bool(THANKS.search(reply))
        - 0.5 * len(DISMISSIVE.findall(reply))
    )
    flags = []
    if relevance < NO_ANSWER_RELEVANCE or completeness < NO_ANSWER_COMPLETENESS:
        flags.append("no_answer")
    return {
        "relevance": round(relevance, 3),
        "completeness": round(completeness, 3),
        "explanation": round(explanation, 3),
        "timeliness": None if timeliness is None else round(timeliness, 3),
        "tone": round(tone, 3),
        "complete": completeness >= COMPLETE,
        "explained": explanation >= EXPLAINED,
        "basis": sorted(set(basis))[:5],
        "flags": flags,
    }


def templates(items, same_reply=0.9, different_request=0.3):
    """Replies pasted across unrelated cases: groups of item keys whose replies are near copies
    (Jaccard ≥ `same_reply`) while their requests differ (Jaccard < `different_request`).

    `items`: (key, request text, reply text). Uses the MinHash bands of similarity.py, so it reads each
    reply once, not every pair."""
    buckets = {}
    grams = {}
    for key, request, reply in items:
        grams[key] = (sim.shingles(request), sim.shingles(reply))
        for band in sim.band_keys(grams[key][1]):
            buckets.setdefault(band, []).append(key)
    flagged = {}
    for keys in buckets.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if (a, b) in flagged or a == b:
                    continue
                (req_a, rep_a), (req_b, rep_b) = grams[a], grams[b]
                if sim.jaccard(rep_a, rep_b) >= same_reply and sim.jaccard(req_a, req_b) < different_request:
                    flagged[(a, b)] = True
    groups = {}
    for a, b in flagged:
        group = groups.get(a) or groups.get(b) or set()
        group |= {a, b}
        for key in group:
            groups[key] = group
    return [sorted(g) for g in {id(g): g for g in groups.values()}.values()]
