package dev.unmask.backend.cpu.kernels;

/**
 * The exponentials behind ELU and the sigmoid, in float arithmetic, for arguments at or below zero (the only
 * ones those two need: ELU takes expm1 of its negative inputs, the sigmoid exp of minus the absolute value).
 * {@link Math#expm1} is not a compiler intrinsic and cost 15-30 ns per element, most of a PixelSNAIL forward's
 * elementwise time; this is a few float operations that the Vector API runs a vector at a time.
 *
 * <p>Method: {@code a = n ln 2 + r} with n the nearest integer to {@code a / ln 2} (rounded by adding
 * {@link #ROUNDER}) and |r| &lt;= ln 2 / 2 (Cody and Waite's two-part ln 2), then expm1(r) by its Taylor
 * series to r^7 (the first term left out is below 2e-8 of the result), scaled by 2^n built from the exponent
 * bits. Within 2.5 ulp of the double-precision functions rounded to float (worst cases in {@code FloatExpTest}:
 * expm1 0.9 ulp, exp 1.1, ELU 1.8, sigmoid 2.4).
 *
 * <p>{@code VectorFloatKernels} runs the same operations on whole vectors with these constants, in the same
 * order, so that a lane and this scalar code give identical results: an element's value does not depend on
 * where in an array it sits (the restoration's row forwards rely on that).
 */
final class FloatExp {
    /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer. */
    static final float ROUNDER = 0x1.8p23f;
    static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    static final float LOG2_E = 1.44269504f;
    /** ln 2 in two parts: the high part's product by n is exact, the low part carries the rest. */
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.42860677e-6f;
    /** 1/k! for k = 2..7. */
    static final float C2 = 1f / 2;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;
    /** Below this expm1 rounds to -1 in float (e^-20 is under 2^-28), so arguments are clamped to it. */
    static final float EXPM1_LOWEST = -20f;
    /** exp(-110) is below half the smallest subnormal float (2^-150): arguments are clamped to it. */
    static final float EXP_LOWEST = -110f;

    private FloatExp() {
    }

    /** {@code e^a - 1} for {@code a <= 0} (-1 for -infinity, NaN for NaN). */
    static float expm1(float a) {
        float clamped = Math.max(a, EXPM1_LOWEST);
        float t = Math.fma(clamped, LOG2_E, ROUNDER);
        float p = expm1Reduced(reduced(clamped, t));
        float scale = powerOfTwo(Float.floatToRawIntBits(t) - ROUNDER_BITS);
        // e^a - 1 = 2^n (expm1(r) + 1) - 1, with 2^n - 1 exact
        return Math.fma(scale, p, scale - 1f);
    }

    /** {@code e^a} for {@code a <= 0}, subnormal results included (0 for -infinity, NaN for NaN). */
    static float exp(float a) {
        float clamped = Math.max(a, EXP_LOWEST);
        float t = Math.fma(clamped, LOG2_E, ROUNDER);
        float p = expm1Reduced(reduced(clamped, t));
        int n = Float.floatToRawIntBits(t) - ROUNDER_BITS;
        // 2^n in two factors, both normal down to n = -252, so that a subnormal result is rounded only once
        int half = n >> 1;
        float high = powerOfTwo(half);
        return Math.fma(p, high, high) * powerOfTwo(n - half);
    }

    /** ELU: {@code x} for {@code x > 0}, else {@code alpha (e^x - 1)}. */
    static float elu(float x, float alpha) {
        return x > 0 ? x : alpha * expm1(x);
    }

    /** The logistic sigmoid {@code 1 / (1 + e^-x)}, through {@code e^-|x|} so that nothing overflows. */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float d = 1f + e;
        return x >= 0 ? 1f / d : e / d;
    }

    /** 2^n from the exponent bits, for -126 &lt;= n &lt;= 127. */
    private static float powerOfTwo(int n) {
        return Float.intBitsToFloat(n + 127 << 23);
    }

    /** {@code r = a - n ln 2}, where {@code t = ROUNDER + n}. */
    private static float reduced(float a, float t) {
        float n = t - ROUNDER;
        return Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, a));
    }

    /** expm1(r) for |r| &lt;= ln 2 / 2: {@code r + r^2 (C2 + r (C3 + ... + r C7))}. */
    private static float expm1Reduced(float r) {
        float h = Math.fma(C7, r, C6);
        h = Math.fma(h, r, C5);
        h = Math.fma(h, r, C4);
        h = Math.fma(h, r, C3);
        h = Math.fma(h, r, C2);
        return Math.fma(h, r * r, r);
    }
}
