#!/usr/bin/env python3
"""Reference noise scales for the differentially private feature statistics, computed independently.

What is released (one client, one statistics phase): for every class c the count n_c, S_c = sum h and
Q_c = sum h*h of features clipped to ||h||_2 <= B. Lethe rescales the release to (n, S/B, Q/B^2), so one sample
changes it by at most sqrt(1 + 1 + 1) = sqrt(3) in L2 norm, and adds N(0, s^2) to every rescaled coordinate:
sigma_count = s, sigma_sum = s*B, sigma_sumsq = s*B^2.

s is the smallest sigma of the analytic Gaussian mechanism (Balle & Wang, "Improving the Gaussian Mechanism for
Differential Privacy", ICML 2018, Theorem 8 and Algorithm 1) for sensitivity sqrt(3). The Swift code finds it by
bisection on sigma over Theorem 8's condition; this script follows Algorithm 1 instead (bisection on the auxiliary
variable v, then sigma = alpha * Delta / sqrt(2 eps)), so the two agree only if both are right. Plain Python math
only (no numpy or scipy); Phi uses erfc so that its small tail values keep full relative precision.

Run: python3 Tests/Reference/gaussian_mechanism_reference.py
(used by Tests/LetheUnlearningTests/FeatureStatisticsPrivacyTests.swift)
"""
from math import erfc, exp, log, sqrt


def phi(t):
    """Standard normal CDF."""
    return 0.5 * erfc(-t / sqrt(2.0))


def case_a(eps, v):
    return phi(sqrt(eps * v)) - exp(eps) * phi(-sqrt(eps * (v + 2.0)))


def case_b(eps, v):
    return phi(-sqrt(eps * v)) - exp(eps) * phi(-sqrt(eps * (v + 2.0)))


def analytic_sigma(eps, delta, sensitivity, tol=1e-15):
    """Balle & Wang 2018, Algorithm 1: the smallest sigma whose mechanism is (eps, delta)-DP."""
    delta0 = case_a(eps, 0.0)
    if delta == delta0:
        alpha = 1.0
    else:
        if delta > delta0:
            f, stop, go_left = (lambda v: case_a(eps, v)), (lambda v: case_a(eps, v) >= delta), (lambda d: d > delta)
            to_alpha = lambda v: sqrt(1.0 + v / 2.0) - sqrt(v / 2.0)
        else:
            f, stop, go_left = (lambda v: case_b(eps, v)), (lambda v: case_b(eps, v) <= delta), (lambda d: d < delta)
            to_alpha = lambda v: sqrt(1.0 + v / 2.0) + sqrt(v / 2.0)
        lo, hi = 0.0, 1.0
        while not stop(hi):
            lo, hi = hi, 2.0 * hi
        for _ in range(200):
            mid = lo + (hi - lo) / 2.0
            d = f(mid)
            if abs(d - delta) <= tol * delta:
                break
            if go_left(d):
                hi = mid
            else:
                lo = mid
        alpha = to_alpha(mid)
    return alpha * sensitivity / sqrt(2.0 * eps)


def delta_of(eps, sigma, sensitivity):
    """Theorem 8: the delta that sigma achieves at eps (a check on the result, not used to find it)."""
    a, b = sensitivity / (2.0 * sigma), eps * sigma / sensitivity
    return phi(a - b) - exp(eps) * phi(-a - b)


def classic_sigma(eps, delta, sensitivity):
    """Dwork & Roth 2014, Theorem A.1 (valid for eps < 1 only), for comparison."""
    return sensitivity * sqrt(2.0 * log(1.25 / delta)) / eps


if __name__ == "__main__":
    delta_s = sqrt(3.0)
    for eps, delta in [(0.5, 1e-5), (1.0, 1e-5), (2.0, 1e-5), (8.0, 1e-6)]:
        s = analytic_sigma(eps, delta, delta_s)
        print(f"eps {eps} delta {delta:g}: unit sigma {s!r}  (check delta {delta_of(eps, s, delta_s)!r}; "
              f"classic {classic_sigma(eps, delta, delta_s)!r})")
    s = analytic_sigma(2.0, 1e-5, delta_s)
    print(f"B = 10, eps 2, delta 1e-5: count {s!r}, sum {s * 10!r}, sum of squares {s * 100!r}")
