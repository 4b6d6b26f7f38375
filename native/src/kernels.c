/* The numerical kernels behind the addon (kernels.h). Matrix products go to the BLAS (one thread: lanes are the
   parallelism, see mollifier/backend/native/README.md); the rest are the loops of kernels-impl.h, compiled twice,
   for baseline x86-64 and for AVX2+FMA, and picked at run time: one build runs on any x86-64 node and is fast on a
   modern one. (GCC's target_clones did not do it: the clone's calls to the inline helpers were not inlined, and the
   AVX2 tanh ran at the baseline's speed.) */
#include "kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


void mn_sgemm_batch(const float *a, const float *b, float *c, size_t batch, size_t stride_a, size_t stride_b,
                    int m, int n, int k, int trans_a, int trans_b) {
  const int lda = trans_a ? m : k;
  const int ldb = trans_b ? k : n;
  for (size_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k,
                1.0f, a + i * stride_a, lda, b + i * stride_b, ldb, 0.0f, c + i * (size_t)m * (size_t)n, n);
  }
}

#define MN_NAME(name) name##_base
#include "kernels-impl.h"
#undef MN_NAME

#if defined(__x86_64__) && defined(__GNUC__)
#define MN_HAVE_AVX2 1
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define MN_NAME(name) name##_avx2
#include "kernels-impl.h"
#undef MN_NAME
#pragma GCC pop_options
#endif

static int use_avx2(void) {
#ifdef MN_HAVE_AVX2
  static int cached = -1;
  if (cached < 0) cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return cached;
#else
  return 0;
#endif
}

#ifdef MN_HAVE_AVX2
#define MN_DISPATCH(name, ...) (use_avx2() ? name##_avx2(__VA_ARGS__) : name##_base(__VA_ARGS__))
#else
#define MN_DISPATCH(name, ...) name##_base(__VA_ARGS__)
#endif

const char *mn_vector_isa(void) { return use_avx2() ? "avx2+fma" : "baseline"; }

void mn_bias_activation(float *c, size_t rows, size_t cols, const float *bias, size_t bias_len, int activation,
                        float alpha) {
  MN_DISPATCH(mn_bias_activation, c, rows, cols, bias, bias_len, activation, alpha);
}

void mn_tanh(const float *x, float *y, size_t n) { MN_DISPATCH(mn_tanh, x, y, n); }

void mn_tanh_grad(const float *dy, const float *x, float *out, size_t n) { MN_DISPATCH(mn_tanh_grad, dy, x, out, n); }

void mn_tanh_grad_from_output(const float *dy, const float *y, float *out, size_t n) {
  MN_DISPATCH(mn_tanh_grad_from_output, dy, y, out, n);
}
void mn_tanh_derivative_from_output(const float *dy, const float *y, const float *q, size_t q_len, float *out,
                                    size_t n) {
  MN_DISPATCH(mn_tanh_derivative_from_output, dy, y, q, q_len, out, n);
}

void mn_sum_middle(const float *x, float *out, size_t outer, size_t reduce, size_t inner) {
  MN_DISPATCH(mn_sum_middle, x, out, outer, reduce, inner);
}

void mn_binary(const float *a, const float *b, float *out, size_t n, size_t b_len, int op, int swap) {
  MN_DISPATCH(mn_binary, a, b, out, n, b_len, op, swap);
}
