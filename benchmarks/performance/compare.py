#!/usr/bin/env python3
"""Fast (adaptive) against faithful at depth 100, with the faithful method's own seed noise (docs/performance.md).

Reads, under benchmarks/performance/:
  faithful-s42/<sigma>/  the faithful probes of sweep seed 42 (entropy probe --snapshots: curves.csv, snapshots.csv, summary.json)
  faithful-s43/          the faithful sweep of seed 43 (entropy sweep: results.csv, timings.csv)
  adaptive-s42*/         the adaptive sweep of seed 42 (entropy sweep --adaptive: results.csv, work.csv), in one or two directories
  least-squares-s42/, least-squares-s43/  the least-squares sweeps (entropy sweep --least-squares), when present
and prints one row per sigma_w^2 and the mean |difference| per flank. For the least-squares probe, whose curves are
not the authors' one-epoch curves, it also compares the product's answer: the calibrated predicted depth (cal-probe,
each probe with its own calibration from src/Entropy.MLNet/Prediction/), each against its own seed noise.
Standard library only.
"""
import csv, json, math, os, statistics, sys

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
    least_squares()


def num(text):
    return float(text) if text not in ('', None) else math.nan


def calibrated_depth(curve, calibration):
    """cal-probe of docs/prediction.md from (layer, differential entropy, decoder MSE) rows, layer order."""
    c = json.load(open(os.path.join(HERE, '..', '..', 'src', 'Entropy.MLNet', 'Prediction', calibration)))
    rows_ = [r for r in curve if math.isfinite(r[1])]
    h0 = rows_[0][1]
    collapse = next((layer for layer, h, _ in rows_[1:] if h < h0 - c['collapseDrop']), math.inf)
    mse = statistics.median(m for layer, _, m in curve if c['mseFirstLayer'] <= layer <= c['mseLastLayer'] and math.isfinite(m))
    ordered = math.inf if collapse == math.inf else c['orderedScale'] * collapse ** c['orderedExponent']
    chaotic = math.inf if mse <= 0 else c['chaoticScale'] * mse ** -c['chaoticExponent']
    return min(c['saturationDepth'], ordered, chaotic)


def sweep_curves(directory):
    out = {}
    for r in rows(os.path.join(directory, 'curves.csv')):
        out.setdefault(float(r['sigmaW2']), []).append((int(r['layer']), num(r['differentialEntropy']), num(r['decoderTestMse'])))
    return {w: sorted(v) for w, v in out.items()}


def least_squares():
    """Least squares against faithful: the authors' cutoff and the calibrated depth, each with its own seed noise."""
    ls = {seed: os.path.join(HERE, f'least-squares-s{seed}') for seed in (42, 43)}
    if not all(os.path.isdir(d) for d in ls.values()):
        return
    cut = {seed: {float(r['sigmaW2']): int(r['cutoff']) for r in rows(os.path.join(d, 'results.csv'))} for seed, d in ls.items()}
    f42 = {}
    for name in os.listdir(os.path.join(HERE, 'faithful-s42')):
        d = os.path.join(HERE, 'faithful-s42', name)
        if os.path.isdir(d):
            f42[float(name)] = sorted((int(r['layer']), num(r['differential_entropy']), num(r['decoder_test_mse'])) for r in rows(os.path.join(d, 'curves.csv')))
    faithful = {42: f42, 43: sweep_curves(os.path.join(HERE, 'faithful-s43'))}
    fcut = {42: {w: json.load(open(os.path.join(HERE, 'faithful-s42', n, 'summary.json')))['cutoff'] for n in os.listdir(os.path.join(HERE, 'faithful-s42'))
                 if os.path.isdir(os.path.join(HERE, 'faithful-s42', n)) for w in [float(n)]},
            43: {float(r['sigmaW2']): int(r['cutoff']) for r in rows(os.path.join(HERE, 'faithful-s43', 'results.csv'))}}
    lcurves = {seed: sweep_curves(d) for seed, d in ls.items()}
    dep = {('faithful', s): {w: calibrated_depth(c, 'calibration.json') for w, c in faithful[s].items()} for s in (42, 43)}
    dep.update({('ls', s): {w: calibrated_depth(c, 'calibration-ls.json') for w, c in lcurves[s].items()} for s in (42, 43)})
    grid = sorted(set(cut[42]) & set(cut[43]) & set(fcut[42]) & set(fcut[43]))
    work = {float(r['sigmaW2']): r for r in rows(os.path.join(ls[42], 'work.csv'))}
    print()
    print("least squares (own calibration) against faithful, depth 100, wide 784:")
    print(f"{'sigma_w^2':>9} {'cutoff F42':>10} {'F43':>4} {'LS42':>5} {'LS43':>5} {'depth F42':>10} {'F43':>6} {'LS42':>6} {'LS43':>6} {'work saving':>11}")
    for w in grid:
        r = work[w]
        print(f"{w:9.2f} {fcut[42][w]:10d} {fcut[43][w]:4d} {cut[42][w]:5d} {cut[43][w]:5d} {dep[('faithful', 42)][w]:10.1f} {dep[('faithful', 43)][w]:6.1f} "
              f"{dep[('ls', 42)][w]:6.1f} {dep[('ls', 43)][w]:6.1f} {float(r['faithfulGflop']) / float(r['workGflop']):10.2f}x")
    for flank, sel in (('ordered', lambda w: w < CRITICAL), ('chaotic', lambda w: w >= CRITICAL), ('all', lambda w: True)):
        ws = [w for w in grid if sel(w)]
        mean = lambda f: sum(f(w) for w in ws) / len(ws)
        print(f"{flank:8} ({len(ws):2d}): cutoff |F42-F43| {mean(lambda w: abs(fcut[42][w] - fcut[43][w])):5.2f}, |LS42-LS43| {mean(lambda w: abs(cut[42][w] - cut[43][w])):5.2f}, "
              f"|LS42-F42| {mean(lambda w: abs(cut[42][w] - fcut[42][w])):5.2f}; calibrated depth |log2 F42/F43| {mean(lambda w: abs(math.log2(dep[('faithful', 42)][w] / dep[('faithful', 43)][w]))):.3f}, "
              f"|log2 LS42/LS43| {mean(lambda w: abs(math.log2(dep[('ls', 42)][w] / dep[('ls', 43)][w]))):.3f}, |log2 LS42/F42| {mean(lambda w: abs(math.log2(dep[('ls', 42)][w] / dep[('faithful', 42)][w]))):.3f}")


if __name__ == '__main__':
    sys.exit(main())
