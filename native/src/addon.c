/* N-API glue: every entry checks that its arrays are Float32Arrays long enough for the sizes it is given, so a
   wrong call throws in JavaScript instead of writing past a buffer. The arrays are views on the wasm heap
   (mollifier/backend/native/kernels.ts): nothing is copied. */
#include <node_api.h>
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>

#include "kernels.h"

extern void openblas_set_num_threads(int);
extern char *openblas_get_config(void);

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "mollifier_native: N-API call failed"); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

typedef struct {
  float *data;
  size_t length;
} floats;

static int get_floats(napi_env env, napi_value value, const char *name, floats *out) {
  bool is_typed;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    char message[96];
    snprintf(message, sizeof message, "mollifier_native: %s is not a Float32Array", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &out->length, &data, &buffer, &offset) != napi_ok ||
      type != napi_float32_array) {
    char message[96];
    snprintf(message, sizeof message, "mollifier_native: %s is not a Float32Array", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  out->data = (float *)data;
  return 1;
}

static int get_size(napi_env env, napi_value value, const char *name, size_t *out) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok || !(number >= 0) || number > 9007199254740991.0 ||
      number != (double)(size_t)number) {
    char message[96];
    snprintf(message, sizeof message, "mollifier_native: %s is not a size", name);
    napi_throw_range_error(env, NULL, message);
    return 0;
  }
  *out = (size_t)number;
  return 1;
}

static int need(napi_env env, const floats *array, size_t count, const char *name) {
  if (array->length >= count) return 1;
  char message[128];
  snprintf(message, sizeof message, "mollifier_native: %s holds %zu floats, %zu needed", name, array->length, count);
  napi_throw_range_error(env, NULL, message);
  return 0;
}

static int fits_int(napi_env env, size_t value, const char *name) {
  if (value <= 2147483647u) return 1;
  char message[96];
  snprintf(message, sizeof message, "mollifier_native: %s exceeds the BLAS's int", name);
  napi_throw_range_error(env, NULL, message);
  return 0;
}

static int arity(napi_env env, size_t got, size_t want, const char *name) {
  if (got == want) return 1;
  char message[96];
  snprintf(message, sizeof message, "mollifier_native: %s takes %zu arguments, got %zu", name, want, got);
  napi_throw_type_error(env, NULL, message);
  return 0;
}

/* The arguments of an entry: exactly `count` of them, else a TypeError naming the entry. */
#define TAKE_ARGS(count, name)                                         \
  size_t argc = (count);                                               \
  napi_value argv[(count)];                                            \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));         \
  if (!arity(env, argc, (count), (name))) return NULL

/* sgemm(a, b, c, batch, strideA, strideB, m, n, k, transA, transB) */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  TAKE_ARGS(11, "sgemm");
  floats a, b, c;
  size_t batch, stride_a, stride_b, m, n, k, trans_a, trans_b;
  if (!get_floats(env, argv[0], "a", &a) || !get_floats(env, argv[1], "b", &b) || !get_floats(env, argv[2], "c", &c) ||
      !get_size(env, argv[3], "batch", &batch) || !get_size(env, argv[4], "strideA", &stride_a) ||
      !get_size(env, argv[5], "strideB", &stride_b) || !get_size(env, argv[6], "m", &m) ||
      !get_size(env, argv[7], "n", &n) || !get_size(env, argv[8], "k", &k) ||
      !get_size(env, argv[9], "transA", &trans_a) || !get_size(env, argv[10], "transB", &trans_b))
    return NULL;
  if (!fits_int(env, m, "m") || !fits_int(env, n, "n") || !fits_int(env, k, "k")) return NULL;
  if (batch == 0 || m == 0 || n == 0) return NULL;
  if (!need(env, &a, (batch - 1) * stride_a + m * k, "a") || !need(env, &b, (batch - 1) * stride_b + k * n, "b") ||
      !need(env, &c, batch * m * n, "c"))
    return NULL;
  if (k == 0) {
    for (size_t i = 0; i < batch * m * n; i++) c.data[i] = 0.0f;
    return NULL;
  }
  mn_sgemm_batch(a.data, b.data, c.data, batch, stride_a, stride_b, (int)m, (int)n, (int)k, trans_a != 0,
                 trans_b != 0);
  return NULL;
}

/* biasActivation(c, rows, cols, bias | null, activation, alpha) */
static napi_value bias_activation(napi_env env, napi_callback_info info) {
  TAKE_ARGS(6, "biasActivation");
  floats c, bias = {NULL, 0};
  size_t rows, cols, activation;
  double alpha;
  napi_valuetype bias_type;
  CHECK(napi_typeof(env, argv[3], &bias_type));
  if (!get_floats(env, argv[0], "c", &c) || !get_size(env, argv[1], "rows", &rows) ||
      !get_size(env, argv[2], "cols", &cols) || !get_size(env, argv[4], "activation", &activation))
    return NULL;
  if (bias_type != napi_null && !get_floats(env, argv[3], "bias", &bias)) return NULL;
  CHECK(napi_get_value_double(env, argv[5], &alpha));
  if (!need(env, &c, rows * cols, "c")) return NULL;
  if (bias.data != NULL && bias.length != 1 && bias.length != cols) {
    napi_throw_range_error(env, NULL, "mollifier_native: bias must hold 1 or cols floats");
    return NULL;
  }
  mn_bias_activation(c.data, rows, cols, bias.data, bias.data ? bias.length : 0, (int)activation, (float)alpha);
  return NULL;
}

/* tanh(x, y): y may be x. */
static napi_value tanh_entry(napi_env env, napi_callback_info info) {
  TAKE_ARGS(2, "tanh");
  floats x, y;
  if (!get_floats(env, argv[0], "x", &x) || !get_floats(env, argv[1], "y", &y)) return NULL;
  if (!need(env, &y, x.length, "y")) return NULL;
  mn_tanh(x.data, y.data, x.length);
  return NULL;
}

/* tanhGrad(dy, x, out, fromOutput): x is tanh's input, or its output y when fromOutput is 1. */
static napi_value tanh_grad(napi_env env, napi_callback_info info) {
  TAKE_ARGS(4, "tanhGrad");
  floats dy, x, out;
  size_t from_output;
  if (!get_floats(env, argv[0], "dy", &dy) || !get_floats(env, argv[1], "x", &x) ||
      !get_floats(env, argv[2], "out", &out) || !get_size(env, argv[3], "fromOutput", &from_output))
    return NULL;
  if (!need(env, &x, dy.length, "x") || !need(env, &out, dy.length, "out")) return NULL;
  if (from_output)
    mn_tanh_grad_from_output(dy.data, x.data, out.data, dy.length);
  else
    mn_tanh_grad(dy.data, x.data, out.data, dy.length);
  return NULL;
}

/* tanhDerivative(dy, y, out, q): dy * (1 - y²) * Q(y) with Q's coefficients q (ascending powers, 1 to 64). */
static napi_value tanh_derivative(napi_env env, napi_callback_info info) {
  TAKE_ARGS(4, "tanhDerivative");
  floats dy, y, out, q;
  if (!get_floats(env, argv[0], "dy", &dy) || !get_floats(env, argv[1], "y", &y) ||
      !get_floats(env, argv[2], "out", &out) || !get_floats(env, argv[3], "q", &q))
    return NULL;
  if (!need(env, &y, dy.length, "y") || !need(env, &out, dy.length, "out")) return NULL;
  if (q.length < 1 || q.length > 64) {
    napi_throw_range_error(env, NULL, "mollifier_native: q must hold 1 to 64 coefficients");
    return NULL;
  }
  mn_tanh_derivative_from_output(dy.data, y.data, q.data, q.length, out.data, dy.length);
  return NULL;
}

/* sumMiddle(x, out, outer, reduce, inner) */
static napi_value sum_middle(napi_env env, napi_callback_info info) {
  TAKE_ARGS(5, "sumMiddle");
  floats x, out;
  size_t outer, reduce, inner;
  if (!get_floats(env, argv[0], "x", &x) || !get_floats(env, argv[1], "out", &out) ||
      !get_size(env, argv[2], "outer", &outer) || !get_size(env, argv[3], "reduce", &reduce) ||
      !get_size(env, argv[4], "inner", &inner))
    return NULL;
  if (!need(env, &x, outer * reduce * inner, "x") || !need(env, &out, outer * inner, "out")) return NULL;
  mn_sum_middle(x.data, out.data, outer, reduce, inner);
  return NULL;
}

/* binary(a, b, out, op, swap): b.length divides a.length. */
static napi_value binary(napi_env env, napi_callback_info info) {
  TAKE_ARGS(5, "binary");
  floats a, b, out;
  size_t op, swap;
  if (!get_floats(env, argv[0], "a", &a) || !get_floats(env, argv[1], "b", &b) ||
      !get_floats(env, argv[2], "out", &out) || !get_size(env, argv[3], "op", &op) ||
      !get_size(env, argv[4], "swap", &swap))
    return NULL;
  if (b.length == 0 || a.length % b.length != 0 || op > 3) {
    napi_throw_range_error(env, NULL, "mollifier_native: binary needs b.length to divide a.length and op <= 3");
    return NULL;
  }
  if (!need(env, &out, a.length, "out")) return NULL;
  if (a.length > 0) mn_binary(a.data, b.data, out.data, a.length, b.length, (int)op, swap != 0);
  return NULL;
}

static napi_value info_entry(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, blas;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &blas));
  CHECK(napi_set_named_property(env, result, "blas", blas));
  napi_value isa;
  CHECK(napi_create_string_utf8(env, mn_vector_isa(), NAPI_AUTO_LENGTH, &isa));
  CHECK(napi_set_named_property(env, result, "vectorIsa", isa));
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  /* One BLAS thread: a lane is one thread, and parallelism comes from running lanes side by side. */
  openblas_set_num_threads(1);
  const napi_property_descriptor entries[] = {
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tanh", NULL, tanh_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tanhGrad", NULL, tanh_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tanhDerivative", NULL, tanh_derivative, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumMiddle", NULL, sum_middle, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, info_entry, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof entries / sizeof entries[0], entries) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
