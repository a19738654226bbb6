"""The text classifier learns from few examples, uses the catalogue when it has none, and says why."""

from civicdesk.classifier.text import TextClassifier, catalogue_examples

TRAINING = [
    ("公交车晚点", "12路公交车早高峰经常晚点半小时，站台等车的人很多", "交通运输"),
    ("出租车拒载", "晚上在火车站打出租车，司机拒载还加价", "交通运输"),
    ("地铁站出口", "地铁二号线出口电梯长期停运，老人上下不便", "交通运输"),
    ("学校乱收费", "孩子所在小学每学期收取资料费，家长意见很大", "教育文体"),
    ("幼儿园入学", "小区配套幼儿园一直没有开园，孩子入园难", "教育文体"),
    ("补课问题", "中学周末强制补课，学生负担太重", "教育文体"),
]


def fitted(catalogue=()):
    titles, bodies, labels = zip(*TRAINING, strict=True)
    return TextClassifier().fit(titles, bodies, labels, catalogue)


def test_it_learns_and_explains():
    model = fitted()
    best = model.suggest("公交车晚点", "我家门口的公交车经常晚点")[0]
    assert best.label == "交通运输" and best.score > 0
    assert any("公交" in reason for reason in best.because)
    assert model.predict(["学校收费"], ["小学收取的资料费太高"]) == ["教育文体"]


def test_the_catalogue_teaches_what_history_has_not():
    taxonomy = [
        {"level1": "卫生计生", "level2": "医疗服务管理", "level3": "医院收费"},
        {"level1": "卫生计生", "level2": "医疗服务管理", "level3": "医疗纠纷"},
        {"level1": "其他", "level2": "x", "level3": "y"},
    ]
    examples = catalogue_examples(taxonomy, {"卫生计生", "交通运输", "教育文体"})
    assert examples == [("卫生计生", "医疗服务管理 医院收费"), ("卫生计生", "医疗服务管理 医疗纠纷")]
    without = fitted()
    assert "卫生计生" not in {s.label for s in without.suggest("医院", "医院收费不合理", top=2)}
    model = fitted(examples)
    assert model.suggest("医院收费", "医院收费不合理，医疗纠纷没人管")[0].label == "卫生计生"


def test_english_requests_are_learned_too():
    """NYC 311 (shared/data/nyc311): what was reported and where → the agency that handles it."""
    import csv
    from pathlib import Path

    from civicdesk.classifier.training import evaluate

    path = Path(__file__).resolve().parents[4] / "shared/data/nyc311/service_requests_2022-05-01.csv"
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    train, test = [r for i, r in enumerate(rows) if i % 3], rows[::3]
    model = TextClassifier().fit(
        [r["Descriptor"] for r in train], [r["Location Type"] for r in train], [r["Agency"] for r in train]
    )
    assert "macro_f1" in model.metrics  # held-out metrics even with a class of a single example
    report = evaluate(
        model,
        [r["Descriptor"] for r in test],
        [r["Location Type"] for r in test],
        [r["Agency"] for r in test],
    )
    majority = sum(r["Agency"] == "NYPD" for r in test) / len(test)
    assert report["accuracy"] > majority and report["accuracy"] >= 0.97
    best = model.suggest("Street Light Out", "Street")[0]
    assert best.label == "DOT" and {"street", "light"} & set(best.because)
    assert model.suggest("Loud Music/Party", "Residential Building/House")[0].label == "NYPD"
