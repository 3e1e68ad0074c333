#!/usr/bin/python3
"""Splits fallback fonts into one small font per 256-code-point page, for the page to load on demand.

The UI font's atlas holds Latin, Greek and Cyrillic (shell/web/main.cpp). Any other character the user types or an
answer contains is drawn from a fallback page: the app asks for fonts/fallback/<page>.ttf (page = code point >> 8, in
hex) once a character of that page appears, and rebuilds its atlas with just the characters seen. A page comes from
the first font that covers most of it (sources in priority order); index.json lists the pages there are, so the app
never asks for one that does not exist.

The UI font may lack some characters of its ranges (Inter has few arrows and no box drawing): --ui-font-has names it,
and the characters it lacks come from the fallback pages like any other.

usage: split_fallback_fonts.py [--ui-font-has UI_FONT] OUTPUT_DIR FONT [FONT ...]
       split_fallback_fonts.py --ui-font OUTPUT FONT     (the UI font cut to the atlas's ranges: what the first frame needs)
       split_fallback_fonts.py --latin-font OUTPUT FONT  (a font cut to Latin-1 and punctuation: the semibold cut)
"""
import json
import multiprocessing
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

# Pages the UI font's atlas already has (kAllRanges in shell/web/main.cpp): Latin, Greek, Cyrillic, punctuation,
# currency, arrows, box drawing, shapes.
SHIPPED = [(0x0000, 0x024F), (0x0370, 0x04FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2190, 0x21FF), (0x2500, 0x25FF)]
# Control and private-use planes, surrogates and unassigned supplementary planes are never drawn.
SKIP_PAGES = set(range(0xD8, 0xE0)) | set(range(0xE0, 0xF9))


# The smaller styles of the type scale (kLatinRanges in src/app/theme.cpp).
LATIN = [(0x0020, 0x00FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2190, 0x2193)]


def shipped(cp, ui_cmap=None):
    return any(lo <= cp <= hi for lo, hi in SHIPPED) and (ui_cmap is None or cp in ui_cmap)


def write_page(job):
    page, path, cps, out_dir = job
    options = subset.Options()
    options.layout_features = []  # glyph outlines only: the atlas neither shapes nor kerns
    options.hinting = False
    options.name_IDs = [1, 2]
    options.notdef_outline = False
    options.glyph_names = False
    options.drop_tables += ['FFTM', 'TSI0', 'TSI1', 'TSI2', 'TSI3', 'TSI5']
    font = TTFont(path, lazy=True)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=cps)
    sub.subset(font)
    font.save(os.path.join(out_dir, '%x.ttf' % page))
    return '%x' % page, len(cps)


def ui_font(out_path, font_path, ranges=SHIPPED):
    options = subset.Options()
    options.layout_features = ['kern']
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keeps the licence notice's pointers (copyright, family, version)
    options.notdef_outline = True
    options.drop_tables += ['FFTM']
    font = TTFont(font_path, lazy=True)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[cp for lo, hi in ranges for cp in range(max(lo, 0x20), hi + 1)])
    sub.subset(font)
    font.save(out_path)


def main():
    if sys.argv[1] == '--ui-font':
        ui_font(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == '--latin-font':
        ui_font(sys.argv[2], sys.argv[3], LATIN)
        return
    args = sys.argv[1:]
    ui_cmap = None
    if args[0] == '--ui-font-has':
        ui_cmap = set(TTFont(args[1], lazy=True).getBestCmap())
        args = args[2:]
    out_dir, fonts = args[0], args[1:]
    os.makedirs(out_dir, exist_ok=True)
    cmaps = []
    for path in fonts:
        if os.path.exists(path):
            cmaps.append((path, set(TTFont(path, lazy=True).getBestCmap())))
    pages = {}
    for path, cps in cmaps:
        for cp in cps:
            if cp < 0x20 or shipped(cp, ui_cmap) or (cp >> 8) in SKIP_PAGES or cp > 0x1FFFF:
                continue
            pages.setdefault(cp >> 8, {}).setdefault(path, set()).add(cp)
    jobs = []
    for page in sorted(pages):
        by_font = pages[page]
        best = max(cmaps, key=lambda f: len(by_font.get(f[0], ())))  # max keeps the first of equals: priority order
        cps = sorted(by_font.get(best[0], ()))
        if cps:
            jobs.append((page, best[0], cps, out_dir))
    with multiprocessing.Pool(min(len(jobs), os.cpu_count() or 1) or 1) as pool:
        index = dict(pool.map(write_page, jobs, chunksize=4))
    with open(os.path.join(out_dir, 'index.json'), 'w') as f:
        json.dump({'pages': index}, f, separators=(',', ':'), sort_keys=True)
    print('fallback fonts: %d pages from %s' % (len(index), ', '.join(os.path.basename(p) for p, _ in cmaps)))


if __name__ == '__main__':
    main()
