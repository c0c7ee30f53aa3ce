#!/usr/bin/env python3
"""--format html escapes what documents hold.

Renders tests/data/html (a document whose name, front matter and sentences
hold <script>, </textarea>, quotes, ampersands, a control character and
invalid UTF-8) and checks that the page parses with html.parser, that no
<script, <img or javascript: link from the document reaches the markup,
that the page holds no script at all, and that every finding's sentence
(from --format jsonl) is the text of its finding element, with invalid
bytes as U+FFFD. Also checks the page on the corpus: one element per
finding, each non-empty heatmap cell linking to an anchor that exists.

usage: html_escape.py PACTSCAN SOURCE_ROOT
"""
import html.parser
import json
import os
import re
import subprocess
import sys

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


class Page(html.parser.HTMLParser):
    """Collects the findings (data-* attributes and sentence text, labels
    left out), ids, links, and any tag the page should never hold."""
    VOID = {'meta', 'br', 'img', 'input', 'link', 'hr', 'wbr', 'source', 'area', 'base', 'col', 'embed'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings, self.ids, self.hrefs, self.tags, self.stack = [], set(), [], [], []
        self.in_sentence = self.in_label = 0
        self.mismatched = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if 'id' in a:
            self.ids.add(a['id'])
        if tag == 'a' and 'href' in a:
            self.hrefs.append(a['href'])
        if tag in self.VOID:
            return
        self.stack.append(tag)
        cls = (a.get('class') or '').split()
        if tag == 'li' and 'finding' in cls:
            self.findings.append({k[5:]: v for k, v in a.items() if k.startswith('data-')} | {'sentence': ''})
        if tag == 'blockquote' and 'sentence' in cls:
            self.in_sentence += 1
        if self.in_sentence and 'lbl' in cls:
            self.in_label += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.mismatched.append((tag, self.getpos(), self.stack[-3:]))
            return
        self.stack.pop()
        if tag == 'blockquote' and self.in_sentence:
            self.in_sentence -= 1
        if tag == 'span' and self.in_label:
            self.in_label -= 1

    def handle_data(self, data):
        if self.in_sentence and not self.in_label and self.findings:
            self.findings[-1]['sentence'] += data


def render(args):
    run = subprocess.run([pactscan, '--format', 'html', *args], cwd=root, capture_output=True)
    return run.returncode, run.stdout


def clean(text):
    """What the page shows for a sentence: controls as U+FFFD, line ends
    as spaces, runs of space as one."""
    text = re.sub(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]', '\ufffd', text)
    return re.sub(r'\s+', ' ', text).strip()


def parse(raw):
    page = Page()
    page.feed(raw.decode('utf-8'))
    page.close()
    return page


mini = ['--rules', f'{root}/tests/data/packs/mini', 'tests/data/html']
status, raw = render(mini)
check(f'hostile fixture: exit 0 (got {status})', status == 0)
check('the page is valid UTF-8', raw.decode('utf-8', 'replace').encode('utf-8') == raw)
text = raw.decode('utf-8', 'replace')
page = parse(raw)
check('html.parser reads it, every element closed in order', not page.mismatched and not page.stack)
check('no <script, <img or <textarea from the document', not re.search(r'<(script|img|textarea)', text, re.I))
check('no script, img or textarea element at all', not {'script', 'img', 'textarea'} & set(page.tags))
check('the source\'s <b> is text', '&lt;b&gt;wire&lt;/b&gt;' in text)
check('the javascript: url is not a link', not any(h.lower().startswith('javascript') for h in page.hrefs))
check('the title is escaped as text', '&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; O&#39;Brien&#39;s' in text)
check('the file name is escaped in text and attributes', 'data-doc="tests/data/html/&lt;script&gt;x &amp; &quot;y&quot;.txt"' in text)
check('invalid bytes show as U+FFFD', 'Rafah \ufffd\ufffd bad bytes \ufffd and a \ufffd control' in text)
check('a control character is not in the page', '\x01' not in text)
jsonl = subprocess.run([pactscan, '--format', 'jsonl', *mini], cwd=root, capture_output=True, text=True,
                       errors='replace').stdout
want = [r for r in map(json.loads, jsonl.splitlines()) if r['type'] == 'finding']
check(f'{len(want)} findings in jsonl, {len(page.findings)} finding elements', len(want) == len(page.findings) == 3)
got = {(f['doc'], f['line']): clean(f['sentence']) for f in page.findings}
for r in want:
    shown = got.get((r['doc'], str(r['line'])))
    check(f'line {r["line"]}: the sentence is the finding\'s text, escaped', shown == clean(r['sentence']))
for s in ('&lt;script&gt;alert(&quot;gaza&quot;)&lt;/script&gt; Gaza City &amp; &quot;the north&quot;, O&#39;',
          '&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;', '&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;'):
    check(f'escaped in the page: {s[:40]}...', s in text)

# The corpus: one element per finding, and every link inside the page lands.
status, raw = render(['--rules', f'{root}/rules', 'corpus'])
page = parse(raw)
jsonl = subprocess.run([pactscan, '--format', 'jsonl', '--rules', f'{root}/rules', 'corpus'], cwd=root,
                       capture_output=True, text=True).stdout
n = sum(1 for r in map(json.loads, jsonl.splitlines()) if r['type'] == 'finding')
check(f'corpus: exit 0, well-formed, {len(page.findings)} finding elements == {n}',
      status == 0 and not page.mismatched and len(page.findings) == n)
local = [h[1:] for h in page.hrefs if h.startswith('#')]
dangling = [h for h in local if h not in page.ids]
check(f'corpus: {len(local)} in-page links, all to existing anchors {dangling[:3]}', local and not dangling)
check('corpus: the heatmap, the timeline (SVG) and the evidence are there',
      all(s in raw.decode() for s in ('<table class="heatmap">', '<svg class="tl-chart"', 'id="evidence"')))
check('corpus: nothing is fetched (no src=, no url(, no @import, no <link)',
      not re.search(rb'\ssrc=|url\(|@import|<link', raw))

print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
