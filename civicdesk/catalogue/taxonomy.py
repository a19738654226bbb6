"""Loading a category tree from a CSV file with columns level1, level2, level3."""

import csv
import io
from pathlib import Path

DEFAULT_FILE = Path(__file__).parent / "data" / "taxonomy.csv"

# Third-level categories that are utility supply (水电气热): 24-hour limit by default.
UTILITY_CATEGORIES = {"自来水供应", "电力供应", "燃气供应", "冬季采暖"}


class TaxonomyError(ValueError):
    pass


def within(name, ancestor):
    """Whether the category full name `name` is `ancestor` or lies under it (城乡建设/… within 城乡建设)."""
    return name == ancestor or name.startswith(ancestor + "/")


def same_line(a, b):
    """Whether two category full names are one category or one lies under the other."""
    return within(a, b) or within(b, a)


def read_rows(source):
    """Rows of (level1, level2, level3) from a path or text; errors name the line."""
    text = (
        Path(source).read_text(encoding="utf-8-sig") if not isinstance(source, io.StringIO) else source.read()
    )
    reader = csv.DictReader(io.StringIO(text))
    missing = {"level1", "level2", "level3"} - set(reader.fieldnames or [])
    if missing:
        raise TaxonomyError(f"missing columns: {', '.join(sorted(missing))}")
    rows = []
    for line, row in enumerate(reader, start=2):
        names = [(row.get(key) or "").strip() for key in ("level1", "level2", "level3")]
        if not names[0]:
            raise TaxonomyError(f"line {line}: level1 is empty")
        if names[2] and not names[1]:
            raise TaxonomyError(f"line {line}: level3 given without level2")
        if any(len(name) > 100 for name in names):
            raise TaxonomyError(f"line {line}: a name is longer than 100 characters")
        rows.append(names)
    return rows


def load(rows, Category):
    """Creates missing categories; returns how many were created. Works with historical models too,
    so it sets level and full_name itself instead of relying on Category.save()."""
    created = 0
    cache = {}

    def node(names):
        nonlocal created
        key = tuple(names)
        if key in cache:
            return cache[key]
        parent = node(names[:-1]) if len(names) > 1 else None
        full_name = "/".join(names)
        obj = Category.objects.filter(full_name=full_name).first()
        if obj is None:
            priority = "utility" if names[-1] in UTILITY_CATEGORIES else "normal"
            obj = Category(
                name=names[-1],
                parent=parent,
                level=len(names),
                full_name=full_name,
                default_priority=priority,
            )
            obj.save()
            created += 1
        cache[key] = obj
        return obj

    for names in rows:
        node([name for name in names if name])
    return created
