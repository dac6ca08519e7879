#!/usr/bin/env python3
"""Fast (adaptive) against faithful at depth 100, with the faithful method's own seed noise (docs/performance.md).

Reads, under benchmarks/performance/:
  faithful-s42/<sigma>/  the faithful probes of sweep seed 42 (entropy probe --snapshots: curves.csv, snapshots.csv, summary.json)
  faithful-s43/          the faithful sweep of seed 43 (entropy sweep: results.csv, timings.csv)
  adaptive-s42*/         the adaptive sweep of seed 42 (entropy sweep --adaptive: results.csv, work.csv), in one or two directories
and prints one row per sigma_w^2 and the mean |difference| per flank. Standard library only.
"""
import csv, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CRITICAL = 1.76  # mean-field critical sigma_w^2 at sigma_b^2 0.05 (tanh); splits the flanks


def rows(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def main():
    s42 = {}
    snaps = {}
    for name in os.listdir(os.path.join(HERE, 'faithful-s42')):
        d = os.path.join(HERE, 'faithful-s42', name)
        if not os.path.isdir(d):
            continue
        w = float(name)
        s42[w] = json.load(open(os.path.join(d, 'summary.json')))['cutoff']
        snaps[w] = {int(r['images']): int(r['cutoff']) for r in rows(os.path.join(d, 'snapshots.csv'))}
    s43 = {float(r['sigmaW2']): int(r['cutoff']) for r in rows(os.path.join(HERE, 'faithful-s43', 'results.csv'))}
    # adaptive-s42 and adaptive-s42-b (the same sweep seed, two sigma_w^2 run side by side to finish in time)
    ad, work = {}, {}
    for name in sorted(os.listdir(HERE)):
        if name.startswith('adaptive-s42'):
            ad.update({float(r['sigmaW2']): int(r['cutoff']) for r in rows(os.path.join(HERE, name, 'results.csv'))})
            work.update({float(r['sigmaW2']): r for r in rows(os.path.join(HERE, name, 'work.csv'))})
    grid = sorted(set(s42) & set(s43) & set(ad))
    print(f"{'sigma_w^2':>9} {'faithful s42':>12} {'faithful s43':>12} {'adaptive s42':>12} {'layers':>6} {'images':>6} {'work saving':>11}")
    for w in grid:
        r = work[w]
        saving = float(r['faithfulGflop']) / float(r['workGflop'])
        print(f"{w:9.2f} {s42[w]:12d} {s43[w]:12d} {ad[w]:12d} {r['measuredLayers'] or '-':>6} {r['trainImagesUsed']:>6} {saving:10.2f}x")
    total = sum(float(work[w]['faithfulGflop']) for w in grid) / sum(float(work[w]['workGflop']) for w in grid)
    print(f"work, all {len(grid)}: {total:.2f}x less than faithful (FLOP model)")
    for flank, sel in (('ordered', lambda w: w < CRITICAL), ('chaotic', lambda w: w >= CRITICAL), ('all', lambda w: True)):
        ws = [w for w in grid if sel(w)]
        if not ws:
            continue
        seed = sum(abs(s42[w] - s43[w]) for w in ws) / len(ws)
        fast = sum(abs(ad[w] - s42[w]) for w in ws) / len(ws)
        print(f"{flank:8} ({len(ws):2d} sigma_w^2): mean |faithful s42 - s43| = {seed:5.2f} layers (seed noise); mean |adaptive - faithful s42| = {fast:5.2f}")
    # The seed noise on every sigma_w^2 both faithful seeds have, and the fewer-images lever: the faithful probe stopped
    # after N images (its snapshots), against the full epoch, with the same seed.
    both = sorted(set(s42) & set(s43))
    flanks = (('ordered', lambda w: w < CRITICAL), ('chaotic', lambda w: w >= CRITICAL))
    noise = []
    for flank, sel in flanks:
        ws = [w for w in both if sel(w)]
        if ws:
            noise.append(f"{flank} ({len(ws)}) {sum(abs(s42[w] - s43[w]) for w in ws) / len(ws):5.2f}")
    print("seed noise, every sigma_w^2 with both faithful seeds, mean |s42 - s43|: " + ", ".join(noise))
    counts = sorted(set.intersection(*(set(snaps[w]) for w in both)))
    print("fewer images (faithful training stopped after N images), mean |cutoff(N) - cutoff(60,000)| per flank:")
    for n in counts:
        parts = []
        for flank, sel in flanks:
            ws = [w for w in both if sel(w)]
            if ws:
                parts.append(f"{flank} {sum(abs(snaps[w][n] - s42[w]) for w in ws) / len(ws):5.2f}")
        print(f"  N = {n:6d} ({60000 / n:4.1f}x fewer images): " + ", ".join(parts))


if __name__ == '__main__':
    sys.exit(main())
