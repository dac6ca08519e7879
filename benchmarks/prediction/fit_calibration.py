#!/usr/bin/env python3
"""Fits the trainability calibration (docs/prediction.md) on MNIST only and writes its JSON.

    python3 benchmarks/prediction/fit_calibration.py --probe RUN_DIR --truth benchmarks/ground-truth/mnist-seed1 \
        --truth benchmarks/ground-truth/mnist-seed2 --commit COMMIT > src/Entropy.MLNet/Prediction/calibration.json

RUN_DIR is an `entropy sweep` results directory (curves.csv, results.csv). Pure Python, no packages. The fit minimises
the squared error of ln(depth) over every (sigma_w^2, seed) pair: the probe formula and the mean-field formula each on
their own (Nelder-Mead from a fixed start plus seeded restarts), then the weight w of their geometric mean on a 0.01
grid. Prints leave-one-sigma-out scores to stderr.
"""
import argparse, csv, json, math, random, statistics, sys, datetime
from collections import defaultdict

DROP, MSE_FIRST, MSE_LAST = 5.0, 10, 40


def read_truth(path):
    return {float(r['sigmaW2']): int(r['maxTrainableDepth']) for r in csv.DictReader(open(f'{path}/boundaries.csv'))}


def read_features(run):
    curves = defaultdict(list)
    for r in csv.DictReader(open(f'{run}/curves.csv')):
        curves[float(r['sigmaW2'])].append((int(r['layer']), float(r['differentialEntropy']), float(r['decoderTestMse'])))
    xi = {float(r['sigmaW2']): float(r['xiC']) for r in csv.DictReader(open(f'{run}/results.csv'))}
    features = {}
    for s, rows in curves.items():
        rows.sort()
        h0 = rows[0][1]
        collapse = next((layer for layer, h, _ in rows[1:] if h < h0 - DROP), math.inf)
        mse = statistics.median(m for layer, _, m in rows if MSE_FIRST <= layer <= MSE_LAST)
        features[s] = (collapse, mse, xi[s])
    return features


def probe_depth(th, f):
    ls, lao, bo, lac, g = th
    collapse, mse, _ = f
    ordered = math.inf if collapse == math.inf else math.exp(min(lao, 50) + bo * math.log(collapse))
    chaotic = math.inf if mse <= 0 else math.exp(min(50, lac - g * math.log(mse)))
    return max(1e-9, min(math.exp(min(ls, 50)), ordered, chaotic))


def mf_depth(th, f):
    ls, lk = th
    return max(1e-9, min(math.exp(min(ls, 50)), math.exp(min(lk, 50)) * f[2]))


def nelder_mead(fun, x0, step=0.3, iters=1500):
    n = len(x0)
    pts = [list(x0)] + [[x + (step if j == i else 0) for j, x in enumerate(x0)] for i in range(n)]
    vals = [fun(p) for p in pts]
    for _ in range(iters):
        order = sorted(range(n + 1), key=lambda i: vals[i])
        pts, vals = [pts[i] for i in order], [vals[i] for i in order]
        c = [sum(p[j] for p in pts[:-1]) / n for j in range(n)]
        xr = [c[j] + (c[j] - pts[-1][j]) for j in range(n)]
        fr = fun(xr)
        if fr < vals[0]:
            xe = [c[j] + 2 * (c[j] - pts[-1][j]) for j in range(n)]
            fe = fun(xe)
            pts[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = xr, fr
        else:
            xc = [c[j] + 0.5 * (pts[-1][j] - c[j]) for j in range(n)]
            fc = fun(xc)
            if fc < vals[-1]:
                pts[-1], vals[-1] = xc, fc
            else:
                for i in range(1, n + 1):
                    pts[i] = [pts[0][j] + 0.5 * (pts[i][j] - pts[0][j]) for j in range(n)]
                    vals[i] = fun(pts[i])
    best = min(range(n + 1), key=lambda i: vals[i])
    return pts[best], vals[best]


def fit(model, x0, features, truths, sigmas, restarts=3):
    loss = lambda th: sum((math.log(model(th, features[s])) - math.log(t[s])) ** 2 for s in sigmas for t in truths)
    best = nelder_mead(loss, x0)
    rnd = random.Random(1)
    for _ in range(restarts):
        b = nelder_mead(loss, [x + rnd.gauss(0, 0.3) for x in x0])
        if b[1] < best[1]:
            best = b
    return best[0]


def fit_weight(p, m, truths, sigmas):
    def loss(w):
        return sum((w * math.log(p[s]) + (1 - w) * math.log(m[s]) - math.log(t[s])) ** 2 for s in sigmas for t in truths)
    return min((i / 100 for i in range(101)), key=loss)


def fit_all(features, truths, sigmas):
    thp = fit(probe_depth, [4.3, -1.5, 1.35, 2.3, 0.45], features, truths, sigmas)
    thm = fit(mf_depth, [4.3, 1.7], features, truths, sigmas)
    p = {s: probe_depth(thp, features[s]) for s in features}
    m = {s: mf_depth(thm, features[s]) for s in features}
    return thp, thm, fit_weight(p, m, truths, sigmas)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--probe', required=True)
    ap.add_argument('--truth', action='append', required=True)
    ap.add_argument('--commit', default='')
    ap.add_argument('--probe-command', default='')
    ap.add_argument('--name', default='mnist-w128-tanh-500steps')
    ap.add_argument('--probe-mode', default=None, help="'least-squares' for the closed-form probe's calibration")
    args = ap.parse_args()
    features = read_features(args.probe)
    truths = [read_truth(t) for t in args.truth]
    sigmas = sorted(s for s in features if all(s in t for t in truths))
    thp, thm, w = fit_all(features, truths, sigmas)
    out = {
        'formatVersion': 1,
        'name': args.name,
        'provenance': {
            'truth': ', '.join(args.truth) + ' (tanh, width 128, sigma_b^2 0.05, 500 SGD steps; both seeds)',
            'probe': args.probe_command or args.probe,
            'method': ('least squares on ln(depth) over %d sigma_w^2 x %d seeds (Nelder-Mead); then the weight w of the geometric '
                       'mean on a 0.01 grid; collapseDrop and the MSE layers chosen on MNIST (docs/prediction.md); '
                       'benchmarks/prediction/fit_calibration.py') % (len(sigmas), len(truths)),
            'commit': args.commit,
            'date': datetime.date.today().isoformat(),
        },
        **({'probeMode': args.probe_mode} if args.probe_mode else {}),
        'collapseDrop': DROP, 'mseFirstLayer': MSE_FIRST, 'mseLastLayer': MSE_LAST,
        'saturationDepth': round(math.exp(thp[0]), 4), 'orderedScale': round(math.exp(thp[1]), 6),
        'orderedExponent': round(thp[2], 6), 'chaoticScale': round(math.exp(thp[3]), 6), 'chaoticExponent': round(thp[4], 6),
        'meanFieldSaturationDepth': round(math.exp(thm[0]), 4), 'xiScale': round(math.exp(thm[1]), 6), 'probeWeight': w,
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
