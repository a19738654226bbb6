"""Splitting what an official typed into needs: one per line, list bullets and blank lines dropped."""

# What people start a line of a list with, on Chinese and Latin keyboards (full-width space, 、 and bullets).
BULLETS = " \u3000-•·、*"


def split_needs(text):
    return [line.strip(BULLETS) for line in (text or "").splitlines() if line.strip(BULLETS)]
