"""Reference values for shared/stats/reference-comparison.test.ts, on inputs the tests did not pick.

Run: /usr/bin/python3 scripts/stats-reference/make-reference.py > shared/stats/testdata/scipy-reference.json
(SciPy and NumPy as installed; the JSON records their versions). Every case is drawn from a seeded generator, so the
file is reproducible; the test asserts each value against Loupe's own function.
"""
import json
import math
import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261205)
out = {"scipy": scipy.__version__, "numpy": np.__version__}

# Wilson score interval: scipy.stats.binomtest(k, n).proportion_ci(confidence_level, method='wilson')
wilson = []
for _ in range(40):
    n = int(rng.choice([1, 2, 3, 7, 20, 50, 263, 1000, 25000]))
    k = int(rng.choice([0, n, rng.integers(0, n + 1), min(n, 1), max(0, n - 1)]))
    c = float(rng.choice([0.8, 0.9, 0.95, 0.99, 0.999]))
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=c, method='wilson')
    wilson.append({"k": k, "n": n, "confidence": c, "low": float(ci.low), "high": float(ci.high)})
out["wilson"] = wilson

# Two-sample KS: scipy.stats.ks_2samp(x, y, method='exact') and method='asymp' (two-sided).
ks = []
for i in range(24):
    n1 = int(rng.integers(5, 400)); n2 = int(rng.integers(5, 400))
    shift = float(rng.choice([0, 0.1, 0.3, 0.6]))
    digits = int(rng.choice([0, 1, 3]))  # rounding makes ties
    x = np.round(rng.lognormal(5, 0.6, n1), digits)
    y = np.round(rng.lognormal(5 + shift, 0.6, n2), digits)
    ex = stats.ks_2samp(x, y, method='exact')
    asy = stats.ks_2samp(x, y, method='asymp')
    ks.append({"x": x.tolist(), "y": y.tolist(), "statistic": float(ex.statistic), "p_exact": float(ex.pvalue), "p_asymp": float(asy.pvalue)})
out["ks"] = ks
# Kolmogorov limiting distribution: scipy.stats.kstwobign.sf
out["kstwobign"] = [{"x": float(x), "sf": float(stats.kstwobign.sf(x))} for x in [0.2, 0.4, 0.6, 0.8, 0.95, 1.0, 1.05, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0]]

# Chi-square test of homogeneity: scipy.stats.chi2_contingency(table, correction)
chi = []
for _ in range(20):
    r = int(rng.integers(2, 5)); c = int(rng.integers(2, 6))
    base = rng.dirichlet(np.ones(c))
    t = np.array([rng.multinomial(int(rng.integers(20, 3000)), base if rng.random() < 0.5 else rng.dirichlet(np.ones(c))) for _ in range(r)])
    t = t[:, t.sum(axis=0) > 0]
    t = t[t.sum(axis=1) > 0]
    if t.shape[0] < 2 or t.shape[1] < 2:
        continue
    for corr in ([True, False] if t.shape == (2, 2) else [True]):
        res = stats.chi2_contingency(t, correction=corr)
        chi.append({"table": t.tolist(), "correction": corr, "statistic": float(res.statistic), "p": float(res.pvalue), "dof": int(res.dof)})
for t in [[[5, 0], [0, 5]], [[30, 2], [1, 40]], [[1200, 3], [900, 40]], [[3000, 10, 0], [2500, 300, 7]]]:
    res = stats.chi2_contingency(np.array(t), correction=True)
    chi.append({"table": t, "correction": True, "statistic": float(res.statistic), "p": float(res.pvalue), "dof": int(res.dof)})
out["chisquare"] = chi

# PSI on share vectors: sum((a - e) ln(a / e)) after clipping shares to 1e-4 (NumPy)
def psi(e, a, eps=1e-4):
    e = np.asarray(e, float); a = np.asarray(a, float); e = e / e.sum(); a = a / a.sum()
    e = np.maximum(e, eps); a = np.maximum(a, eps)
    return float(np.sum((a - e) * np.log(a / e)))
psis = []
for _ in range(15):
    k = int(rng.integers(2, 12))
    e = rng.integers(0, 50, k); a = rng.integers(0, 50, k)
    e[0] += 1; a[-1] += 1
    psis.append({"reference": e.tolist(), "current": a.tolist(), "psi": psi(e, a)})
out["psi"] = psis

# Cohen's kappa, unweighted / linear / quadratic: the scikit-learn cohen_kappa_score formula in NumPy
def kappa(a, b, cats, weights):
    idx = {c: i for i, c in enumerate(cats)}; k = len(cats)
    cm = np.zeros((k, k))
    for x, y in zip(a, b):
        cm[idx[x], idx[y]] += 1
    expected = np.outer(cm.sum(axis=1), cm.sum(axis=0)) / cm.sum()
    if weights is None:
        w = np.ones((k, k)); np.fill_diagonal(w, 0)
    else:
        w = np.abs(np.subtract.outer(np.arange(k), np.arange(k))).astype(float)
        if weights == 'quadratic':
            w = w ** 2
    return float(1 - np.sum(w * cm) / np.sum(w * expected))
kap = []
for _ in range(15):
    k = int(rng.integers(2, 6)); n = int(rng.integers(8, 200))
    a = rng.integers(1, k + 1, n)
    agree = rng.random(n) < rng.uniform(0.2, 0.9)
    b = np.where(agree, a, rng.integers(1, k + 1, n))
    cats = list(range(1, k + 1))
    kap.append({"a": a.tolist(), "b": b.tolist(), "categories": cats,
                "none": kappa(a, b, cats, None), "linear": kappa(a, b, cats, 'linear'), "quadratic": kappa(a, b, cats, 'quadratic')})
out["kappa"] = kap

# CSAT (top-2-box with Wilson via SciPy) and NPS (multinomial variance, z = norm.ppf(0.975))
z = float(stats.norm.ppf(0.975))
surveys = []
for _ in range(12):
    n = int(rng.integers(1, 400))
    ratings = rng.integers(1, 6, n); scores = rng.integers(0, 11, n)
    sat = int((ratings >= 4).sum())
    ci = stats.binomtest(sat, n).proportion_ci(method='wilson')
    p = float((scores >= 9).mean()); d = float((scores <= 6).mean())
    se = 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    npsv = 100 * (p - d)
    surveys.append({"ratings": ratings.tolist(), "scores": scores.tolist(), "csat": sat / n, "csat_low": float(ci.low), "csat_high": float(ci.high),
                    "nps": npsv, "nps_se": se, "nps_low": max(-100.0, npsv - z * se), "nps_high": min(100.0, npsv + z * se)})
out["surveys"] = surveys

# Type-7 quantiles: numpy.percentile default (linear)
qs = []
for _ in range(15):
    n = int(rng.integers(1, 500))
    v = np.round(rng.lognormal(6, 1, n), int(rng.choice([0, 2])))
    ps = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1, float(rng.random())]
    qs.append({"values": v.tolist(), "p": ps, "q": [float(np.percentile(v, 100 * p)) for p in ps]})
out["quantiles"] = qs

# Exact Poisson rate interval (Garwood; R poisson.test): chi2.ppf(a/2, 2k)/2, chi2.ppf(1-a/2, 2k+2)/2, per 1,000
pois = []
for k, e in [(0, 1000), (1, 50), (5, 1000), (37, 18000), (400, 120000), (3, 7)]:
    lo = 0.0 if k == 0 else float(stats.chi2.ppf(0.025, 2 * k) / 2)
    hi = float(stats.chi2.ppf(0.975, 2 * k + 2) / 2)
    pois.append({"events": k, "exposure": e, "low": 1000 * lo / e, "high": 1000 * hi / e})
out["poisson"] = pois

# One-sided exact tests: binomtest(alternative='greater'), fisher_exact(alternative='greater')
binom = []
for _ in range(15):
    n = int(rng.choice([10, 50, 200, 5000, 100000])); p = float(rng.choice([0.001, 0.01, 0.04, 0.2, 0.5]))
    k = int(min(n, max(0, rng.binomial(n, min(1, p * rng.choice([1, 1.5, 3]))))))
    binom.append({"k": k, "n": n, "p": p, "pvalue": float(stats.binomtest(k, n, p, alternative='greater').pvalue)})
out["binomial_greater"] = binom
fish = []
for _ in range(12):
    n1 = int(rng.integers(5, 3000)); n0 = int(rng.integers(5, 30000)); p0 = float(rng.choice([0.005, 0.02, 0.1]))
    k0 = int(rng.binomial(n0, p0)); k1 = int(rng.binomial(n1, p0 * float(rng.choice([1, 2, 4]))))
    fish.append({"k1": k1, "n1": n1, "k0": k0, "n0": n0, "pvalue": float(stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]], alternative='greater')[1])})
out["fisher_greater"] = fish

print(json.dumps(out))
