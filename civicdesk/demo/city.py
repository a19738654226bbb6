"""The demo city: A市 with eight districts/counties, their streets and communities, the hotline centre,
city departments and utilities, one handler and one leader per unit, and the dispatch catalogue.

Place names follow the anonymised names of the source messages (A市, A1区 ... A7县); the streets are names
that appear in those messages. People's names are synthetic."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from civicdesk.catalogue.models import Category, DispatchRule
from civicdesk.org.models import Role, Unit, UnitKind, User

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

# district code, name, [(street name, [community names])]
DISTRICTS = [
    (
        "a1",
        "A1区",
        [("马坡岭街道", ["马坡岭社区", "东湖社区"]), ("马王堆街道", ["马王堆社区", "浏城桥社区"])],
    ),
    (
        "a2",
        "A2区",
        [("暮云街道", ["暮云东社区", "暮云西社区"]), ("桂花坪街道", ["桂花坪社区", "井湾子社区"])],
    ),
    ("a3", "A3区", [("天顶街道", ["天顶社区", "梅溪湖社区"]), ("西湖街道", ["西湖社区", "望月湖社区"])]),
    ("a4", "A4区", [("沙坪街道", ["沙坪社区", "金霞社区"]), ("青竹湖街道", ["青竹湖社区", "湖景社区"])]),
    ("a5", "A5区", [("洞井街道", ["洞井社区", "鄱阳社区"]), ("东塘街道", ["东塘社区", "砂子塘社区"])]),
    ("a6", "A6区", [("月亮岛街道", ["月亮岛社区", "金洲社区"]), ("高塘岭街道", ["高塘岭社区", "新康村"])]),
    ("a7", "A7县", [("泉塘街道", ["泉塘社区", "天华社区"]), ("北山镇", ["北山村", "白石村"])]),
    ("a8", "A8县", [("双江口镇", ["双江口村", "南田坪村"]), ("灰汤镇", ["灰汤村", "东鹜村"])]),
]

# code, name, categories it answers for across the city (full names; the deepest matching rule wins)
DEPARTMENTS = [
    ("zjj", "市住房和城乡建设局", ["城乡建设"]),
    ("cgj", "市城市管理和综合执法局", ["城乡建设/城市建设和市政管理"]),
    ("nyj", "市农业农村局", ["农村农业"]),
    ("gaj", "市公安局", ["政法"]),
    ("jyj", "市教育局", ["教育文体"]),
    ("rsj", "市人力资源和社会保障局", ["劳动和社会保障"]),
    ("mzj", "市民政局", ["民政"]),
    ("zwj", "市政务服务中心", ["党务政务"]),
    ("fgw", "市发展和改革委员会", ["经济管理"]),
    ("wjw", "市卫生健康委员会", ["卫生计生"]),
    ("swj", "市商务局", ["商贸旅游"]),
    ("scj", "市市场监督管理局", ["商贸旅游/市场监管", "卫生计生/食品药品监管", "商贸旅游/质监检验检疫"]),
    ("sthj", "市生态环境局", ["环境保护"]),
    ("jtj", "市交通运输局", ["交通运输"]),
    ("jw", "市纪委监委", ["纪检监察"]),
    ("zrj", "市自然资源和规划局", ["国土资源", "城乡建设/城乡规划"]),
    ("kjj", "市科学技术局", ["科技与信息产业"]),
]

UTILITIES = [
    ("water", "A市自来水公司", "城乡建设/城市建设和市政管理/自来水供应"),
    ("power", "国网A市供电公司", "城乡建设/城市建设和市政管理/电力供应"),
    ("gas", "A市燃气公司", "城乡建设/城市建设和市政管理/燃气供应"),
    ("heat", "A市热力公司", "城乡建设/城市建设和市政管理/冬季采暖"),
]

# First-level categories that a district answers for inside its own area (属地管理).
DISTRICT_CATEGORIES = ["城乡建设", "环境保护", "城乡建设/城市建设和市政管理"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红波辉鹏宇浩凯健俊帆"


def staff_name(index):
    return (
        SURNAMES[index % len(SURNAMES)]
        + GIVEN[(index * 7) % len(GIVEN)]
        + GIVEN[(index * 13 + 5) % len(GIVEN)]
    )


class DemoCity:
    """Handles on what `build_city` made, for the replay."""

    def __init__(self):
        self.units = {}
        self.users = {}
        self.districts = []  # [(district unit, [(street unit, [community units])])]

    def handler(self, unit):
        return self.users.get(f"handler.{unit.code}")

    def leader(self, unit):
        return self.users.get(f"leader.{unit.code}")


def _unit(city, code, name, kind, parent):
    unit = Unit.objects.create(code=code, name=name, kind=kind, parent=parent)
    city.units[code] = unit
    return unit


def _user(city, username, role, unit, name, *, staff=False, superuser=False, password_hash=None):
    user = User(
        username=username,
        role=role,
        unit=unit,
        first_name=name,
        is_staff=staff or superuser,
        is_superuser=superuser,
    )
    # One PBKDF2 hash for every demo account: they share a published password anyway, and hashing it a
    # hundred times would take half a minute.
    user.password = password_hash
    city.users[username] = user
    return user


@transaction.atomic
def build_city():
    city = DemoCity()
    root = _unit(city, "city", "A市", UnitKind.CITY, None)
    center = _unit(city, "center", "12345热线中心", UnitKind.CENTER, root)
    for code, name, streets in DISTRICTS:
        district = _unit(city, code, name, UnitKind.DISTRICT, root)
        street_units = []
        for s, (street_name, communities) in enumerate(streets, start=1):
            kind = UnitKind.STREET
            street = _unit(city, f"{code}-s{s}", street_name, kind, district)
            members = [
                _unit(city, f"{code}-s{s}-c{c}", community, UnitKind.COMMUNITY, street)
                for c, community in enumerate(communities, start=1)
            ]
            street_units.append((street, members))
        city.districts.append((district, street_units))
    for code, name, _categories in DEPARTMENTS:
        _unit(city, code, name, UnitKind.DEPARTMENT, root)
    for code, name, _category in UTILITIES:
        _unit(city, code, name, UnitKind.UTILITY, root)

    users = []
    password_hash = make_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        if account.role == Role.CITIZEN:
            users.append(
                _user(city, account.username, account.role, None, account.name, password_hash=password_hash)
            )
            continue
        unit = city.units[account.unit_code]
        citywide = account.unit_code == "center"
        users.append(
            _user(
                city,
                account.username,
                account.role,
                unit,
                account.name,
                staff=citywide,
                superuser=account.role == Role.ADMIN,
                password_hash=password_hash,
            )
        )
    index = 0
    for unit in city.units.values():
        if unit.kind not in (UnitKind.DEPARTMENT, UnitKind.UTILITY, UnitKind.DISTRICT, UnitKind.STREET):
            continue
        for role in (Role.HANDLER, Role.LEADER):
            username = f"{role}.{unit.code}"
            if username not in city.users:
                users.append(
                    _user(city, username, role, unit, staff_name(index), password_hash=password_hash)
                )
            index += 1
    User.objects.bulk_create(users)
    city.users = {u.username: u for u in User.objects.filter(username__in=list(city.users))}

    categories = {c.full_name: c for c in Category.objects.all()}
    rules = []
    for code, _name, names in DEPARTMENTS:
        for full_name in names:
            rules.append(DispatchRule(category=categories[full_name], unit=city.units[code]))
    for code, _name, full_name in UTILITIES:
        rules.append(DispatchRule(category=categories[full_name], unit=city.units[code]))
    for district, _streets in city.districts:
        for full_name in DISTRICT_CATEGORIES:
            rules.append(
                DispatchRule(category=categories[full_name], area=district, unit=district, note="属地管理")
            )
    DispatchRule.objects.bulk_create(rules)
    city.center = center
    return city
