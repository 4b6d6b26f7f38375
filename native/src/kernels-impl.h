/* The element-wise and reduction loops, included twice by kernels.c: once for baseline x86-64 and once under
   `#pragma GCC target("avx2,fma")`, MN_NAME giving each copy its own names. Written so that GCC vectorises them:
   branch-free bodies, clamps as comparisons (GCC does not vectorise fmin: its NaN rule). No include guard. */
static void MN_NAME(mn_bias_activation)(float *c, size_t rows, size_t cols, const float *bias, size_t bias_len, int activation,
                        float alpha) {
  for (size_t r = 0; r < rows; r++) {
    float *row = c + r * cols;
    if (bias_len == cols) {
      for (size_t j = 0; j < cols; j++) row[j] += bias[j];
    } else if (bias_len == 1) {
      const float b0 = bias[0];
      for (size_t j = 0; j < cols; j++) row[j] += b0;
    }
    switch (activation) {
      case 1:
        for (size_t j = 0; j < cols; j++) row[j] = row[j] > 0.0f ? row[j] : 0.0f;
        break;
      case 2:
        for (size_t j = 0; j < cols; j++) row[j] = row[j] > 0.0f ? row[j] : alpha * row[j];
        break;
      case 3:
        for (size_t j = 0; j < cols; j++) row[j] = row[j] > 6.0f ? 6.0f : (row[j] > 0.0f ? row[j] : 0.0f);
        break;
      case 4:
        for (size_t j = 0; j < cols; j++) row[j] = (float)(1.0 / (1.0 + exp(-(double)row[j])));
        break;
      case 5:
        for (size_t j = 0; j < cols; j++) row[j] = row[j] >= 0.0f ? row[j] : (float)expm1((double)row[j]);
        break;
      default:
        break;
    }
  }
}

/* exp(t) for t in [0, 88] in float: t = n ln2 + r, |r| <= ln2/2, ln2 split in two so n·ln2_hi is exact, exp(r)
   by its Taylor series to degree 7 (truncation 6e-9, below float's half ulp), 2^n assembled in the exponent. */
static inline float MN_NAME(expf_bounded)(float t) {
  const float log2e = 1.44269504f;
  const float ln2_hi = 0.693359375f;
  const float ln2_lo = -2.12194440e-4f;
  const float shifter = 12582912.0f; /* 1.5 * 2^23 */
  const float kd = t * log2e + shifter;
  const float n = kd - shifter;
  const float r = (t - n * ln2_hi) - n * ln2_lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  uint32_t bits;
  memcpy(&bits, &kd, sizeof bits);
  bits = (bits + 127u) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/* tanh in float, eight lanes at a time on AVX2, within 2 ulp of the correctly rounded value (test/native-kernels):
   below |x| = 0.55 its odd Taylor polynomial to x^19 (truncation 2e-8 relative there), above it 1 − 2/(e^2|x| + 1),
   whose error the small 2/(e + 1) scales down; |x| is clamped at 10, where tanh already rounds to 1. */
static void MN_NAME(mn_tanh)(const float *x, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    const float magnitude = fabsf(v);
    const float a = magnitude > 10.0f ? 10.0f : magnitude;
    const float a2 = a * a;
    float p = -443861162.0f / 1856156927625.0f;
    p = p * a2 + 6404582.0f / 10854718875.0f;
    p = p * a2 - 929569.0f / 638512875.0f;
    p = p * a2 + 21844.0f / 6081075.0f;
    p = p * a2 - 1382.0f / 155925.0f;
    p = p * a2 + 62.0f / 2835.0f;
    p = p * a2 - 17.0f / 315.0f;
    p = p * a2 + 2.0f / 15.0f;
    p = p * a2 - 1.0f / 3.0f;
    const float small = a + a * (a2 * p);
    const float large = 1.0f - 2.0f / (MN_NAME(expf_bounded)(2.0f * a) + 1.0f);
    const float t = a < 0.55f ? small : large;
    y[i] = v < 0.0f ? -t : (v == v ? t : v);
  }
}

/* dy * sech²(x) in float, sech²(x) = 4 / (e + 2 + 1/e) with e = exp(2|x|): no cancellation and no overflow; |x| is
   clamped at 44, where sech² (3e-38) reaches float's smallest normal. Within a few ulps (test/native-kernels). */
static void MN_NAME(mn_tanh_grad)(const float *dy, const float *x, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float magnitude = fabsf(x[i]);
    const float a = magnitude > 44.0f ? 44.0f : magnitude;
    const float e = MN_NAME(expf_bounded)(2.0f * a);
    out[i] = dy[i] * (4.0f / (e + 2.0f + 1.0f / e));
  }
}

static void MN_NAME(mn_tanh_grad_from_output)(const float *dy, const float *y, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = dy[i] * (1.0f - y[i] * y[i]);
}

/* dy * (1 - y²) * Q(y), Q's coefficients in ascending powers: Horner's rule over blocks of 256 lanes, so the loop
   over the elements (not the short one over the coefficients) is the one that vectorises. */
static void MN_NAME(mn_tanh_derivative_from_output)(const float *dy, const float *y, const float *q, size_t q_len,
                                                     float *out, size_t n) {
  float p[256];
  for (size_t start = 0; start < n; start += 256) {
    const size_t len = n - start < 256 ? n - start : 256;
    const float *yb = y + start;
    for (size_t i = 0; i < len; i++) p[i] = q[q_len - 1];
    for (size_t j = q_len - 1; j-- > 0;) {
      const float c = q[j];
      for (size_t i = 0; i < len; i++) p[i] = p[i] * yb[i] + c;
    }
    for (size_t i = 0; i < len; i++) out[start + i] = dy[start + i] * (1.0f - yb[i] * yb[i]) * p[i];
  }
}

static double MN_NAME(sum_contiguous)(const float *x, size_t n) {
  /* Eight partial sums: a vector of them, so the loop vectorises without reassociating anything. */
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; j++) part[j] += (double)x[i + (size_t)j];
  }
  double total = 0;
  for (; i < n; i++) total += (double)x[i];
  for (int j = 0; j < 8; j++) total += part[j];
  return total;
}

static void MN_NAME(mn_sum_middle)(const float *x, float *out, size_t outer, size_t reduce, size_t inner) {
  if (inner == 1) {
    for (size_t o = 0; o < outer; o++) out[o] = (float)MN_NAME(sum_contiguous)(x + o * reduce, reduce);
    return;
  }
  double *acc = malloc(inner * sizeof(double));
  if (acc == NULL) abort();
  for (size_t o = 0; o < outer; o++) {
    memset(acc, 0, inner * sizeof(double));
    const float *block = x + o * reduce * inner;
    for (size_t r = 0; r < reduce; r++) {
      const float *row = block + r * inner;
      for (size_t i = 0; i < inner; i++) acc[i] += (double)row[i];
    }
    for (size_t i = 0; i < inner; i++) out[o * inner + i] = (float)acc[i];
  }
  free(acc);
}

static void MN_NAME(mn_binary)(const float *a, const float *b, float *out, size_t n, size_t b_len, int op, int swap) {
  if (b_len == 1 && n > 1) {
    /* A scalar: widen it to a short row once so the loop below runs over long rows, not one element. */
    float row[256];
    for (int j = 0; j < 256; j++) row[j] = b[0];
    size_t start = 0;
    for (; start + 256 <= n; start += 256) MN_NAME(mn_binary)(a + start, row, out + start, 256, 256, op, swap);
    if (start < n) MN_NAME(mn_binary)(a + start, row, out + start, n - start, n - start, op, swap);
    return;
  }
  for (size_t start = 0; start < n; start += b_len) {
    const float *pa = a + start;
    float *po = out + start;
    const size_t len = b_len;
    switch (op * 2 + (swap ? 1 : 0)) {
      case 0:
      case 1:
        for (size_t j = 0; j < len; j++) po[j] = pa[j] + b[j];
        break;
      case 2:
        for (size_t j = 0; j < len; j++) po[j] = pa[j] - b[j];
        break;
      case 3:
        for (size_t j = 0; j < len; j++) po[j] = b[j] - pa[j];
        break;
      case 4:
      case 5:
        for (size_t j = 0; j < len; j++) po[j] = pa[j] * b[j];
        break;
      default: {
        for (size_t j = 0; j < len; j++) {
          const float d = pa[j] - b[j];
          po[j] = d * d;
        }
      }
    }
  }
}
