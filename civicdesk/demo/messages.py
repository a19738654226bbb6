"""The real citizen messages the demo ledger is built from (see data/README.md), with a category, a kind,
a district and a synthetic contact for each.

Labelled messages carry their first-level category; the others get one from a keyword table. This is only
good enough to make a believable demo: routing proper is the classifier's job."""

import csv
import gzip
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "messages.csv.gz"

# keyword → category full name; the first keyword found wins, so specific words come first.
KEYWORDS = [
    ("停水", "城乡建设/城市建设和市政管理/自来水供应"),
    ("自来水", "城乡建设/城市建设和市政管理/自来水供应"),
    ("水压", "城乡建设/城市建设和市政管理/自来水供应"),
    ("停电", "城乡建设/城市建设和市政管理/电力供应"),
    ("供电", "城乡建设/城市建设和市政管理/电力供应"),
    ("燃气", "城乡建设/城市建设和市政管理/燃气供应"),
    ("天然气", "城乡建设/城市建设和市政管理/燃气供应"),
    ("暖气", "城乡建设/城市建设和市政管理/冬季采暖"),
    ("物业", "城乡建设/住房保障与房地产/物业服务"),
    ("公积金", "城乡建设/住房保障与房地产/住房公积金"),
    ("房产证", "城乡建设/住房保障与房地产/房产证登记、办理"),
    ("不动产", "城乡建设/住房保障与房地产/房产证登记、办理"),
    ("公租房", "城乡建设/住房保障与房地产/保障性住房"),
    ("廉租房", "城乡建设/住房保障与房地产/保障性住房"),
    ("开发商", "城乡建设/住房保障与房地产/房地产开发管理"),
    ("拆迁", "城乡建设/国有土地上房屋征收与补偿/房屋拆迁"),
    ("安置", "城乡建设/国有土地上房屋征收与补偿/安置补偿"),
    ("棚改", "城乡建设/国有土地上房屋征收与补偿/棚户区和城中村改造"),
    ("违建", "城乡建设/城乡规划/违章建筑"),
    ("违章建筑", "城乡建设/城乡规划/违章建筑"),
    ("加装电梯", "城乡建设/城市建设和市政管理/居民服务设施"),
    ("路灯", "城乡建设/城市建设和市政管理/城市公共设施"),
    ("井盖", "城乡建设/城市建设和市政管理/城市公共设施"),
    ("垃圾", "城乡建设/城市建设和市政管理/环境卫生"),
    ("绿化", "城乡建设/城市建设和市政管理/园林绿化"),
    ("地铁", "城乡建设/城市建设和市政管理/地铁城铁"),
    ("公交", "城乡建设/城市建设和市政管理/公共汽车"),
    ("占道", "城乡建设/城市建设和市政管理/城管执法"),
    ("施工", "城乡建设/工程质量/施工安全"),
    ("工程款", "城乡建设/建筑市场/拖欠工程款"),
    ("噪音", "环境保护/环境污染/噪音污染"),
    ("噪声", "环境保护/环境污染/噪音污染"),
    ("扰民", "环境保护/环境污染/噪音污染"),
    ("油烟", "环境保护/环境污染/大气污染"),
    ("污水", "环境保护/环境污染/水污染"),
    ("排污", "环境保护/环境污染/水污染"),
    ("粉尘", "环境保护/环境污染/大气污染"),
    ("出租车", "交通运输/出租车管理/行业监管"),
    ("网约车", "交通运输/出租车管理/网约车问题"),
    ("快递", "交通运输/邮政管理/快递市场管理"),
    ("停车", "政法/交通管理/交通安全管理"),
    ("红绿灯", "政法/交通管理/交通安全管理"),
    ("驾驶证", "政法/交通管理/机动车和驾驶员管理"),
    ("户口", "政法/户籍证件/其他"),
    ("落户", "政法/户籍证件/其他"),
    ("传销", "商贸旅游/市场监管/传销"),
    ("价格", "商贸旅游/市场监管/物价监督"),
    ("食品", "卫生计生/食品药品监管/食品安全"),
    ("医院", "卫生计生/医政监管/医疗机构管理"),
    ("医保", "劳动和社会保障/城镇职工社会保险/职工医疗保险"),
    ("社保", "劳动和社会保障/城镇职工社会保险/职工养老保险"),
    ("养老保险", "劳动和社会保障/城镇职工社会保险/职工养老保险"),
    ("退休", "劳动和社会保障/退休政策及待遇/退休金发放"),
    ("工资", "劳动和社会保障/工资福利/工资发放"),
    ("欠薪", "劳动和社会保障/工资福利/工资发放"),
    ("劳动合同", "劳动和社会保障/劳动关系/劳动合同纠纷"),
    ("辞退", "劳动和社会保障/劳动关系/辞职辞退"),
    ("就业", "劳动和社会保障/就业培训/就业和再就业"),
    ("低保", "民政/社会救助/城镇低保"),
    ("婚姻登记", "民政/社会服务/婚姻登记"),
    ("学位", "教育文体/教育体制/教育资源配置"),
    ("入学", "教育文体/考试招生/招生录取"),
    ("幼儿园", "教育文体/教育行政管理/民办学校"),
    ("补课", "教育文体/教育行政管理/学生负担"),
    ("收费", "教育文体/教育收费/乱收费"),
    ("教师", "教育文体/教师队伍和待遇/工资福利"),
    ("学校", "教育文体/教育行政管理/教学管理"),
    ("扶贫", "农村农业/扶贫开发/其他"),
    ("土地承包", "农村农业/土地承包经营/其他"),
    ("村委", "农村农业/村务管理/其他"),
    ("征地", "国土资源/土地征收/其他"),
    ("宽带", "科技与信息产业/电信/通信保障"),
    ("信号", "科技与信息产业/电信/通信保障"),
    ("旅游", "商贸旅游/旅游管理/旅游市场管理"),
    ("景区", "商贸旅游/旅游管理/景区管理"),
    ("消防", "政法/社会治安/消防安全"),
    ("治安", "政法/社会治安/治安案件"),
]

KIND_WORDS = [
    ("praise", ("感谢", "表扬", "点赞")),
    ("report", ("举报",)),
    ("inquiry", ("咨询", "请问", "如何办理", "怎么办理", "能否告知", "是否可以")),
    ("suggestion", ("建议",)),
    ("help", ("求助", "帮忙", "救助")),
]

DISTRICT_MENTION = re.compile(r"A([1-8])[区县]")


@dataclass
class Message:
    message_id: str
    author: str
    title: str
    body: str
    label: str
    reply: str
    category: str = ""
    kind: str = "complaint"
    district: str = ""

    @property
    def text(self):
        return f"{self.title}\n{self.body}"


def pick_category(message, available):
    """The first keyword's category inside the message's own label if it has one, else the label."""
    text = message.text
    for keyword, full_name in KEYWORDS:
        if keyword in text and full_name in available:
            if not message.label or full_name.split("/")[0] == message.label:
                return full_name
    return message.label if message.label in available else "城乡建设/其他/其他"


def pick_kind(message):
    head = message.title + message.body[:80]
    for kind, words in KIND_WORDS:
        if any(word in head for word in words):
            return kind
    return "complaint"


def load(available_categories):
    messages = []
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            message = Message(
                row["message_id"], row["user_id"], row["title"], row["body"], row["label"], row["reply"]
            )
            message.category = pick_category(message, available_categories)
            message.kind = pick_kind(message)
            mention = DISTRICT_MENTION.search(message.text)
            message.district = f"a{mention.group(1)}" if mention else ""
            messages.append(message)
    return messages


def synthetic_phone(author):
    """A stable, obviously fake mobile number per source author (the 170 prefix is a virtual operator's)."""
    digest = int(hashlib.sha256(author.encode()).hexdigest(), 16)
    return "170" + f"{digest % 10**8:08d}"


def synthetic_name(author):
    from .city import SURNAMES

    digest = int(hashlib.sha256(("name" + author).encode()).hexdigest(), 16)
    return SURNAMES[digest % len(SURNAMES)] + ("先生" if digest % 2 else "女士")
