"""`civicdesk classifier train | evaluate | versions | activate | rollback` as an administrator runs them."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from civicdesk.classifier import versions
from civicdesk.classifier.models import ClassifierVersion

EXAMPLES = [
    ("公交车晚点", "12路公交车早高峰经常晚点半小时", "交通运输"),
    ("出租车拒载", "晚上在火车站打出租车，司机拒载还加价", "交通运输"),
    ("地铁站电梯停运", "地铁二号线出口电梯长期停运，老人上下不便", "交通运输"),
    ("长途客车超载", "长途客车经常超载，乘客站满过道", "交通运输"),
    ("学校乱收费", "孩子所在小学每学期收取资料费，家长意见很大", "教育文体"),
    ("幼儿园入园难", "小区配套幼儿园一直没有开园，孩子入园难", "教育文体"),
    ("周末强制补课", "中学周末强制补课，学生负担太重", "教育文体"),
    ("教师有偿家教", "班主任在家里开补习班，暗示学生参加", "教育文体"),
]


def write_csv(path, rows, header=("title", "body", "label")):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("classifier", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_train_from_a_file_stores_an_inactive_version_with_its_metrics(db, tmp_path):
    out, err = run("train", "--file", str(write_csv(tmp_path / "train.csv", EXAMPLES)))
    version = ClassifierVersion.objects.get()
    assert "training on 8 examples, 2 labels" in out and f"saved {version}" in out
    assert "100%" in err and "[" in err  # the progress bar
    assert not version.is_active and versions.current().name == "shipped"
    assert version.examples == 8 and sorted(version.labels) == ["交通运输", "教育文体"]
    assert 0 <= version.metrics["macro_f1"] <= 1 and version.metrics["held_out"] == 8
    assert len(version.fingerprint) == 64 and version.source.startswith("file ")
    # the same data gives the same fingerprint, other data another
    run("train", "--file", str(write_csv(tmp_path / "again.csv", list(reversed(EXAMPLES)))))
    run("train", "--file", str(write_csv(tmp_path / "less.csv", EXAMPLES[1:])))
    prints = list(ClassifierVersion.objects.order_by("pk").values_list("fingerprint", flat=True))
    assert prints[0] == prints[1] != prints[2]


def test_train_from_excel_with_chinese_headers_and_activate(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "内容", "分类"])
    for row in EXAMPLES:
        sheet.append(list(row))
    book.save(tmp_path / "ledger.xlsx")
    out, _ = run("train", "--file", str(tmp_path / "ledger.xlsx"), "--activate", "--note", "excel")
    version = ClassifierVersion.objects.get()
    assert version.is_active and version.note == "excel" and versions.current().name == str(version)
    out, _ = run("versions")
    assert f"* {version}" in out.replace("*    ", "* ").replace("*   ", "* ") and "in use: v" in out


def test_evaluate_prints_the_scores_per_class_and_the_confusion_matrix(db, tmp_path):
    path = write_csv(tmp_path / "test.csv", EXAMPLES)
    out, _ = run("evaluate", str(path), "--version", "shipped")
    assert "model shipped" in out and "accuracy" in out and "macro-F1" in out
    assert "precision" in out and "recall" in out and "confusion matrix" in out
    assert "交通运输" in out and "教育文体" in out


def test_activate_and_rollback_from_the_command_line(db, tmp_path):
    path = str(write_csv(tmp_path / "train.csv", EXAMPLES))
    run("train", "--file", path, "--activate")
    run("train", "--file", path)
    first, second = ClassifierVersion.objects.order_by("pk")
    out, _ = run("activate", str(second.pk))
    assert f"{second} is in use" in out
    out, _ = run("rollback")
    assert f"{first} is in use" in out


@pytest.mark.parametrize(
    "content, message",
    [
        ("title,text\n只有标题,和内容\n", "no label column"),
        ("title,body,label\n公交,晚点,\n", "row 2: no label"),
        ("title,body,label\n公交,晚点,交通运输\n", "at least two different labels"),
        ("title,body,label\n", "no examples"),
    ],
)
def test_bad_training_files_get_a_clear_message(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("train", "--file", str(path))
    assert not ClassifierVersion.objects.exists()


def test_files_of_another_kind_are_refused(db, tmp_path):
    (tmp_path / "data.json").write_text("{}")
    with pytest.raises(CommandError, match="use a .csv or .xlsx file"):
        run("evaluate", str(tmp_path / "data.json"))
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a readable Excel"):
        run("train", "--file", str(tmp_path / "broken.xlsx"))
    with pytest.raises(CommandError, match="No such file"):
        run("evaluate", str(tmp_path / "missing.csv"))
