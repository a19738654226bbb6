"""Hotspot mining on the board's messages with likes (messages_with_votes.csv), and its speed at 100,000.

Prints the ten hottest problems (place, time span, requests, people, likes, heat, representative title) as
of the newest message, then times mining on 100,000 requests made by repeating the messages with shifted
dates and other authors (--scale 0 to skip).

    .venv/bin/python bench/hotspots.py [--data ../shared/data/teddy2020c] [--scale 100000]"""

import argparse
import csv
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from civicdesk.insight import hotspots  # noqa: E402


def parse(value):
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    raise ValueError(value)


def main():
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parent.parent.parent / "shared/data/teddy2020c"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    with open(args.data / "messages_with_votes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    items = [
        hotspots.Item(
            r["message_id"],
            r["title"],
            r["body"],
            r["user_id"],
            parse(r["created_at"]),
            int(float(r["likes"] or 0)),
        )
        for r in rows
    ]
    now = max(i.at for i in items)
    for title, half_life in (
        (
            f"as of the newest message, recency half-life {hotspots.HALF_LIFE_DAYS} days",
            hotspots.HALF_LIFE_DAYS,
        ),
        ("over the whole period, no recency decay", None),
    ):
        started = time.perf_counter()
        found = hotspots.mine(items, now, half_life_days=half_life)
        elapsed = time.perf_counter() - started
        grouped = sum(len(h.members) for h in found)
        print(
            f"\n{len(items)} messages, {title}:"
            f" {len(found)} hotspots holding {grouped} messages, {elapsed:.1f} s"
        )
        print("rank  heat  requests people  likes  span                     place / representative request")
        for rank, h in enumerate(found[:10], start=1):
            span = f"{h.first_at:%Y-%m-%d} – {h.last_at:%Y-%m-%d}"
            print(
                f"{rank:4d} {h.heat:5.2f} {len(h.members):8d} {h.people:6d} {h.support:6d}  {span}  "
                f"{h.place or '-'} / {h.representative.title[:40]}"
            )
    if args.scale:
        big = []
        copies = args.scale // len(items) + 1
        for copy in range(copies):
            for i in items:
                big.append(
                    hotspots.Item(
                        f"{copy}-{i.key}",
                        i.title,
                        i.body,
                        f"{copy}-{i.person}",
                        i.at - timedelta(days=copy),
                        i.likes,
                    )
                )
        big = big[: args.scale]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        result = hotspots.mine(big, now)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\n{len(big):,} requests: {len(result)} hotspots in {elapsed:.1f} s (target 60 s);"
            f" peak resident memory {peak:.0f} MB (before: {before:.0f} MB)"
        )


if __name__ == "__main__":
    main()
