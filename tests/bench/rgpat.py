#!/usr/bin/env python3
"""Convert `pactscan list --patterns` output for ripgrep's -f.

    rgpat.py pcre2 IN OUT      named groups -> (?:...)  (for rg -P)
    rgpat.py rust  IN OUT      also drops look-arounds   (for rg's default engine)
    rgpat.py pcre2 IN OUT N    the same, split into files OUT.0, OUT.1, ... of
                               at most N characters each (PCRE2 refuses one
                               regex of them all: "regular expression is too
                               large"); prints the number of files last

rg joins the lines of -f with '|' into one regex, so the same group name used
in two patterns is an error in both engines ("duplicate capture group name");
the names are not needed for counting matches, so (?<name>...) and
(?P<name>...) become (?:...). Rust's regex engine has no look-around; 'rust'
removes (?=...), (?!...), (?<=...) and (?<!...) (the pattern then matches a
superset of what it matched, which is fine for a throughput baseline) and
prints how many patterns were changed. Duplicate lines (a lexicon used by
many signals) are written once. With --no-unicode, Rust's engine
refuses non-ASCII literals under -i ("Unicode not allowed here"), so 'rust'
also writes them as their UTF-8 bytes: ’ becomes (?:\xE2\x80\x99), and in
a class its bytes are members one by one ([^\s—] becomes
[^\s\xE2\x80\x94], which excludes every character with one of those bytes).
"""

import re
import sys

NAMED = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")


def group_end(p, i):
    """Index just past the group opening at p[i] == '('."""
    depth, n, cls = 0, len(p), False
    while i < n:
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if cls:
            if c == "]":
                cls = False
        elif c == "[":
            cls = True
            if p[i + 1:i + 2] == "^":
                i += 1
            if p[i + 1:i + 2] == "]":  # a literal ] first in a class
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced parentheses")


def rustify(p, escape=True):
    """Drop look-arounds; write non-ASCII literals as byte escapes."""
    out, i, n, cls = [], 0, len(p), False
    while i < n:
        c = p[i]
        if c == "\\":
            out.append(p[i:i + 2])
            i += 2
            continue
        if cls:
            if c == "]":
                cls = False
            elif escape and ord(c) > 127:
                # In a class, a character's bytes are members one by one: a
                # superset of what it matches, or, negated, a subset.
                c = "".join("\\x%02X" % b for b in c.encode("utf-8"))
            out.append(c)
            i += 1
            continue
        if c == "[":
            cls = True
            j = i + 1
            if p[j:j + 1] == "^":
                j += 1
            if p[j:j + 1] == "]":
                j += 1
            out.append(p[i:j])
            i = j
            continue
        if p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = group_end(p, i)
            continue
        if escape and ord(c) > 127:  # with --no-unicode, a non-ASCII literal is its bytes
            c = "(?:" + "".join("\\x%02X" % b for b in c.encode("utf-8")) + ")"
        out.append(c)
        i += 1
    return "".join(out)


def rustify_lookaround_only(p):
    return rustify(p, escape=False)


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("pcre2", "rust"):
        sys.exit(__doc__)
    mode, src, dst = sys.argv[1:4]
    chunk = int(sys.argv[4]) if len(sys.argv) == 5 else 0
    named = changed = escaped = 0
    with open(src, encoding="utf-8") as f:
        pats = [line.rstrip("\n") for line in f if line.strip()]
    out, seen = [], set()
    for p in pats:
        q, k = NAMED.subn("(?:", p)
        named += k > 0
        if mode == "rust":
            r = rustify(q)
            changed += rustify_lookaround_only(q) != q
            escaped += any(ord(c) > 127 for c in q)
            q = r if r else "(?:)"
        if q not in seen:  # the same lexicon is often listed many times
            seen.add(q)
            out.append(q)
    if chunk:
        files, cur, n = [], [], 0
        for q in out:
            if cur and n + len(q) + 1 > chunk:
                files.append(cur)
                cur, n = [], 0
            cur.append(q)
            n += len(q) + 1
        files.append(cur)
        for i, part in enumerate(files):
            with open("%s.%d" % (dst, i), "w", encoding="utf-8") as f:
                f.write("\n".join(part) + "\n")
    else:
        with open(dst, "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    extra = ""
    if mode == "rust":
        extra = "; %d with look-arounds dropped; %d with non-ASCII bytes escaped" % (changed, escaped)
    print("%d patterns, %d distinct after conversion; %d with named groups made plain%s"
          % (len(pats), len(out), named, extra))
    if chunk:
        print(len(files))


if __name__ == "__main__":
    main()
