"""The demo's staff accounts. Known passwords, for trying the system out; never use the demo in production."""

from dataclasses import dataclass

DEMO_PASSWORD = "civicdesk-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str
    unit_name: str
    name: str


# Printed by `civicdesk serve`. The demo also creates handler.<unit code> and leader.<unit code> for every
# department, utility, district and street, with the same password.
DEMO_ACCOUNTS = [
    DemoAccount("admin", "admin", "center", "12345热线中心", "系统管理员"),
    DemoAccount("operator", "operator", "center", "12345热线中心", "王受理"),
    DemoAccount("dispatcher", "dispatcher", "center", "12345热线中心", "李派单"),
    DemoAccount("supervisor", "supervisor", "center", "12345热线中心", "赵督办"),
    DemoAccount("handler.zjj", "handler", "zjj", "市住房和城乡建设局", "陈承办"),
    DemoAccount("leader.zjj", "leader", "zjj", "市住房和城乡建设局", "刘局长"),
    DemoAccount("handler.a2", "handler", "a2", "A2区", "周承办"),
    DemoAccount("leader.a2", "leader", "a2", "A2区", "吴区长"),
    DemoAccount("handler.a2-s1", "handler", "a2-s1", "暮云街道", "孙承办"),
    DemoAccount("citizen", "citizen", "", "", "张市民"),
]
