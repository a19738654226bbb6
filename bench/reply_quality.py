"""Reply quality scores against the 100 manually labelled replies of the shipped data, and template replies.

For each labelled reply: is it complete (completeness >= COMPLETE) and does it explain its basis (explanation
>= EXPLAINED), next to the manual 0/1 labels: agreement and Cohen's kappa. The thresholds were set before
looking at the labels (insight/replies.py) and are not tuned on them. Then every one of the 2,816 replies is
scored, and the template detector lists replies given word for word to unrelated requests.

    .venv/bin/python bench/reply_quality.py [--data ../shared/data/teddy2020c]"""

import argparse
import csv
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from civicdesk.insight import replies  # noqa: E402


def parse(value):
    try:
        return datetime.strptime(value.strip(), "%Y/%m/%d %H:%M:%S")
    except ValueError:
        return None


def agreement(predicted, truth):
    n = len(truth)
    agree = sum(p == t for p, t in zip(predicted, truth, strict=True)) / n
    p_yes, t_yes = sum(predicted) / n, sum(truth) / n
    chance = p_yes * t_yes + (1 - p_yes) * (1 - t_yes)
    kappa = (agree - chance) / (1 - chance) if chance < 1 else 0.0
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    return agree, kappa, tp, sum(predicted), sum(truth)


def main():
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parent.parent.parent / "shared/data/teddy2020c"
    parser.add_argument("--data", type=Path, default=default)
    args = parser.parse_args()
    with open(args.data / "messages_with_replies.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    started = time.perf_counter()
    scored = [
        replies.score(r["title"], r["body"], r["reply"], parse(r["created_at"]), parse(r["replied_at"]))
        for r in rows
    ]
    elapsed = time.perf_counter() - started
    labelled = [(r, s) for r, s in zip(rows, scored, strict=True) if r["reply_complete"] in ("0.0", "1.0")]
    print(f"{len(rows)} replies scored in {elapsed:.1f} s; {len(labelled)} carry manual labels\n")
    for name, key, label in (
        ("complete", "complete", "reply_complete"),
        ("explained", "explained", "reply_explained"),
    ):
        predicted = [s[key] for _r, s in labelled]
        truth = [r[label] == "1.0" for r, _s in labelled]
        agree, kappa, tp, npred, ntrue = agreement(predicted, truth)
        print(
            f"  {name:9}  agreement {agree:.2f}   Cohen's kappa {kappa:.2f}"
            f"   (flagged {npred}, labelled {ntrue}, both {tp})"
        )
    no_answer = sum("no_answer" in s["flags"] for s in scored)
    print(f"\nreplies flagged as not answering the request: {no_answer} of {len(scored)}")
    groups = replies.templates((i, r["title"] + r["body"], r["reply"]) for i, r in enumerate(rows))
    count = sum(map(len, groups))
    print(f"template replies (same text, unrelated requests): {len(groups)} groups, {count} replies")
    for group in groups[:5]:
        print(
            "  "
            + " | ".join(rows[i]["title"][:24] for i in group[:3])
            + f"  ← {rows[group[0]]['reply'][:50]}"
        )


if __name__ == "__main__":
    main()
