#!/usr/bin/env python3
"""--format html in a real browser.

Renders the bundled corpus's report (pactscan --format html corpus/ -o FILE)
in headless Chromium: --dump-dom must hold the heatmap table, a clause
title, a finding's sentence and the SVG timeline, and a 1280x2000
screenshot must be a PNG that is not blank (decoded here with zlib and
struct: several distinct colours across sampled rows, the heatmap's blue
and vermilion among them).

Skips (77) when Chromium is not installed, except with CI=true, where that
fails. Chromium is $CHROMIUM, else /usr/bin/chromium.

usage: html_browser.py PACTSCAN SOURCE_ROOT
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
chromium = os.environ.get('CHROMIUM') or '/usr/bin/chromium'
if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
    if os.environ.get('CI') == 'true':
        print(f'FAIL no Chromium at {chromium}; .ci/install-deps installs it (apt-get install chromium)')
        sys.exit(1)
    print(f'SKIP no Chromium at {chromium} (apt-get install chromium, or set CHROMIUM)')
    sys.exit(77)

results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


def png_rows(data):
    """Decode an 8-bit RGB or RGBA PNG (what Chromium writes): (width, rows)."""
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, width = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            width, height, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError(f'unexpected PNG: depth {depth}, colour type {ctype}, interlace {interlace}')
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
    raw, stride, rows, prev, i = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, rows


tmp = tempfile.mkdtemp(prefix='pactscan-html-')
try:
    report = os.path.join(tmp, 'report.html')
    run = subprocess.run([pactscan, '--rules', f'{root}/rules', '--format', 'html', 'corpus/', '-o', report],
                         cwd=root, capture_output=True, text=True, timeout=120)
    check(f'pactscan --format html corpus/ -o FILE exits 0 ({run.returncode}: {run.stderr.strip()[:200]})',
          run.returncode == 0 and os.path.getsize(report) > 10000)
    browser = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync',
               f'--user-data-dir={os.path.join(tmp, "profile")}']
    url = 'file://' + report
    dom = subprocess.run([*browser, '--dump-dom', url], capture_output=True, text=True, timeout=120).stdout
    check(f'--dump-dom gives the page ({len(dom)} characters)', '</html>' in dom)
    check('the heatmap table is there, with a caption and row headers',
          '<table class="heatmap">' in dom and '<caption>Findings by clause and stance</caption>' in dom
          and '<th scope="row">' in dom)
    check('a clause title is there: "All hostages, living and deceased, returned within 72 hours"',
          'All hostages, living and deceased, returned within 72 hours' in dom)
    check('a finding\'s sentence is there (corpus/001, "took effect at noon on Friday")',
          'A ceasefire between Israel and Hamas took effect at noon on Friday' in dom)
    check('the SVG timeline is there, with a title and desc',
          '<svg class="tl-chart"' in dom and '<title id="tl' in dom and '<desc id="tl' in dom)
    check('no script ran or was added', '<script' not in dom)

    shot = os.path.join(tmp, 'shot.png')
    subprocess.run([*browser, f'--screenshot={shot}', '--window-size=1280,2000', url], capture_output=True,
                   timeout=120)
    data = open(shot, 'rb').read() if os.path.exists(shot) else b''
    check(f'the screenshot is a PNG of reasonable size ({len(data)} bytes)',
          data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 20000)
    try:
        width, rows = png_rows(data)
    except (ValueError, zlib.error, struct.error, UnboundLocalError) as e:
        width, rows = 0, []
        check(f'the screenshot decodes ({e})', False)
    check(f'the screenshot is 1280x2000 ({width}x{len(rows)})', width == 1280 and len(rows) == 2000)
    colours = set()
    for y in range(0, len(rows), 10):
        colours.update(rows[y])
    check(f'the screenshot is not blank: {len(colours)} distinct colours in every tenth row', len(colours) > 50)
    # The heatmap's darker cells: support blue #1d5fa8 or #0b3d73, conflict vermilion #b0420f or #7a2a05.
    check('the heatmap\'s support and conflict shades are on screen',
          bool(colours & {(0x1d, 0x5f, 0xa8), (0x0b, 0x3d, 0x73)}) and bool(colours & {(0xb0, 0x42, 0x0f),
                                                                                      (0x7a, 0x2a, 0x05)}))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
