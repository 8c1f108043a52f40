/// e^x for x ≤ 0, branch-free so loops over it vectorise (the RBF kernel's only transcendental).
///
/// Cody–Waite reduction x = k·ln 2 + r with |r| ≤ ½ ln 2, e^r by its Taylor polynomial of degree 11 (truncation
/// error r¹²/12! < 7e-15 relative), and 2^k assembled in the exponent bits. Arguments below −708 are clamped there
/// (e^−708 ≈ 3e-308, zero for any kernel sum). Relative error below 1e-14 — libm's `exp` is ~1e-16, and kernel rows are
/// stored as Float anyway, as libsvm does.
@inline(__always)
func expNonPositive(_ x: Double) -> Double {
    let clamped = max(x, -708)
    let shifter = 6_755_399_441_055_744.0  // 1.5 · 2⁵², so the sum's low mantissa bits hold round(x / ln 2)
    let shifted = clamped * 1.442_695_040_888_963_4 + shifter
    let k = shifted - shifter
    let r = (clamped - k * 0.693_147_180_369_123_8) - k * 1.908_214_929_270_587_7e-10
    var p = 1.0 / 39_916_800
    p = p * r + 1.0 / 3_628_800
    p = p * r + 1.0 / 362_880
    p = p * r + 1.0 / 40_320
    p = p * r + 1.0 / 5_040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let scale = Double(bitPattern: (shifted.bitPattern &+ 1023) &<< 52)
    return p * scale
}
