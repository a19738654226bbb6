"""Builds civicdesk/demo/data/messages.csv.gz from ../shared/data/teddy2020c (run once; output committed).

Takes every labelled message and a fixed sample of the messages with official replies, keeps title, body
(cut to 800 characters), the label (first-level category, when known) and the official reply (cut to 1,200
characters). See civicdesk/demo/data/README.md for provenance."""

import csv
import gzip
import random
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/teddy2020c")
TARGET = Path(__file__).resolve().parent.parent / "civicdesk" / "demo" / "data" / "messages.csv.gz"
REPLY_SAMPLE = 1800


def rows(name):
    with open(SOURCE / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def main():
    out = []
    for row in rows("messages_labelled.csv"):
        out.append(
            (
                row["message_id"],
                row["user_id"],
                row["title"].strip(),
                row["body"].strip()[:800],
                row["label"],
                "",
            )
        )
    replies = rows("messages_with_replies.csv")
    random.Random(12345).shuffle(replies)
    for row in replies[:REPLY_SAMPLE]:
        out.append(
            (
                row["message_id"],
                row["user_id"],
                row["title"].strip(),
                row["body"].strip()[:800],
                "",
                row["reply"].strip()[:1200],
            )
        )
    with gzip.open(TARGET, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message_id", "user_id", "title", "body", "label", "reply"])
        writer.writerows(out)
    print(f"{len(out)} messages → {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
