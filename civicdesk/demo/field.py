"""Field work in the demo city: households of 暮云街道's communities, its handler's contact households and
visits, one summons (吹哨报到) and one long-term case with a duty list. Names and phones are synthetic."""

from datetime import timedelta

from civicdesk.cases import actions, clock
from civicdesk.cases.models import Case, CaseState
from civicdesk.field.models import ContactHousehold, Household, Person
from civicdesk.field.visits import record_visit
from civicdesk.org.models import Unit, UnitKind

STREET = "a2-s1"
SURNAMES = "刘王李张陈杨赵黄周吴"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉梅", "德华", "淑珍", "海涛"]
NEEDS = [
    "门前路灯不亮，晚上出行不便",
    "申请居家养老上门服务",
    "楼道堆放杂物，存在消防隐患",
    "屋后排水沟堵塞，雨天积水",
    "小区健身器材损坏",
    "想了解医保异地备案怎么办",
]


def build_field_work(city, now, rng):
    street = Unit.objects.get(code=STREET)
    handler = city.handler(street)
    homes = []
    for community in Unit.objects.filter(parent=street).order_by("code"):
        for group in range(1, 5):
            head = rng.choice(SURNAMES) + rng.choice(GIVEN)
            phone = f"1390{rng.randint(1000000, 9999999)}"
            home = Household.objects.create(
                area=community,
                address=f"{community.name}{group}组{rng.randint(1, 40)}号",
                head=head,
                phone=phone,
            )
            Person.objects.create(household=home, area=community, name=head, phone=phone)
            Person.objects.create(household=home, area=community, name=head[0] + rng.choice(GIVEN))
            homes.append(home)
    for home in homes[:6]:
        ContactHousehold.objects.create(
            staff=handler, household=home, every_days=30, assigned_on=(now - timedelta(days=90)).date()
        )
    for home in homes[:5]:
        moment = now - timedelta(days=rng.randint(5, 45), hours=rng.randint(1, 6))
        with clock.frozen(moment):
            record_visit(
                handler,
                area=home.area,
                household=home,
                visited_on=moment.date(),
                heard="入户走访，了解家庭情况和需求",
                needs_text="\n".join(rng.sample(NEEDS, rng.randint(1, 2))),
            )
    _joint_handling(city, now)


def _joint_handling(city, now):
    """A summons the department answered and one it has not, on a case a district or street handles; and a
    case planned for the long term."""
    accepted = list(
        Case.objects.filter(
            state=CaseState.ACCEPTED, responsible_unit__kind__in=[UnitKind.DISTRICT, UnitKind.STREET]
        ).order_by("pk")[:2]
    )
    departments = {u.code: u for u in Unit.objects.filter(code__in=["zjj", "cgj"])}
    if accepted and len(departments) == 2:
        case = accepted[0]
        with clock.frozen(max(case.updated_at, now - timedelta(days=2))):
            case = actions.summon(
                case,
                city.handler(case.responsible_unit),
                units=[departments["zjj"], departments["cgj"]],
                reason="涉及违章搭建和占道，属地无执法权",
                task="住建局核查建设手续，城管局依法处置占道",
                hours=24,
            )
        with clock.frozen(case.updated_at + timedelta(hours=3)):
            actions.report_in(case, _staff(departments["zjj"]), note="已安排执法人员到场")
    if len(accepted) > 1:
        case = accepted[1]
        with clock.frozen(max(case.updated_at, now - timedelta(days=1))):
            actions.plan_duty(
                case,
                city.handler(case.responsible_unit),
                explanation="涉及小区排水管网整体改造，需列入明年市政计划，预计明年六月完工，期间每月告知进展。",
                measures="先组织临时疏通，再申报管网改造项目",
                milestones=(
                    f"{(now - timedelta(days=1)).date().isoformat()} 完成临时疏通\n"
                    f"{(now + timedelta(days=120)).date().isoformat()} 改造项目立项\n"
                    f"{(now + timedelta(days=210)).date().isoformat()} 改造完工"
                ),
            )


def _staff(unit):
    from civicdesk.org.models import Role, User

    return User.objects.filter(unit=unit, role=Role.HANDLER, is_active=True).order_by("pk").first()
