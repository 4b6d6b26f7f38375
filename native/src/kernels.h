/* Numerical kernels on plain float arrays: no N-API here, so they can be read and tested apart from the glue. */
#ifndef MOLLIFIER_NATIVE_KERNELS_H
#define MOLLIFIER_NATIVE_KERNELS_H

#include <stddef.h>

/* c[i] = op(a[i]) op(b[i]) for i < batch; a batch stride of 0 broadcasts that operand. Row-major, m×k times k×n. */
void mn_sgemm_batch(const float *a, const float *b, float *c, size_t batch, size_t stride_a, size_t stride_b,
                    int m, int n, int k, int trans_a, int trans_b);

/* Bias then activation on a row-major matrix of `rows` × `cols`, in place. bias_len: 0 (none), 1 or cols.
   activation: 0 linear, 1 relu, 2 leaky relu (alpha), 3 relu6, 4 sigmoid, 5 elu. */
void mn_bias_activation(float *c, size_t rows, size_t cols, const float *bias, size_t bias_len, int activation,
                        float alpha);

void mn_tanh(const float *x, float *y, size_t n);

/* out = dy * (1 - tanh(x)^2), computed as dy * 4e / (1 + e)^2 with e = exp(2|x|): no cancellation. */
void mn_tanh_grad(const float *dy, const float *x, float *out, size_t n);

/* out = dy * (1 - y^2) from y = tanh(x), the forward pass's output: what autodiff frameworks compute. */
void mn_tanh_grad_from_output(const float *dy, const float *y, float *out, size_t n);

/* out = dy * (1 - y^2) * Q(y), y = tanh(x), q the q_len >= 1 coefficients of Q in ascending powers: the k-th
   derivative of tanh is (1 - t^2) Q_k(t) (mollifier/backend/native/tanh-grad.ts builds Q_k). */
void mn_tanh_derivative_from_output(const float *dy, const float *y, const float *q, size_t q_len, float *out,
                                    size_t n);

/* x viewed as [outer, reduce, inner]; out[o, i] = sum over r of x[o, r, i], accumulated in double. */
void mn_sum_middle(const float *x, float *out, size_t outer, size_t reduce, size_t inner);

/* Element-wise binary op with NumPy broadcasting reduced to one case: b repeats every b_len elements of a
   (b_len divides n; b_len == n is same-shape, 1 is a scalar). op: 0 add, 1 sub, 2 mul, 3 squared difference.
   swap: b is the left operand (for sub). */
void mn_binary(const float *a, const float *b, float *out, size_t n, size_t b_len, int op, int swap);

/* Which copy of the loops runs here: "avx2+fma" or "baseline". */
const char *mn_vector_isa(void);

#endif
