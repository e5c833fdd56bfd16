/*
 * spikeloop_ref.c - reference firmware of the SL-1 core, implementing spikeloop_driver.h.
 *
 * Written as firmware is: every buffer is a fixed-size static array sized by the compile-time
 * limits below (they are the board's CoreLimits), arithmetic is integer only, and a step
 * allocates nothing. The forward pass follows shared/design/core-semantics.md and is
 * event-driven: weight matrices are stored transposed, [pre][post], so an input spike adds one
 * contiguous row into the accumulators and silent neurons cost no synaptic work.
 *
 * Every argument is checked before anything changes; a failing call leaves the board as it was
 * and sets the last-error text. The on-chip learning engine (issue L1) is not part of ABI
 * version 1 and not implemented here.
 */
#include "spikeloop_driver.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- compile-time limits (override with -D; they are reported as the board's CoreLimits) ---- */
#ifndef SL_REF_MAX_INPUTS
#define SL_REF_MAX_INPUTS 1024
#endif
#ifndef SL_REF_MAX_LAYERS
#define SL_REF_MAX_LAYERS 4
#endif
#ifndef SL_REF_MAX_NEURONS_PER_LAYER
#define SL_REF_MAX_NEURONS_PER_LAYER 1024
#endif
#ifndef SL_REF_MAX_NEURONS
#define SL_REF_MAX_NEURONS 2048 /* hidden plus output */
#endif
#ifndef SL_REF_MAX_FAN_IN
#define SL_REF_MAX_FAN_IN 1536
#endif
#ifndef SL_REF_MAX_OUTPUTS
#define SL_REF_MAX_OUTPUTS 256
#endif
#ifndef SL_REF_SYNAPSE_MEMORY_BITS
#define SL_REF_SYNAPSE_MEMORY_BITS (16L << 20) /* sum over tensors of rows * cols * bits */
#endif
#ifndef SL_REF_INSTANCES
#define SL_REF_INSTANCES 4 /* cores that can be open at once */
#endif
#define SL_REF_MAX_WEIGHT_BITS 16
/* Weights sit unpacked in 16-bit cells (one add per SOP, no unpacking); enough cells for the
 * narrowest weights (2 bits) to fill the synapse memory, so the bit budget is the only limit.
 * Untouched cells cost no RAM on a host OS (zero pages). */
#define SL_REF_SYNAPSE_CELLS (SL_REF_SYNAPSE_MEMORY_BITS / 2)
#define SL_REF_ERROR_LEN 256
#define SL_REF_VERSION "sl1-ref 1.0.0"

/* Accumulators are int32: a neuron sums at most MAX_FAN_IN weights of at most 2^15 magnitude. */
_Static_assert((long long)SL_REF_MAX_FAN_IN * 32768LL < 2147483647LL,
               "int32 accumulators would overflow at this fan-in");
_Static_assert(SL_REF_MAX_OUTPUTS <= SL_REF_MAX_NEURONS, "outputs are neurons too");
/* rshift_round relies on >> of a negative int64 being arithmetic (C11: implementation-defined;
 * gcc and clang define it so). */
_Static_assert((-5LL >> 1) == -3LL, "arithmetic right shift required");

struct spikeloop_board {
  int open;
  int configured;
  char error[SL_REF_ERROR_LEN];

  /* configuration */
  int32_t inputs;
  int32_t n_layers;
  spikeloop_layer_config layers[SL_REF_MAX_LAYERS];
  spikeloop_output_config output;
  int32_t hidden_total;                  /* H */
  int32_t neuron_base[SL_REF_MAX_LAYERS]; /* first index of layer l in the hidden arrays */
  long in_base[SL_REF_MAX_LAYERS];       /* cell offsets of the transposed matrices */
  long rec_base[SL_REF_MAX_LAYERS];      /* -1 when not recurrent */
  long out_base;

  /* memory */
  int16_t cells[SL_REF_SYNAPSE_CELLS]; /* weights, [pre][post] */
  int32_t bias[SL_REF_MAX_NEURONS];
  int32_t out_bias[SL_REF_MAX_OUTPUTS];

  /* dynamic state */
  int64_t step;
  int32_t u[SL_REF_MAX_NEURONS];
  uint8_t z[SL_REF_MAX_NEURONS];          /* spikes of the previous step, 0/1 */
  int32_t spike_ids[SL_REF_MAX_NEURONS];  /* the same spikes as id lists, per layer segment */
  int32_t spike_count[SL_REF_MAX_LAYERS];
  int32_t o[SL_REF_MAX_OUTPUTS];
  spikeloop_telemetry telemetry;

  /* scratch of one step */
  int32_t acc[SL_REF_MAX_NEURONS_PER_LAYER > SL_REF_MAX_OUTPUTS ? SL_REF_MAX_NEURONS_PER_LAYER
                                                                : SL_REF_MAX_OUTPUTS];
};

static struct spikeloop_board boards[SL_REF_INSTANCES];
static char open_error[SL_REF_ERROR_LEN] = "no error";

/* ---------------------------------------------------------------- errors and handles ---- */

static int32_t fail(spikeloop_board *b, int32_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int32_t fail(spikeloop_board *b, int32_t code, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(b != NULL ? b->error : open_error, SL_REF_ERROR_LEN, fmt, args);
  va_end(args);
  return code;
}

/* A handle is valid when it points at an open element of boards[]. */
static int is_board(const spikeloop_board *b) {
  uintptr_t p = (uintptr_t)b;
  uintptr_t first = (uintptr_t)&boards[0];
  if (p < first || p > (uintptr_t)&boards[SL_REF_INSTANCES - 1]) {
    return 0;
  }
  return (p - first) % sizeof(struct spikeloop_board) == 0;
}

/* Checks the handle; on success clears its error text. */
static int32_t check_board(spikeloop_board *b, int need_config) {
  if (!is_board(b)) {
    return fail(NULL, SPIKELOOP_ERR_STATE, "invalid board handle %p", (const void *)b);
  }
  if (!b->open) {
    return fail(b, SPIKELOOP_ERR_STATE, "board handle is closed");
  }
  b->error[0] = '\0';
  if (need_config && !b->configured) {
    return fail(b, SPIKELOOP_ERR_STATE, "board is not configured (call spikeloop_configure first)");
  }
  return SPIKELOOP_OK;
}

/* ---------------------------------------------------------------- fixed point ---- */

static int64_t min_signed(int32_t bits) { return -((int64_t)1 << (bits - 1)); }
static int64_t max_signed(int32_t bits) { return ((int64_t)1 << (bits - 1)) - 1; }
static int fits(int64_t x, int32_t bits) { return x >= min_signed(bits) && x <= max_signed(bits); }

/* s > 0: floor((x + 2^(s-1)) / 2^s) (round half up); s <= 0: x * 2^-s. */
static int64_t rshift_round(int64_t x, int32_t s) {
  if (s > 0) {
    return (x + ((int64_t)1 << (s - 1))) >> s;
  }
  return x * ((int64_t)1 << -s); /* multiply: a left shift of a negative value is undefined */
}

static int64_t scale(int64_t acc, int32_t e) {
  return e >= 0 ? acc * ((int64_t)1 << e) : rshift_round(acc, -e);
}

static int64_t decay(int64_t v, int32_t a) { return rshift_round(v * a, 12); }

/* Clamps x to bits and counts a saturation when it had to. */
static int32_t sat_counted(int64_t x, int32_t bits, int64_t *saturations) {
  int64_t lo = min_signed(bits);
  int64_t hi = max_signed(bits);
  if (x > hi) {
    ++*saturations;
    return (int32_t)hi;
  }
  if (x < lo) {
    ++*saturations;
    return (int32_t)lo;
  }
  return (int32_t)x;
}

/* ---------------------------------------------------------------- open / info ---- */

int32_t spikeloop_driver_abi_version(void) { return SPIKELOOP_DRIVER_ABI_VERSION; }

const char *spikeloop_last_error(const spikeloop_board *board) {
  if (board == NULL || !is_board(board)) {
    return open_error;
  }
  return board->error;
}

int32_t spikeloop_open(const char *name, spikeloop_board **out) {
  if (name == NULL || out == NULL) {
    return fail(NULL, SPIKELOOP_ERR_ARGUMENT, "spikeloop_open needs a name and an out pointer");
  }
  if (strcmp(name, "ref") != 0) {
    return fail(NULL, SPIKELOOP_ERR_NO_DEVICE,
                "no board '%.64s': the reference firmware provides only 'ref'", name);
  }
  for (int i = 0; i < SL_REF_INSTANCES; i++) {
    if (!boards[i].open) {
      spikeloop_board *b = &boards[i];
      b->open = 1;
      b->configured = 0;
      b->error[0] = '\0';
      memset(&b->telemetry, 0, sizeof b->telemetry);
      *out = b;
      return SPIKELOOP_OK;
    }
  }
  return fail(NULL, SPIKELOOP_ERR_BUSY, "all %d reference cores are open", SL_REF_INSTANCES);
}

int32_t spikeloop_close(spikeloop_board *board) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  board->open = 0;
  board->configured = 0;
  return SPIKELOOP_OK;
}

int32_t spikeloop_device_info_get(spikeloop_board *board, spikeloop_device_info *out) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (out == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_device_info_get: out is NULL");
  }
  memset(out, 0, sizeof *out);
  out->abi_version = SPIKELOOP_DRIVER_ABI_VERSION;
  out->capabilities = SPIKELOOP_CAP_FORWARD | SPIKELOOP_CAP_MEMBRANE_READOUT |
                      SPIKELOOP_CAP_SNAPSHOT | SPIKELOOP_CAP_WEIGHT_READBACK;
  snprintf(out->kind, sizeof out->kind, "%s", "sl1-ref-firmware");
  snprintf(out->version, sizeof out->version, "%s", SL_REF_VERSION);
  out->clock_hz = 0.0;
  out->step_period_s = 0.0;
  out->limits.max_inputs = SL_REF_MAX_INPUTS;
  out->limits.max_layers = SL_REF_MAX_LAYERS;
  out->limits.max_neurons_per_layer = SL_REF_MAX_NEURONS_PER_LAYER;
  out->limits.max_neurons = SL_REF_MAX_NEURONS;
  out->limits.max_fan_in = SL_REF_MAX_FAN_IN;
  out->limits.max_weight_bits = SL_REF_MAX_WEIGHT_BITS;
  out->limits.max_membrane_bits = 32;
  out->limits.max_output_bits = 32;
  out->limits.synapse_memory_bits = SL_REF_SYNAPSE_MEMORY_BITS;
  out->limits.max_outputs = SL_REF_MAX_OUTPUTS;
  return SPIKELOOP_OK;
}

/* ---------------------------------------------------------------- configure ---- */

/* Clears the dynamic state. Internal calls use this, never an exported function: a host may
 * load two copies of the library, and an exported call could bind to the other copy. */
static void clear_state(spikeloop_board *b) {
  b->step = 0;
  memset(b->u, 0, sizeof b->u);
  memset(b->z, 0, sizeof b->z);
  memset(b->spike_count, 0, sizeof b->spike_count);
  memset(b->o, 0, sizeof b->o);
}

int32_t spikeloop_reset(spikeloop_board *board) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  clear_state(board);
  return SPIKELOOP_OK;
}


static int32_t check_range(spikeloop_board *b, const char *what, int l, int32_t v, int32_t lo,
                           int32_t hi) {
  if (v < lo || v > hi) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "layer %d %s must be in [%d, %d], got %d", l, what,
                lo, hi, v);
  }
  return SPIKELOOP_OK;
}

/* Checks a layer's fields for validity (ERR_ARGUMENT), not yet against the limits. */
static int32_t check_layer(spikeloop_board *b, int l, const spikeloop_layer_config *c,
                           int32_t fed_by) {
  int32_t rc;
  if ((rc = check_range(b, "size", l, c->size, 1, INT32_MAX)) != SPIKELOOP_OK ||
      (rc = check_range(b, "recurrent", l, c->recurrent, 0, 1)) != SPIKELOOP_OK ||
      (rc = check_range(b, "w_bits", l, c->w_bits, 2, 16)) != SPIKELOOP_OK ||
      (rc = check_range(b, "w_exp", l, c->w_exp, -31, 31)) != SPIKELOOP_OK ||
      (rc = check_range(b, "u_bits", l, c->u_bits, 2, 32)) != SPIKELOOP_OK ||
      (rc = check_range(b, "theta", l, c->theta, 1, INT32_MAX)) != SPIKELOOP_OK ||
      (rc = check_range(b, "alpha", l, c->alpha, 0, 4096)) != SPIKELOOP_OK) {
    return rc;
  }
  if (c->inputs != fed_by) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "layer %d declares %d inputs but is fed by %d", l,
                c->inputs, fed_by);
  }
  if (c->theta > max_signed(c->u_bits)) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "layer %d theta %d cannot be reached by a %d-bit membrane",
                l, c->theta, c->u_bits);
  }
  return SPIKELOOP_OK;
}

static int32_t check_output(spikeloop_board *b, const spikeloop_output_config *c) {
  if (c->size < 1 || c->w_bits < 2 || c->w_bits > 16 || c->w_exp < -31 || c->w_exp > 31 ||
      c->o_bits < 2 || c->o_bits > 32 || c->kappa < 0 || c->kappa > 4096) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT,
                "output layer: size %d (>= 1), w_bits %d (2..16), w_exp %d (-31..31), "
                "o_bits %d (2..32), kappa %d (0..4096) out of range",
                c->size, c->w_bits, c->w_exp, c->o_bits, c->kappa);
  }
  return SPIKELOOP_OK;
}

/* Fails with "DR-NAME: what = value exceeds the core's limit limit" when value > limit. */
static int32_t at_most(spikeloop_board *b, const char *rule, const char *what, long long value,
                       long long limit) {
  if (value > limit) {
    return fail(b, SPIKELOOP_ERR_DESIGN_RULE, "%s: %s = %lld exceeds the core's limit %lld", rule,
                what, value, limit);
  }
  return SPIKELOOP_OK;
}

/* The SL-1 design rules, in the order and with the names of Java's DesignRule. */
static int32_t check_design_rules(spikeloop_board *b, int32_t inputs,
                                  const spikeloop_layer_config *layers, int32_t n_layers,
                                  const spikeloop_output_config *output) {
  int32_t rc;
  char what[96];
  long long neurons = output->size;
  int32_t last = layers[n_layers - 1].size;
  if ((rc = at_most(b, "DR-INPUTS", "inputs", inputs, SL_REF_MAX_INPUTS)) != SPIKELOOP_OK ||
      (rc = at_most(b, "DR-LAYERS", "hidden layers", n_layers, SL_REF_MAX_LAYERS)) != SPIKELOOP_OK) {
    return rc;
  }
  for (int l = 0; l < n_layers; l++) {
    snprintf(what, sizeof what, "layer %d neurons", l);
    if ((rc = at_most(b, "DR-NEURONS-PER-LAYER", what, layers[l].size,
                      SL_REF_MAX_NEURONS_PER_LAYER)) != SPIKELOOP_OK) {
      return rc;
    }
    neurons += layers[l].size;
  }
  if ((rc = at_most(b, "DR-NEURONS", "hidden + output neurons", neurons, SL_REF_MAX_NEURONS)) !=
          SPIKELOOP_OK ||
      (rc = at_most(b, "DR-OUTPUTS", "outputs", output->size, SL_REF_MAX_OUTPUTS)) != SPIKELOOP_OK) {
    return rc;
  }
  for (int l = 0; l < n_layers; l++) {
    const spikeloop_layer_config *c = &layers[l];
    if (c->recurrent) {
      snprintf(what, sizeof what, "layer %d fan-in (%d inputs + %d recurrent)", l, c->inputs,
               c->size);
    } else {
      snprintf(what, sizeof what, "layer %d fan-in (%d inputs)", l, c->inputs);
    }
    if ((rc = at_most(b, "DR-FANIN", what, (long long)c->inputs + (c->recurrent ? c->size : 0),
                      SL_REF_MAX_FAN_IN)) != SPIKELOOP_OK) {
      return rc;
    }
  }
  if ((rc = at_most(b, "DR-FANIN", "output fan-in", last, SL_REF_MAX_FAN_IN)) != SPIKELOOP_OK) {
    return rc;
  }
  long long bits = (long long)output->size * last * output->w_bits + (long long)output->size * output->o_bits;
  for (int l = 0; l < n_layers; l++) {
    const spikeloop_layer_config *c = &layers[l];
    snprintf(what, sizeof what, "layer %d wBits", l);
    if ((rc = at_most(b, "DR-WEIGHT-BITS", what, c->w_bits, SL_REF_MAX_WEIGHT_BITS)) != SPIKELOOP_OK) {
      return rc;
    }
    snprintf(what, sizeof what, "layer %d uBits", l);
    if ((rc = at_most(b, "DR-MEMBRANE-BITS", what, c->u_bits, 32)) != SPIKELOOP_OK) {
      return rc;
    }
    bits += (long long)c->size * c->inputs * c->w_bits;
    bits += c->recurrent ? (long long)c->size * c->size * c->w_bits : 0;
    bits += (long long)c->size * c->u_bits; /* the bias */
  }
  if ((rc = at_most(b, "DR-WEIGHT-BITS", "output wBits", output->w_bits, SL_REF_MAX_WEIGHT_BITS)) !=
          SPIKELOOP_OK ||
      (rc = at_most(b, "DR-OUTPUT-BITS", "oBits", output->o_bits, 32)) != SPIKELOOP_OK) {
    return rc;
  }
  return at_most(b, "DR-SYNAPSE-MEMORY", "weight storage bits", bits, SL_REF_SYNAPSE_MEMORY_BITS);
}

int32_t spikeloop_configure(spikeloop_board *board, int32_t inputs,
                            const spikeloop_layer_config *layers, int32_t n_layers,
                            const spikeloop_output_config *output) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (layers == NULL || output == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_configure: layers or output is NULL");
  }
  if (inputs < 1) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "inputs must be >= 1, got %d", inputs);
  }
  if (n_layers < 1) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "a network needs at least one hidden layer, got %d",
                n_layers);
  }
  /* validity of every field first, then the design rules */
  int32_t fed_by = inputs;
  for (int l = 0; l < n_layers; l++) {
    if ((rc = check_layer(board, l, &layers[l], fed_by)) != SPIKELOOP_OK) {
      return rc;
    }
    fed_by = layers[l].size;
  }
  if ((rc = check_output(board, output)) != SPIKELOOP_OK ||
      (rc = check_design_rules(board, inputs, layers, n_layers, output)) != SPIKELOOP_OK) {
    return rc;
  }

  /* accepted: lay out memory, clear everything */
  board->inputs = inputs;
  board->n_layers = n_layers;
  memcpy(board->layers, layers, sizeof(spikeloop_layer_config) * (size_t)n_layers);
  board->output = *output;
  long next = 0;
  int32_t base = 0;
  for (int l = 0; l < n_layers; l++) {
    const spikeloop_layer_config *c = &layers[l];
    board->neuron_base[l] = base;
    base += c->size;
    board->in_base[l] = next;
    next += (long)c->inputs * c->size;
    board->rec_base[l] = c->recurrent ? next : -1;
    next += c->recurrent ? (long)c->size * c->size : 0;
  }
  board->out_base = next;
  next += (long)layers[n_layers - 1].size * output->size;
  board->hidden_total = base;
  memset(board->cells, 0, sizeof(int16_t) * (size_t)next);
  memset(board->bias, 0, sizeof board->bias);
  memset(board->out_bias, 0, sizeof board->out_bias);
  memset(&board->telemetry, 0, sizeof board->telemetry);
  board->configured = 1;
  clear_state(board);
  return SPIKELOOP_OK;
}

/* ---------------------------------------------------------------- weights ---- */

typedef struct tensor_ref {
  int kind;   /* TENSOR_* */
  int layer;  /* hidden layer, or -1 */
  int32_t rows, cols, bits;
} tensor_ref;

enum { TENSOR_IN, TENSOR_REC, TENSOR_BIAS, TENSOR_OUT_W, TENSOR_OUT_BIAS };

/* Parses "layer{l}.in|rec|bias", "out.w", "out.bias" against the configured network. */
static int32_t find_tensor(spikeloop_board *b, const char *name, tensor_ref *t) {
  if (name == NULL) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "tensor name is NULL");
  }
  int last = b->n_layers - 1;
  if (strcmp(name, "out.w") == 0) {
    *t = (tensor_ref){TENSOR_OUT_W, -1, b->output.size, b->layers[last].size, b->output.w_bits};
    return SPIKELOOP_OK;
  }
  if (strcmp(name, "out.bias") == 0) {
    *t = (tensor_ref){TENSOR_OUT_BIAS, -1, b->output.size, 1, b->output.o_bits};
    return SPIKELOOP_OK;
  }
  if (strncmp(name, "layer", 5) == 0 && name[5] >= '0' && name[5] <= '9') {
    const char *p = name + 5;
    int l = 0;
    while (*p >= '0' && *p <= '9' && l < 1000) {
      l = l * 10 + (*p++ - '0');
    }
    if (*p == '.' && l < b->n_layers) {
      const spikeloop_layer_config *c = &b->layers[l];
      if (strcmp(p, ".in") == 0) {
        *t = (tensor_ref){TENSOR_IN, l, c->size, c->inputs, c->w_bits};
        return SPIKELOOP_OK;
      }
      if (strcmp(p, ".rec") == 0 && c->recurrent) {
        *t = (tensor_ref){TENSOR_REC, l, c->size, c->size, c->w_bits};
        return SPIKELOOP_OK;
      }
      if (strcmp(p, ".bias") == 0) {
        *t = (tensor_ref){TENSOR_BIAS, l, c->size, 1, c->u_bits};
        return SPIKELOOP_OK;
      }
    }
  }
  return fail(b, SPIKELOOP_ERR_ARGUMENT,
              "no weight tensor '%.64s' in this network (%d hidden layers; names are layer{l}.in, "
              "layer{l}.rec for recurrent layers, layer{l}.bias, out.w, out.bias)",
              name, b->n_layers);
}

/* Where element [post][pre] of a matrix tensor lives in the transposed cell store. */
static int16_t *matrix_cells(spikeloop_board *b, const tensor_ref *t) {
  switch (t->kind) {
    case TENSOR_IN:
      return &b->cells[b->in_base[t->layer]];
    case TENSOR_REC:
      return &b->cells[b->rec_base[t->layer]];
    default:
      return &b->cells[b->out_base];
  }
}

static int32_t tensor_call(spikeloop_board *b, const char *name, const void *values, int32_t count,
                           tensor_ref *t) {
  int32_t rc = check_board(b, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if ((rc = find_tensor(b, name, t)) != SPIKELOOP_OK) {
    return rc;
  }
  if (values == NULL) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "tensor %s: values is NULL", name);
  }
  if ((long long)count != (long long)t->rows * t->cols) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "tensor %s needs %dx%d = %lld values, got %d", name,
                t->rows, t->cols, (long long)t->rows * t->cols, count);
  }
  return SPIKELOOP_OK;
}

int32_t spikeloop_write_weights(spikeloop_board *board, const char *tensor, const int32_t *values,
                                int32_t count) {
  tensor_ref t;
  int32_t rc = tensor_call(board, tensor, values, count, &t);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  for (int32_t i = 0; i < count; i++) {
    if (!fits(values[i], t.bits)) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "tensor %s value %d at [%d][%d] does not fit %d signed bits [%lld, %lld]",
                  tensor, values[i], i / t.cols, i % t.cols, t.bits, (long long)min_signed(t.bits),
                  (long long)max_signed(t.bits));
    }
  }
  if (t.kind == TENSOR_BIAS) {
    memcpy(&board->bias[board->neuron_base[t.layer]], values, sizeof(int32_t) * (size_t)count);
  } else if (t.kind == TENSOR_OUT_BIAS) {
    memcpy(board->out_bias, values, sizeof(int32_t) * (size_t)count);
  } else {
    int16_t *m = matrix_cells(board, &t);
    for (int32_t post = 0; post < t.rows; post++) {
      for (int32_t pre = 0; pre < t.cols; pre++) {
        m[(long)pre * t.rows + post] = (int16_t)values[(long)post * t.cols + pre];
      }
    }
  }
  return SPIKELOOP_OK;
}

int32_t spikeloop_read_weights(spikeloop_board *board, const char *tensor, int32_t *values,
                               int32_t count) {
  tensor_ref t;
  int32_t rc = tensor_call(board, tensor, values, count, &t);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (t.kind == TENSOR_BIAS) {
    memcpy(values, &board->bias[board->neuron_base[t.layer]], sizeof(int32_t) * (size_t)count);
  } else if (t.kind == TENSOR_OUT_BIAS) {
    memcpy(values, board->out_bias, sizeof(int32_t) * (size_t)count);
  } else {
    const int16_t *m = matrix_cells(board, &t);
    for (int32_t post = 0; post < t.rows; post++) {
      for (int32_t pre = 0; pre < t.cols; pre++) {
        values[(long)post * t.cols + pre] = m[(long)pre * t.rows + post];
      }
    }
  }
  return SPIKELOOP_OK;
}

/* ---------------------------------------------------------------- the forward pass ---- */

/* acc[0..n) += row[0..n): one SOP per element; the loop vectorises. */
static void add_row(int32_t *restrict acc, const int16_t *restrict row, int32_t n) {
  for (int32_t j = 0; j < n; j++) {
    acc[j] += row[j];
  }
}

/* One time step of core-semantics.md; x holds nx valid, ascending input ids. Returns its SOPs. */
static int64_t forward_step(spikeloop_board *b, const int32_t *x, int32_t nx) {
  spikeloop_telemetry *tm = &b->telemetry;
  int64_t sops = 0;
  const int32_t *pre = x; /* spikes feeding the current layer in this step */
  int32_t n_pre = nx;
  for (int l = 0; l < b->n_layers; l++) {
    const spikeloop_layer_config *c = &b->layers[l];
    const int32_t n = c->size;
    const int32_t nb = b->neuron_base[l];
    int32_t *acc = b->acc;
    memset(acc, 0, sizeof(int32_t) * (size_t)n);
    const int16_t *w_in = &b->cells[b->in_base[l]];
    for (int32_t e = 0; e < n_pre; e++) {
      add_row(acc, &w_in[(long)pre[e] * n], n);
    }
    sops += (int64_t)n_pre * n;
    int32_t *ids = &b->spike_ids[nb]; /* z_prev of this layer as ids; overwritten below */
    if (c->recurrent) {
      const int16_t *w_rec = &b->cells[b->rec_base[l]];
      for (int32_t e = 0; e < b->spike_count[l]; e++) {
        add_row(acc, &w_rec[(long)ids[e] * n], n);
      }
      sops += (int64_t)b->spike_count[l] * n;
    }
    int32_t *u = &b->u[nb];
    uint8_t *z = &b->z[nb];
    const int32_t *bias = &b->bias[nb];
    int32_t fired = 0;
    for (int32_t j = 0; j < n; j++) {
      int64_t current = scale(acc[j], c->w_exp) + bias[j];
      int64_t v = (int64_t)u[j] - (z[j] ? c->theta : 0);
      u[j] = sat_counted(decay(v, c->alpha) + current, c->u_bits, &tm->saturations);
      z[j] = u[j] >= c->theta;
      if (z[j]) {
        ids[fired++] = j;
      }
    }
    b->spike_count[l] = fired;
    tm->neuron_updates += n;
    tm->hidden_spikes += fired;
    pre = ids;
    n_pre = fired;
  }
  const spikeloop_output_config *oc = &b->output;
  const int32_t k = oc->size;
  int32_t *acc = b->acc;
  memset(acc, 0, sizeof(int32_t) * (size_t)k);
  const int16_t *w_out = &b->cells[b->out_base];
  for (int32_t e = 0; e < n_pre; e++) {
    add_row(acc, &w_out[(long)pre[e] * k], k);
  }
  sops += (int64_t)n_pre * k;
  for (int32_t j = 0; j < k; j++) {
    int64_t o = decay(b->o[j], oc->kappa) + scale(acc[j], oc->w_exp) + b->out_bias[j];
    b->o[j] = sat_counted(o, oc->o_bits, &tm->saturations);
  }
  tm->neuron_updates += k;
  tm->sops += sops;
  tm->steps++;
  b->step++;
  return sops;
}

int32_t spikeloop_run(spikeloop_board *board, int32_t n_steps, const int32_t *axons,
                      const int32_t *step_offsets, int32_t readout, int64_t *first_step,
                      int32_t *outputs, int64_t *sops, int32_t *spike_ids, int32_t spike_capacity,
                      int32_t *spike_offsets, int32_t *membranes) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  const int32_t h = board->hidden_total;
  const int32_t n_layers = board->n_layers;
  const int32_t k = board->output.size;
  if (n_steps < 1) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "n_steps must be >= 1, got %d", n_steps);
  }
  if (readout < SPIKELOOP_READOUT_OUTPUTS || readout > SPIKELOOP_READOUT_FULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "readout must be 0 (outputs), 1 (spikes) or 2 (full), got %d",
                readout);
  }
  if (step_offsets == NULL || first_step == NULL || outputs == NULL || sops == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "spikeloop_run: step_offsets, first_step, outputs and sops must not be NULL");
  }
  if (readout >= SPIKELOOP_READOUT_SPIKES) {
    if (spike_ids == NULL || spike_offsets == NULL) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "spike readout needs spike_ids and spike_offsets");
    }
    if ((long long)spike_capacity < (long long)n_steps * h) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "spike_capacity %d is below n_steps x hidden neurons = %lld", spike_capacity,
                  (long long)n_steps * h);
    }
  }
  if (readout == SPIKELOOP_READOUT_FULL && membranes == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "full readout needs a membranes buffer");
  }
  /* every input of every step is checked before the first step runs */
  if (step_offsets[0] != 0) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "step_offsets[0] must be 0, got %d", step_offsets[0]);
  }
  for (int32_t t = 0; t < n_steps; t++) {
    int32_t from = step_offsets[t];
    int32_t to = step_offsets[t + 1];
    if (to < from) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "step_offsets decrease at step %d: %d then %d", t,
                  from, to);
    }
    if (to > from && axons == NULL) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "step %d has %d input spikes but axons is NULL", t,
                  to - from);
    }
    for (int32_t i = from; i < to; i++) {
      int32_t id = axons[i];
      if (id < 0 || id >= board->inputs) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT,
                    "step %d: input axon id %d out of range [0, %d)", t, id, board->inputs);
      }
      if (i > from && id <= axons[i - 1]) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT,
                    "step %d: input axon ids must be strictly ascending, got %d then %d", t,
                    axons[i - 1], id);
      }
    }
  }

  *first_step = board->step;
  int32_t n_spikes = 0;
  if (readout >= SPIKELOOP_READOUT_SPIKES) {
    spike_offsets[0] = 0;
  }
  for (int32_t t = 0; t < n_steps; t++) {
    int32_t from = step_offsets[t];
    sops[t] = forward_step(board, axons == NULL ? NULL : &axons[from], step_offsets[t + 1] - from);
    memcpy(&outputs[(long)t * k], board->o, sizeof(int32_t) * (size_t)k);
    if (readout >= SPIKELOOP_READOUT_SPIKES) {
      for (int l = 0; l < n_layers; l++) {
        int32_t count = board->spike_count[l];
        memcpy(&spike_ids[n_spikes], &board->spike_ids[board->neuron_base[l]],
               sizeof(int32_t) * (size_t)count);
        n_spikes += count;
        spike_offsets[(long)t * n_layers + l + 1] = n_spikes;
      }
    }
    if (readout == SPIKELOOP_READOUT_FULL) {
      memcpy(&membranes[(long)t * h], board->u, sizeof(int32_t) * (size_t)h);
    }
  }
  return SPIKELOOP_OK;
}

/* ---------------------------------------------------------------- state ---- */

int32_t spikeloop_read_state(spikeloop_board *board, int64_t *step, int32_t *membranes,
                             uint8_t *last_spikes, int32_t *outputs,
                             spikeloop_telemetry *telemetry) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (step == NULL || membranes == NULL || last_spikes == NULL || outputs == NULL ||
      telemetry == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_read_state: a buffer is NULL");
  }
  *step = board->step;
  memcpy(membranes, board->u, sizeof(int32_t) * (size_t)board->hidden_total);
  memcpy(last_spikes, board->z, (size_t)board->hidden_total);
  memcpy(outputs, board->o, sizeof(int32_t) * (size_t)board->output.size);
  *telemetry = board->telemetry;
  return SPIKELOOP_OK;
}

int32_t spikeloop_restore_state(spikeloop_board *board, int64_t step, const int32_t *membranes,
                                const uint8_t *last_spikes, const int32_t *outputs,
                                const spikeloop_telemetry *telemetry) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (membranes == NULL || last_spikes == NULL || outputs == NULL || telemetry == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_restore_state: a buffer is NULL");
  }
  if (step < 0) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "step must be >= 0, got %lld", (long long)step);
  }
  for (int l = 0; l < board->n_layers; l++) {
    const spikeloop_layer_config *c = &board->layers[l];
    for (int32_t j = 0; j < c->size; j++) {
      int32_t i = board->neuron_base[l] + j;
      if (!fits(membranes[i], c->u_bits)) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT, "layer %d membrane %d = %d does not fit %d bits",
                    l, j, membranes[i], c->u_bits);
      }
      if (last_spikes[i] > 1) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT, "layer %d spike %d = %d is not 0 or 1", l, j,
                    last_spikes[i]);
      }
    }
  }
  for (int32_t j = 0; j < board->output.size; j++) {
    if (!fits(outputs[j], board->output.o_bits)) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "output %d = %d does not fit %d bits", j, outputs[j],
                  board->output.o_bits);
    }
  }
  const spikeloop_telemetry *tm = telemetry;
  if (tm->steps < 0 || tm->sops < 0 || tm->cycles < 0 || tm->neuron_updates < 0 ||
      tm->hidden_spikes < 0 || tm->saturations < 0 || tm->fifo_overflows < 0 ||
      tm->deadline_misses < 0 || tm->learning_updates < 0 || !(tm->energy_joules >= 0.0)) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "telemetry counters must not be negative");
  }
  board->step = step;
  memcpy(board->u, membranes, sizeof(int32_t) * (size_t)board->hidden_total);
  memcpy(board->z, last_spikes, (size_t)board->hidden_total);
  memcpy(board->o, outputs, sizeof(int32_t) * (size_t)board->output.size);
  board->telemetry = *telemetry;
  for (int l = 0; l < board->n_layers; l++) { /* rebuild the spike lists from the 0/1 flags */
    int32_t nb = board->neuron_base[l];
    int32_t count = 0;
    for (int32_t j = 0; j < board->layers[l].size; j++) {
      if (board->z[nb + j]) {
        board->spike_ids[nb + count++] = j;
      }
    }
    board->spike_count[l] = count;
  }
  return SPIKELOOP_OK;
}

int32_t spikeloop_read_telemetry(spikeloop_board *board, spikeloop_telemetry *out) {
  int32_t rc = check_board(board, 0); /* zero before configure */
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (out == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_read_telemetry: out is NULL");
  }
  *out = board->telemetry;
  return SPIKELOOP_OK;
}
