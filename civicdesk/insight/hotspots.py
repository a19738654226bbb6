"""Hotspots (热点): requests about the same problem at the same place, grouped, and ranked by a heat index.

Free of the database: `mine` takes plain items, so the same code runs on the ledger (`civicdesk hotspots`) and
on the board's messages (bench/hotspots.py).

1. **Places.** Names ending in a place word (小区, 花园, 村, 路, 街道, 医院, 学校, …) are taken from the title
   and the start of the body, with the administrative prefix (A市, A3区, K4县…) and a leading verb (投诉,
   反映, 关于…) cut off, so "投诉A市伊景园滨河苑" and "A市伊景园滨河苑" are one place.
2. **Grouping.** Requests that share a place are compared by TF-IDF cosine of their character 2- and
   3-grams (hashed into 2²⁰ columns; title counted twice, body's first 300 characters); those at least
   PLACE_SIMILARITY alike are joined. Near-repeats of the same text join
   whatever their place (MinHash bands of similarity.py, NEAR_SIMILARITY). Groups are the connected parts.
3. **Heat.** heat = (ln(1 + requests) + ln(1 + people) + ½ ln(1 + support)) × recency × growth, where support
   is the likes (点赞) gathered, recency halves every HALF_LIFE_DAYS since the latest request, and
   growth = 1 + (requests in the last GROWTH_DAYS − requests in the GROWTH_DAYS before) / requests, between
   1 and 2.
4. The representative request is the member most like the others (largest summed cosine)."""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfTransformer

from . import similarity as sim

PLACE_SIMILARITY = 0.25
NEAR_SIMILARITY = 0.6
BLOCK_LIMIT = 400  # a place named in more requests than this is too broad to group by (a district, a lake)
HALF_LIFE_DAYS = 30
GROWTH_DAYS = 7
MIN_REQUESTS = 2

_PLACE = re.compile(
    r"([\u4e00-\u9fa5A-Za-z0-9]{2,14}?"
    r"(?:小区|花园|家园|公寓|大厦|广场|公园|社区|新村|村|组|小学|中学|学校|幼儿园|医院|市场|商场|车站|地铁站|"
    r"大道|路|街道|街|巷|桥|镇|乡|湖|城|苑|府|郡|湾|庭))"
)
_ADMIN = re.compile(r"^.*?(?:[A-Z]\d*[市区县]|[\u4e00-\u9fa5]{1,3}[市区县](?=[\u4e00-\u9fa5]{2}))")
_VERB = re.compile(
    r"^(?:投诉|举报|反映|反对|关于|建议|请求|要求|咨询|希望|强烈|再次|呼吁|委|在|对|的|内的|和|与|及)+"
)
_NOT_PLACE = re.compile(r"没有|政府|网站|问题|部门|领导|书记|为什么|如何|怎么|是否|能否|可以")
_SUFFIX = re.compile(r"(?:小区|社区)$")
_GENERIC = {"小区", "村", "路", "街", "街道", "社区", "学校", "医院", "城", "市场", "公园", "湖", "镇"}


def places(title, body=""):
    """Normalised place names mentioned in a request."""
    found = set()
    for raw in _PLACE.findall(f"{title}。{str(body)[:200]}"):
        name, previous = raw, None
        while name != previous:  # "A市A2区丽发新城" has two prefixes
            previous, name = name, _VERB.sub("", _ADMIN.sub("", name))
        if len(_SUFFIX.sub("", name)) >= 3:
            name = _SUFFIX.sub("", name)  # 丽发新城小区 and 丽发新城社区 are one place
        if 3 <= len(name) <= 10 and name not in _GENERIC and not _NOT_PLACE.search(name):
            found.add(name)
    return found


@dataclass
class Item:
    key: object
    title: str
    body: str
    person: str
    at: object  # datetime
    likes: int = 0


@dataclass
class Hotspot:
    members: list  # Items, earliest first
    place: str
    representative: Item
    heat: float = 0.0
    people: int = 0
    support: int = 0
    growth: float = 1.0
    first_at: object = None
    last_at: object = None
    reasons: list = field(default_factory=list)


def _vectors(items, dimensions=2**20):
    """TF-IDF rows of hashed character 3-grams (numpy per request: no Python loop over the grams)."""
    indptr, indices, counts = [0], [], []
    for item in items:
        text = sim.normalize(item.title) * 2 + sim.normalize(str(item.body)[:300])
        hashes = np.concatenate([sim.text_hashes(text, 2), sim.text_hashes(text, 3)])
        columns, n = np.unique(hashes % np.uint64(dimensions), return_counts=True)
        indices.append(columns.astype(np.int64))
        counts.append(n)
        indptr.append(indptr[-1] + len(columns))
    matrix = sp.csr_matrix(
        (np.concatenate(counts).astype(np.float64), np.concatenate(indices), np.array(indptr)),
        shape=(len(items), dimensions),
    )
    return TfidfTransformer(sublinear_tf=True).fit_transform(matrix).tocsr()


def heat(members, now, half_life_days=HALF_LIFE_DAYS):
    people = len({m.person for m in members})
    support = sum(max(0, m.likes) for m in members)
    last = max(m.at for m in members)
    age = max(0.0, (now - last).total_seconds() / 86400)
    recency = 0.5 ** (age / half_life_days) if half_life_days else 1.0
    recent = sum(now - timedelta(days=GROWTH_DAYS) < m.at <= now for m in members)
    before = sum(
        now - timedelta(days=2 * GROWTH_DAYS) < m.at <= now - timedelta(days=GROWTH_DAYS) for m in members
    )
    growth = min(2.0, max(1.0, 1 + (recent - before) / len(members)))
    value = (math.log1p(len(members)) + math.log1p(people) + 0.5 * math.log1p(support)) * recency * growth
    return value, people, support, growth


def mine(items, now, top=None, half_life_days=HALF_LIFE_DAYS):
    """Hotspots among `items` (Item), hottest first (`half_life_days=None`: no recency decay)."""
    items = list(items)
    if len(items) < MIN_REQUESTS:
        return []
    vectors = _vectors(items)
    blocks = defaultdict(list)
    item_places = []
    for index, item in enumerate(items):
        mentioned = places(item.title, item.body)
        item_places.append(mentioned)
        for name in mentioned:
            blocks[("place", name)].append(index)
        for band in sim.band_keys(sim.shingles(f"{item.title}{item.body}")):
            blocks[("band", band)].append(index)
    edges_from, edges_to, seen = [], [], set()
    for (kind, _name), members in blocks.items():
        if len(members) < 2 or len(members) > BLOCK_LIMIT:
            continue
        signature = (kind, tuple(members))
        if signature in seen:  # copies of one text share all their bands: compare them once
            continue
        seen.add(signature)
        block = vectors[members]
        cosine = (block @ block.T).toarray()
        bar = PLACE_SIMILARITY if kind == "place" else NEAR_SIMILARITY
        rows, cols = np.nonzero(np.triu(cosine >= bar, k=1))
        ids = np.asarray(members)
        edges_from.append(ids[rows])
        edges_to.append(ids[cols])
    n = len(items)
    graph = sp.coo_matrix(
        (
            np.ones(sum(len(e) for e in edges_from), dtype=np.int8),
            (
                np.concatenate(edges_from or [np.zeros(0, int)]),
                np.concatenate(edges_to or [np.zeros(0, int)]),
            ),
        ),
        shape=(n, n),
    )
    _count, labels = connected_components(graph, directed=False)
    groups = defaultdict(list)
    for index, label in enumerate(labels):
        groups[label].append(index)
    hotspots = []
    for members in groups.values():
        if len(members) < MIN_REQUESTS:
            continue
        block = vectors[members]
        centrality = np.asarray((block @ block.T).sum(axis=1)).ravel()
        representative = items[members[int(np.argmax(centrality))]]
        named = Counter(name for m in members for name in item_places[m])
        place = named.most_common(1)[0][0] if named else ""
        chosen = sorted((items[m] for m in members), key=lambda i: i.at)
        value, people, support, growth = heat(chosen, now, half_life_days)
        hotspots.append(
            Hotspot(
                members=chosen,
                place=place,
                representative=representative,
                heat=value,
                people=people,
                support=support,
                growth=growth,
                first_at=chosen[0].at,
                last_at=chosen[-1].at,
            )
        )
    hotspots.sort(key=lambda h: -h.heat)
    return hotspots[:top] if top else hotspots
