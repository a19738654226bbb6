"""Example knowledge-base entries for the demo. Written for the demo, not official policy: a city replaces
them with its own answers (知识库 in the web interface)."""

from civicdesk.catalogue.models import Category
from civicdesk.knowledge.models import Article

ARTICLES = [
    (
        "住房公积金提取需要什么材料",
        "公积金 提取 材料 租房 购房",
        "提取住房公积金一般需要本人身份证、银行卡和对应提取事由的证明（如购房合同、租房合同或退休证明）。"
        "可通过公积金中心网站、手机App或服务网点办理，具体材料以当地公积金中心最新公布为准。",
        "当地住房公积金提取管理办法",
        "城乡建设/住房保障与房地产/住房公积金",
    ),
    (
        "居住证怎么办理",
        "居住证 办理 暂住 流动人口",
        "在居住地连续居住满半年、有合法稳定就业或住所或连续就读的，可持身份证、住所证明等材料到居住地"
        "派出所或社区服务站申领居住证。",
        "《居住证暂行条例》",
        "",
    ),
    (
        "新生儿怎么办理户口登记",
        "新生儿 落户 户口 出生",
        "新生儿出生后，监护人可持出生医学证明、父母户口簿和身份证、结婚证等材料，到户口所在地派出所为其"
        "申报出生登记，部分地区可网上办理。",
        "户口登记相关规定",
        "",
    ),
    (
        "社保关系跨省转移怎么办",
        "社保 养老保险 转移 跨省 接续",
        "跨省流动就业的，可通过国家社会保险公共服务平台或新参保地社保经办机构申请转移接续养老保险关系，"
        "原参保地审核后转出，一般无需本人往返两地。",
        "《城镇企业职工基本养老保险关系转移接续暂行办法》",
        "劳动和社会保障",
    ),
    (
        "夜间施工噪音扰民向谁反映",
        "噪音 施工 夜间 扰民",
        "夜间（一般22时至次日6时）禁止产生噪声污染的建筑施工作业，因特殊需要连续施工的须取得证明并公告。"
        "发现夜间违规施工可拨打12345反映，由属地城管或生态环境部门现场核查处理。",
        "《中华人民共和国噪声污染防治法》",
        "环境保护",
    ),
    (
        "不动产权证办理需要多长时间",
        "不动产 房产证 产权证 办证",
        "材料齐全、符合法定形式的，一般登记业务在规定工作日内办结，部分地区已实现一般登记5个工作日内办结。"
        "办理进度可凭受理回执在不动产登记中心查询。",
        "《不动产登记暂行条例》",
        "城乡建设",
    ),
]


def load_articles():
    by_name = dict(Category.objects.values_list("full_name", "pk"))
    for title, keywords, answer, basis, category in ARTICLES:
        Article.objects.get_or_create(
            title=title,
            defaults={
                "keywords": keywords,
                "answer": answer,
                "basis": basis,
                "category_id": by_name.get(category),
            },
        )
    return len(ARTICLES)
