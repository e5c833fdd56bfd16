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
 * and sets the last-error text. The on-chip learning engine (docs/core-spec.md section 9) is
 * bit for bit Java's io.spikeloop.sim.engine.LearningEngine, with the quantized Adam of
 * spikeloop_qadam.c. A chip instance (ABI version 4, docs/core-spec.md section 10) makes the
 * core an imperfect chip, bit for bit Java's Sl1Core with the same ChipInstance.
 */
#include "spikeloop_driver.h"
#include "spikeloop_qadam.h"
#include "spikeloop_ref_learning.h"

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
#ifndef SL_REF_MAX_LEARNED
#define SL_REF_MAX_LEARNED (1L << 20) /* parameters the learning engine can update (all tensors) */
#endif
#define SL_REF_MAX_SURROGATE 1024
/* Weights sit unpacked in 16-bit cells (one add per SOP, no unpacking); enough cells for the
 * narrowest weights (2 bits) to fill the synapse memory, so the bit budget is the only limit.
 * Untouched cells cost no RAM on a host OS (zero pages). */
#define SL_REF_SYNAPSE_CELLS (SL_REF_SYNAPSE_MEMORY_BITS / 2)
#ifndef SL_REF_SAMPLE_STORE_BYTES
#define SL_REF_SAMPLE_STORE_BYTES 65536 /* record bytes of the sample store (ABI version 6) */
#endif
#ifndef SL_REF_SAMPLE_SLOTS
#define SL_REF_SAMPLE_SLOTS 256 /* samples the store holds at most */
#endif
#define SL_REF_ERROR_LEN 256
#define SL_REF_VERSION "sl1-ref 1.1.0"

/* Accumulators are int32: a neuron sums at most MAX_FAN_IN weights of at most 2^15 magnitude. */
_Static_assert((long long)SL_REF_MAX_FAN_IN * 32768LL < 2147483647LL,
               "int32 accumulators would overflow at this fan-in");
_Static_assert(SL_REF_MAX_OUTPUTS <= SL_REF_MAX_NEURONS, "outputs are neurons too");
/* rshift_round relies on >> of a negative int64 being arithmetic (C11: implementation-defined;
 * gcc and clang define it so). */
_Static_assert((-5LL >> 1) == -3LL, "arithmetic right shift required");

/* One learned tensor: where its masters, learned values, gradient and Adam codes sit in the
 * engine's pools, and how it maps to the core. */
typedef struct learned_tensor {
  int kind;          /* TENSOR_* */
  int32_t rows, cols;
  int32_t shift;     /* core value = learned value * 2^shift (biases); 0 for weights */
  long offset;       /* first element in master/learned/grad */
  long code_offset;  /* first byte in the code pools */
  long block_offset; /* first block in the scale pools */
  slq_config adam;
  slq_state state;
  /* lazy / catch-up weight matrix (docs/core-spec.md 9.7): masters, learned values, gradient and
   * Adam state presynaptic-unit-major, element pre * rows + post (the cell store's order) */
  int pre_major;
} learned_tensor;

/* The on-chip learning engine of one core (docs/core-spec.md section 9). */
typedef struct learning_engine {
  int enabled;
  int32_t n_learned;
  learned_tensor tensors[5]; /* in the network's tensor order */
  int32_t output_frac_bits;
  int32_t surrogate_shift;
  int32_t surrogate_len;
  int32_t surrogate[SL_REF_MAX_SURROGATE];
  int64_t parameters; /* updates per learning step */
  int32_t master[SL_REF_MAX_LEARNED];
  int32_t learned[SL_REF_MAX_LEARNED]; /* shiftRound(master, F): the learned value */
  int32_t grad[SL_REF_MAX_LEARNED];
  uint8_t m_codes[SL_REF_MAX_LEARNED];
  uint8_t r_codes[SL_REF_MAX_LEARNED];
  int8_t m_scales[SL_REF_MAX_LEARNED];
  int8_t r_scales[SL_REF_MAX_LEARNED];
  int64_t adam_scratch[2 * SLQ_MAX_BLOCK];
  /* Adam schedule of the weight matrices (SLQ_DENSE, or the event-driven SLQ_LAZY / SLQ_CATCH_UP
   * of docs/core-spec.md 9.7), chosen by spikeloop_ref_set_learning_schedule before enabling */
  int32_t schedule;
  int32_t block_steps[SL_REF_MAX_LEARNED]; /* catch-up: per block, t after it last stepped */
  int32_t listed[SL_REF_MAX_LEARNED];      /* event-driven: the blocks one tensor steps */
  /* per-step scratch */
  int32_t e[SL_REF_MAX_OUTPUTS]; /* output error, Q0.15 */
  int32_t p[SL_REF_MAX_OUTPUTS]; /* exp values, Q0.15 */
  int64_t delta[SL_REF_MAX_NEURONS_PER_LAYER];
  int32_t delta_q[SL_REF_MAX_NEURONS_PER_LAYER];
  int32_t z_prev[SL_REF_MAX_NEURONS_PER_LAYER];
  int32_t z_prev_count;
  /* e-prop (docs/learning-engine.md section 11; rule SPIKELOOP_RULE_EPROP) */
  int32_t rule;
  int32_t trace_shift;
  int16_t ebar[SL_REF_MAX_LEARNED];                  /* eligibility traces, at each tensor's offset */
  int32_t in_trace[SL_REF_MAX_INPUTS];               /* presynaptic traces, Q16.14 */
  int32_t rec_trace[SL_REF_MAX_NEURONS_PER_LAYER];
  int32_t bias_trace;
  int32_t out_trace[SL_REF_MAX_NEURONS_PER_LAYER];   /* kappa-filtered hidden spikes, Q16.14 */
  int32_t out_bias_trace;
  int64_t signal[SL_REF_MAX_NEURONS_PER_LAYER];      /* L_j = sum_k W_out[k][j] e_k */
  int32_t psi[SL_REF_MAX_NEURONS_PER_LAYER];         /* surrogate entry of neuron j */
} learning_engine;

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

  learning_engine learning;

  /* chip instance (docs/core-spec.md section 10); the fixed pattern is drawn at configure and
   * by spikeloop_set_chip_instance; a perfect chip runs the exact loops and uses none of it */
  spikeloop_chip_instance chip;
  int chip_perfect;
  int32_t theta_of[SL_REF_MAX_NEURONS];  /* per hidden neuron, [1, 2^(u_bits-1) - 1] */
  int32_t alpha_of[SL_REF_MAX_NEURONS];  /* per hidden neuron, Q0.12 in [0, 4096] */
  int64_t gain_of[SL_REF_MAX_NEURONS];   /* per hidden neuron, Q16 (65536 = 1) on the synaptic sum */
  int64_t out_gain_of[SL_REF_MAX_OUTPUTS];   /* Q16 */
  int64_t out_offset_of[SL_REF_MAX_OUTPUTS]; /* added to o every step, like out_bias */
  int32_t kept_axons[SL_REF_MAX_INPUTS];     /* the input events of a step not lost */

  /* sample store (ABI version 6): records packed from the start of `store` in the order they
   * were put, moved down when one is removed; slot_bytes 0 = empty slot */
  uint8_t store[SL_REF_SAMPLE_STORE_BYTES];
  int32_t store_used;
  int32_t slot_offset[SL_REF_SAMPLE_SLOTS];
  int32_t slot_bytes[SL_REF_SAMPLE_SLOTS];
  int32_t replay_axons[SL_REF_MAX_INPUTS]; /* one step of a replayed sample */

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

const char *spikeloop_target(void) { return "sl1"; }

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
      b->learning.enabled = 0;
      b->learning.schedule = SLQ_DENSE;
      b->error[0] = '\0';
      memset(&b->telemetry, 0, sizeof b->telemetry);
      memset(&b->chip, 0, sizeof b->chip); /* a perfect chip until told otherwise */
      b->chip_perfect = 1;
      b->store_used = 0;
      memset(b->slot_bytes, 0, sizeof b->slot_bytes);
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
  board->learning.enabled = 0;
  board->store_used = 0;
  memset(board->slot_bytes, 0, sizeof board->slot_bytes);
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
                      SPIKELOOP_CAP_SNAPSHOT | SPIKELOOP_CAP_WEIGHT_READBACK |
                      SPIKELOOP_CAP_ON_CHIP_LEARNING | SPIKELOOP_CAP_LEARNING_STATE |
                      SPIKELOOP_CAP_CHIP_INSTANCE | SPIKELOOP_CAP_SAMPLE_STORE;
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

/* ---------------------------------------------------------------- chip instance ---- */
/* docs/core-spec.md section 10, bit for bit Java's io.spikeloop.target.sl1.ChipInstance and
 * Sl1Core: every draw is mix64 of a key built from the instance, the kind of draw, the step and
 * the element, so a draw has no generator state to save. All arithmetic: uint64_t for keys
 * (wrapping, as Java's long), int64_t for values (no intermediate exceeds 2^51). */

#define CHIP_THRESHOLD 1
#define CHIP_LEAK 2
#define CHIP_HIDDEN_GAIN 3
#define CHIP_OUTPUT_GAIN 4
#define CHIP_OUTPUT_OFFSET 5
#define CHIP_NOISE 6
#define CHIP_DROP 7
#define CHIP_MAX_SPREAD_Q24 29058991LL /* round(sqrt(3) 2^24): S = 1 */
#define CHIP_MAX_NOISE_Q8 464943848LL  /* round(2^20 sqrt(3) 2^8): N = 2^20 LSBs */
#define CHIP_MAX_DROP_Q32 (1LL << 32)

/* splitmix64's output function of z + 0x9E3779B97F4A7C15. */
static uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Key of stream kind: mix64(mix64(K) + kind). */
static uint64_t chip_stream(const spikeloop_chip_instance *c, uint64_t kind) {
  return mix64(mix64((uint64_t)c->instance) + kind);
}

/* Element (stage s, neuron j): s * 2^32 + j. */
static uint64_t chip_element(int32_t stage, int32_t j) {
  return ((uint64_t)(uint32_t)stage << 32) | (uint32_t)j;
}

/* Centred sum of the four 16-bit fields of h: [-131070, 131070], sd ~ 2^16 / sqrt(3). */
static int64_t centred_sum4(uint64_t h) {
  return (int64_t)(h & 0xFFFF) + (int64_t)((h >> 16) & 0xFFFF) + (int64_t)((h >> 32) & 0xFFFF) +
         (int64_t)(h >> 48) - 131070;
}

/* Q16 factor of mean 1 and sd S: max(0, 2^16 + rshift_round(C(h) spread_q24, 24)). */
static int64_t factor_q16(uint64_t h, int64_t spread_q24) {
  int64_t f = 65536 + rshift_round(centred_sum4(h) * spread_q24, 24);
  return f > 0 ? f : 0;
}

/* Draws the fixed pattern of the instance for the loaded network (configure time). */
static void draw_chip_pattern(spikeloop_board *b) {
  const spikeloop_chip_instance *c = &b->chip;
  const uint64_t theta_key = chip_stream(c, CHIP_THRESHOLD);
  const uint64_t leak_key = chip_stream(c, CHIP_LEAK);
  const uint64_t gain_key = chip_stream(c, CHIP_HIDDEN_GAIN);
  for (int l = 0; l < b->n_layers; l++) {
    const spikeloop_layer_config *lc = &b->layers[l];
    const int64_t u_max = max_signed(lc->u_bits);
    for (int32_t j = 0; j < lc->size; j++) {
      const uint64_t e = chip_element(l, j);
      const int32_t i = b->neuron_base[l] + j;
      int64_t theta = rshift_round(lc->theta * factor_q16(mix64(theta_key + e), c->spread_q24), 16);
      theta = theta > u_max ? u_max : theta;
      b->theta_of[i] = (int32_t)(theta < 1 ? 1 : theta);
      int64_t alpha = rshift_round(lc->alpha * factor_q16(mix64(leak_key + e), c->spread_q24), 16);
      b->alpha_of[i] = (int32_t)(alpha > 4096 ? 4096 : alpha);
      b->gain_of[i] = factor_q16(mix64(gain_key + e), c->spread_q24);
    }
  }
  const spikeloop_output_config *oc = &b->output;
  const uint64_t out_gain_key = chip_stream(c, CHIP_OUTPUT_GAIN);
  const uint64_t offset_key = chip_stream(c, CHIP_OUTPUT_OFFSET);
  for (int32_t k = 0; k < oc->size; k++) {
    const uint64_t e = chip_element(0, k);
    b->out_gain_of[k] = factor_q16(mix64(out_gain_key + e), c->spread_q24);
    /* sd S full-scale output weights 2^(w_bits-1) 2^w_exp, from a Q16 relative deviation */
    int64_t dev_q16 = rshift_round(centred_sum4(mix64(offset_key + e)) * c->spread_q24, 24);
    b->out_offset_of[k] = scale(dev_q16 * ((int64_t)1 << (oc->w_bits - 1)), oc->w_exp - 16);
  }
}

int32_t spikeloop_set_chip_instance(spikeloop_board *board, const spikeloop_chip_instance *chip) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (chip == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_set_chip_instance: chip is NULL");
  }
  if (chip->spread_q24 < 0 || chip->spread_q24 > CHIP_MAX_SPREAD_Q24) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "chip spread_q24 %lld out of range [0, %lld]",
                (long long)chip->spread_q24, CHIP_MAX_SPREAD_Q24);
  }
  if (chip->noise_q8 < 0 || chip->noise_q8 > CHIP_MAX_NOISE_Q8) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "chip noise_q8 %lld out of range [0, %lld]",
                (long long)chip->noise_q8, CHIP_MAX_NOISE_Q8);
  }
  if (chip->drop_q32 < 0 || chip->drop_q32 > CHIP_MAX_DROP_Q32) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "chip drop_q32 %lld out of range [0, %lld]",
                (long long)chip->drop_q32, CHIP_MAX_DROP_Q32);
  }
  board->chip = *chip;
  board->chip_perfect = chip->spread_q24 == 0 && chip->noise_q8 == 0 && chip->drop_q32 == 0;
  if (board->configured && !board->chip_perfect) {
    draw_chip_pattern(board);
  }
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

/* The e-prop traces restart at zero (enable, reset); nothing under tBPTT1. */
static void clear_traces(learning_engine *le) {
  if (le->rule != SPIKELOOP_RULE_EPROP) {
    return;
  }
  memset(le->ebar, 0, sizeof(int16_t) * (size_t)le->parameters); /* the learned elements */
  memset(le->in_trace, 0, sizeof le->in_trace);
  memset(le->rec_trace, 0, sizeof le->rec_trace);
  memset(le->out_trace, 0, sizeof le->out_trace);
  le->bias_trace = 0;
  le->out_bias_trace = 0;
}

int32_t spikeloop_reset(spikeloop_board *board) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  clear_state(board);
  if (board->learning.enabled) { /* e-prop's traces belong to the sample, as the membranes do */
    clear_traces(&board->learning);
  }
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
  board->learning.enabled = 0;
  board->configured = 1;
  clear_state(board);
  if (!board->chip_perfect) {
    draw_chip_pattern(board);
  }
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

static void learning_weights_written(spikeloop_board *b, int kind);

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
  learning_weights_written(board, t.kind); /* learning implies one hidden layer */
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
  /* an imperfect chip keys this step's draws with the step counter since configure */
  const spikeloop_chip_instance *chip = &b->chip;
  const uint64_t step_draw = (uint64_t)tm->steps;
  if (chip->drop_q32 != 0) { /* input events lost before the FIFO */
    const uint64_t key = mix64(chip_stream(chip, CHIP_DROP) + step_draw);
    int32_t kept = 0;
    for (int32_t e = 0; e < nx; e++) {
      b->kept_axons[kept] = x[e];
      kept += (mix64(key + (uint64_t)(uint32_t)x[e]) >> 32) < (uint64_t)chip->drop_q32 ? 0 : 1;
    }
    pre = b->kept_axons;
    n_pre = kept;
  }
  const uint64_t noise_key =
      chip->noise_q8 != 0 ? mix64(chip_stream(chip, CHIP_NOISE) + step_draw) : 0;
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
    if (b->chip_perfect) {
      for (int32_t j = 0; j < n; j++) {
        int64_t current = scale(acc[j], c->w_exp) + bias[j];
        int64_t v = (int64_t)u[j] - (z[j] ? c->theta : 0);
        u[j] = sat_counted(decay(v, c->alpha) + current, c->u_bits, &tm->saturations);
        z[j] = u[j] >= c->theta;
        if (z[j]) {
          ids[fired++] = j;
        }
      }
    } else { /* the neuron's own gain, threshold and leak, plus this step's noise */
      const int32_t *theta = &b->theta_of[nb];
      const int32_t *alpha = &b->alpha_of[nb];
      const int64_t *gain = &b->gain_of[nb];
      for (int32_t j = 0; j < n; j++) {
        int64_t sum = rshift_round((int64_t)acc[j] * gain[j], 16);
        sum = sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : sum;
        int64_t current = scale(sum, c->w_exp) + bias[j];
        int64_t v = (int64_t)u[j] - (z[j] ? theta[j] : 0);
        int64_t noise = chip->noise_q8 == 0 ? 0
            : rshift_round(centred_sum4(mix64(noise_key + chip_element(l, j))) * chip->noise_q8, 24);
        u[j] = sat_counted(decay(v, alpha[j]) + current + noise, c->u_bits, &tm->saturations);
        z[j] = u[j] >= theta[j];
        if (z[j]) {
          ids[fired++] = j;
        }
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
    int64_t o;
    if (b->chip_perfect) {
      o = decay(b->o[j], oc->kappa) + scale(acc[j], oc->w_exp) + b->out_bias[j];
    } else { /* the output's own gain on the sum, and its offset */
      int64_t sum = rshift_round((int64_t)acc[j] * b->out_gain_of[j], 16);
      sum = sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : sum;
      o = decay(b->o[j], oc->kappa) + scale(sum, oc->w_exp) + b->out_bias[j] + b->out_offset_of[j];
    }
    b->o[j] = sat_counted(o, oc->o_bits, &tm->saturations);
  }
  tm->neuron_updates += k;
  tm->sops += sops;
  tm->steps++;
  b->step++;
  return sops;
}

/* ---------------------------------------------------------------- learning engine ---- */
/* docs/core-spec.md section 9, bit for bit Java's LearningEngine: integer softmax error e
 * (Q0.15), delta = (W_out^T e) * S[(|u - theta| + half) >> shift] as int16 with an exponent,
 * outer-product gradients, quantized Adam on master weights, core weights rewritten. */

#define ONE_Q15 (1 << 15)
#define LOG2E_Q12 5909 /* round(log2(e) * 4096) */
#define EXP_CUTOFF 16  /* 2^-x below half a Q0.15 LSB for x >= 16 */

/* round(32768 * 2^(-i/256)), i in [0, 256) (Java LearningEngine.EXP2_Q15) */
static const int32_t EXP2_Q15[256] = {
    32768, 32679, 32591, 32503, 32415, 32327, 32240, 32153, 32066, 31979, 31893, 31806, 31720, 31635, 31549, 31464,
    31379, 31294, 31209, 31125, 31041, 30957, 30873, 30790, 30706, 30623, 30541, 30458, 30376, 30293, 30212, 30130,
    30048, 29967, 29886, 29805, 29725, 29644, 29564, 29484, 29405, 29325, 29246, 29167, 29088, 29009, 28931, 28852,
    28774, 28697, 28619, 28542, 28464, 28388, 28311, 28234, 28158, 28082, 28006, 27930, 27855, 27779, 27704, 27629,
    27554, 27480, 27406, 27332, 27258, 27184, 27110, 27037, 26964, 26891, 26818, 26746, 26674, 26601, 26530, 26458,
    26386, 26315, 26244, 26173, 26102, 26031, 25961, 25891, 25821, 25751, 25681, 25612, 25543, 25474, 25405, 25336,
    25268, 25199, 25131, 25063, 24995, 24928, 24860, 24793, 24726, 24659, 24593, 24526, 24460, 24394, 24328, 24262,
    24196, 24131, 24066, 24001, 23936, 23871, 23806, 23742, 23678, 23614, 23550, 23486, 23423, 23359, 23296, 23233,
    23170, 23108, 23045, 22983, 22921, 22859, 22797, 22735, 22674, 22613, 22552, 22491, 22430, 22369, 22309, 22248,
    22188, 22128, 22068, 22009, 21949, 21890, 21831, 21772, 21713, 21654, 21595, 21537, 21479, 21421, 21363, 21305,
    21247, 21190, 21133, 21076, 21019, 20962, 20905, 20849, 20792, 20736, 20680, 20624, 20568, 20513, 20457, 20402,
    20347, 20292, 20237, 20182, 20127, 20073, 20019, 19965, 19911, 19857, 19803, 19750, 19696, 19643, 19590, 19537,
    19484, 19431, 19379, 19326, 19274, 19222, 19170, 19118, 19066, 19015, 18963, 18912, 18861, 18810, 18759, 18708,
    18658, 18607, 18557, 18507, 18457, 18407, 18357, 18308, 18258, 18209, 18160, 18110, 18061, 18013, 17964, 17915,
    17867, 17819, 17770, 17722, 17674, 17627, 17579, 17531, 17484, 17437, 17390, 17343, 17296, 17249, 17202, 17156,
    17109, 17063, 17017, 16971, 16925, 16879, 16834, 16788, 16743, 16697, 16652, 16607, 16562, 16518, 16473, 16428
};

static int32_t bit_length64(int64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll((uint64_t)x); }

/* LearningFixedPoint.shiftRound for s >= 0 (shift capped at 62) */
static int64_t shift_round_learn(int64_t x, int32_t s) {
  if (s <= 0) {
    return x;
  }
  int32_t c = s < 62 ? s : 62;
  return (x + ((int64_t)1 << (c - 1))) >> c;
}

static int32_t clamp_gradient(int64_t x) {
  return (int32_t)(x < -SLQ_MAX_GRADIENT ? -SLQ_MAX_GRADIENT : (x > SLQ_MAX_GRADIENT ? SLQ_MAX_GRADIENT : x));
}

/* The element [post][pre] of a matrix tensor in the transposed cell store. */
static int16_t *cell_of(spikeloop_board *b, const learned_tensor *lt, long i) {
  tensor_ref t = {lt->kind, 0, lt->rows, lt->cols, 0};
  return &matrix_cells(b, &t)[(i % lt->cols) * lt->rows + i / lt->cols];
}

/* Element i of a learned tensor in core order ([post][pre] for matrices) -> its index in the
 * engine's arrays (pre-major matrices: pre * rows + post). */
static long engine_index(const learned_tensor *lt, long i) {
  return lt->pre_major ? (i % lt->cols) * lt->rows + i / lt->cols : i;
}

/* The core's current value of element i of a learned tensor (single hidden layer). */
static int32_t core_value(spikeloop_board *b, const learned_tensor *lt, long i) {
  switch (lt->kind) {
    case TENSOR_BIAS:
      return b->bias[i];
    case TENSOR_OUT_BIAS:
      return b->out_bias[i];
    default:
      return *cell_of(b, lt, i);
  }
}

/* Masters from the core values: shiftRound(value, shift) clamped to the learned width, << F. */
static void seed_masters(spikeloop_board *b, learned_tensor *lt) {
  learning_engine *le = &b->learning;
  int64_t lo = min_signed(lt->adam.weight_bits);
  int64_t hi = max_signed(lt->adam.weight_bits);
  long n = (long)lt->rows * lt->cols;
  for (long i = 0; i < n; i++) {
    int64_t v = shift_round_learn(core_value(b, lt, i), lt->shift);
    v = v < lo ? lo : (v > hi ? hi : v);
    long at = lt->offset + engine_index(lt, i);
    le->learned[at] = (int32_t)v;
    le->master[at] = (int32_t)(v * ((int64_t)1 << lt->adam.master_frac_bits));
  }
}

/* Writes the learned values of a tensor into the core. */
static void write_learned(spikeloop_board *b, const learned_tensor *lt) {
  const int32_t *w = &b->learning.learned[lt->offset];
  long n = (long)lt->rows * lt->cols;
  if (lt->kind == TENSOR_BIAS || lt->kind == TENSOR_OUT_BIAS) {
    int32_t *core = lt->kind == TENSOR_BIAS ? b->bias : b->out_bias;
    for (long i = 0; i < n; i++) {
      core[i] = w[i] * (1 << lt->shift);
    }
    return;
  }
  tensor_ref t = {lt->kind, 0, lt->rows, lt->cols, 0};
  int16_t *m = matrix_cells(b, &t);
  if (lt->pre_major) { /* the cells are [pre][post] too */
    for (long i = 0; i < n; i++) {
      m[i] = (int16_t)w[i];
    }
    return;
  }
  for (int32_t post = 0; post < lt->rows; post++) {
    const int32_t *row = &w[(long)post * lt->cols];
    for (int32_t pre = 0; pre < lt->cols; pre++) {
      m[(long)pre * lt->rows + post] = (int16_t)row[pre];
    }
  }
}

/* A host write of a learned tensor restarts its masters (LearningEngine.weightsWritten). */
static void learning_weights_written(spikeloop_board *b, int kind) {
  learning_engine *le = &b->learning;
  if (!le->enabled) {
    return;
  }
  for (int32_t i = 0; i < le->n_learned; i++) {
    if (le->tensors[i].kind == kind) {
      seed_masters(b, &le->tensors[i]);
    }
  }
}

int32_t spikeloop_enable_learning(spikeloop_board *board, const spikeloop_learning_config *config,
                                  int32_t n_tensors, const char *const *tensors,
                                  const int32_t *learning_rates, const int32_t *surrogate_table,
                                  int32_t surrogate_len) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (config == NULL || tensors == NULL || learning_rates == NULL || surrogate_table == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "spikeloop_enable_learning: config, tensors, learning_rates and surrogate_table "
                "must not be NULL");
  }
  if (board->n_layers != 1) {
    return fail(board, SPIKELOOP_ERR_DESIGN_RULE,
                "DR-LEARNING: on-chip learning supports one hidden layer (tBPTT1 back-propagates "
                "one layer through W_out); this network has %d", board->n_layers);
  }
  if (n_tensors < 1 || n_tensors > 5) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "learning needs 1..5 learned tensors, got %d",
                n_tensors);
  }
  const spikeloop_learning_config *c = config;
  if (c->output_frac_bits < 0 || c->output_frac_bits > 31 || c->surrogate_shift < 0 ||
      c->surrogate_shift > 31) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "output fraction bits %d and surrogate shift %d must be in [0, 31]",
                c->output_frac_bits, c->surrogate_shift);
  }
  if (c->rule != SPIKELOOP_RULE_TBPTT1 && c->rule != SPIKELOOP_RULE_EPROP) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning rule %d is unknown; known rules: 0 (tbptt1), 1 (eprop)", c->rule);
  }
  if (c->trace_shift < 0 || c->trace_shift > 40 ||
      (c->rule == SPIKELOOP_RULE_TBPTT1 && c->trace_shift != 0)) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "e-prop trace shift %d must be in [0, 40] (and 0 for tbptt1)", c->trace_shift);
  }
  if (c->rule == SPIKELOOP_RULE_EPROP && board->learning.schedule != SLQ_DENSE) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "the e-prop rule runs dense Adam only (every eligibility trace changes at every "
                "step, so the gradient is dense); this engine has the %s schedule",
                board->learning.schedule == SLQ_LAZY ? "lazy" : "catchup");
  }
  if (surrogate_len < 1 || surrogate_len > SL_REF_MAX_SURROGATE) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "surrogate table needs 1..%d entries, got %d",
                SL_REF_MAX_SURROGATE, surrogate_len);
  }
  for (int32_t i = 0; i < surrogate_len; i++) {
    if (surrogate_table[i] < INT16_MIN || surrogate_table[i] > INT16_MAX) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "surrogate table entry %d = %d does not fit int16",
                  i, surrogate_table[i]);
    }
  }
  /* the named tensors must exist, once each, with valid rates */
  tensor_ref named[5];
  for (int32_t i = 0; i < n_tensors; i++) {
    if ((rc = find_tensor(board, tensors[i], &named[i])) != SPIKELOOP_OK) {
      return rc;
    }
    for (int32_t j = 0; j < i; j++) {
      if (named[j].kind == named[i].kind) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT, "tensor %s is listed twice", tensors[i]);
      }
    }
    if (learning_rates[i] < 0 || learning_rates[i] > SLQ_MAX_LR_Q16) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning rate of %s (Q16.16 master LSBs) must be in [0, 2^24], got %d",
                  tensors[i], learning_rates[i]);
    }
  }
  /* lay out the learned tensors in the network's order: in, rec, bias, out.w, out.bias */
  const spikeloop_layer_config *layer = &board->layers[0];
  learned_tensor planned[5];
  int32_t n_planned = 0;
  long offset = 0, code_offset = 0, block_offset = 0;
  int32_t index = 0; /* position in the network's full tensor list: seeds seed + index */
  for (int kind = TENSOR_IN; kind <= TENSOR_OUT_BIAS; kind++) {
    if (kind == TENSOR_REC && !layer->recurrent) {
      continue;
    }
    int32_t me = index++;
    int32_t k = -1;
    for (int32_t i = 0; i < n_tensors; i++) {
      if (named[i].kind == kind) {
        k = i;
      }
    }
    if (k < 0) {
      continue;
    }
    learned_tensor *lt = &planned[n_planned++];
    memset(lt, 0, sizeof *lt);
    lt->kind = kind;
    lt->rows = named[k].rows;
    lt->cols = named[k].cols;
    int32_t bits = named[k].bits;
    if (kind == TENSOR_BIAS) {
      lt->shift = bit_length64(layer->theta) - 12 > 0 ? bit_length64(layer->theta) - 12 : 0;
      bits = layer->u_bits - lt->shift < 16 ? layer->u_bits - lt->shift : 16;
    } else if (kind == TENSOR_OUT_BIAS) {
      lt->shift = c->output_frac_bits - 11 > 0 ? c->output_frac_bits - 11 : 0;
      bits = board->output.o_bits - lt->shift < 16 ? board->output.o_bits - lt->shift : 16;
    }
    if (bits < 2) {
      return fail(board, SPIKELOOP_ERR_DESIGN_RULE,
                  "DR-LEARNING: tensor %s would learn in %d bits (its width %d minus the bias "
                  "shift %d)", tensors[k], bits, named[k].bits, lt->shift);
    }
    lt->pre_major = board->learning.schedule != SLQ_DENSE && kind != TENSOR_BIAS &&
                    kind != TENSOR_OUT_BIAS;
    lt->adam = (slq_config){c->state_bits, c->block_size, c->beta1_q20, c->beta2_q20,
                            learning_rates[k], c->eps_exp, bits, c->master_frac_bits,
                            lt->pre_major ? board->learning.schedule : SLQ_DENSE};
    const char *bad = slq_check_config(&lt->adam);
    if (bad != NULL) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "learning configuration: %s", bad);
    }
    int32_t n = lt->rows * lt->cols;
    lt->offset = offset;
    lt->code_offset = code_offset;
    lt->block_offset = block_offset;
    lt->state.length = n;
    lt->state.rng = (uint64_t)(c->seed + me); /* seeded below, once accepted */
    offset += n;
    code_offset += slq_code_bytes(n, c->state_bits);
    block_offset += slq_blocks(n, c->block_size);
  }
  if (offset > SL_REF_MAX_LEARNED) {
    return fail(board, SPIKELOOP_ERR_DESIGN_RULE,
                "DR-LEARNING: learned parameters = %ld exceeds the core's limit %ld", offset,
                (long)SL_REF_MAX_LEARNED);
  }

  /* accepted */
  learning_engine *le = &board->learning;
  le->n_learned = n_planned;
  le->output_frac_bits = c->output_frac_bits;
  le->surrogate_shift = c->surrogate_shift;
  le->surrogate_len = surrogate_len;
  memcpy(le->surrogate, surrogate_table, sizeof(int32_t) * (size_t)surrogate_len);
  le->parameters = offset;
  le->rule = c->rule;
  le->trace_shift = c->trace_shift;
  clear_traces(le);
  /* the event-driven step writes only the gradient rows of units that spiked and clears its
   * blocks after use, so it needs the rest at 0: a board slot reused after a dense engine (which
   * leaves its last gradient here) would otherwise feed stale values into the listed blocks */
  memset(le->grad, 0, sizeof(int32_t) * (size_t)offset);
  for (int32_t i = 0; i < n_planned; i++) {
    learned_tensor *lt = &le->tensors[i];
    *lt = planned[i];
    lt->state.m_codes = &le->m_codes[lt->code_offset];
    lt->state.r_codes = &le->r_codes[lt->code_offset];
    lt->state.m_scales = &le->m_scales[lt->block_offset];
    lt->state.r_scales = &le->r_scales[lt->block_offset];
    lt->state.block_steps = &le->block_steps[lt->block_offset];
    slq_init(&lt->adam, &lt->state, planned[i].state.rng);
    seed_masters(board, lt);
  }
  le->enabled = 1;
  return SPIKELOOP_OK;
}

int32_t spikeloop_disable_learning(spikeloop_board *board) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  board->learning.enabled = 0;
  return SPIKELOOP_OK;
}

/* e = softmax(o) - onehot(label) in Q0.15, clamped to +-32767. */
static void output_error(spikeloop_board *b, int32_t label) {
  learning_engine *le = &b->learning;
  const int32_t k = b->output.size;
  int64_t max = INT64_MIN;
  for (int32_t j = 0; j < k; j++) {
    max = b->o[j] > max ? b->o[j] : max;
  }
  int32_t shift = le->output_frac_bits + 4; /* y * log2(e) in Q12 -> Q8 */
  int64_t sum = 0;
  for (int32_t j = 0; j < k; j++) {
    int64_t y = max - b->o[j];
    int64_t t = rshift_round(y * LOG2E_Q12, shift);
    int64_t whole = t >> 8;
    int32_t v = whole >= EXP_CUTOFF ? 0 : (int32_t)rshift_round(EXP2_Q15[t & 255], (int32_t)whole);
    le->p[j] = v;
    sum += v;
  }
  for (int32_t j = 0; j < k; j++) {
    int64_t q = ((int64_t)le->p[j] * ONE_Q15 + sum / 2) / sum;
    le->e[j] = clamp_gradient(q - (j == label ? ONE_Q15 : 0));
  }
}

/* delta_j = (sum_k W_out[k][j] e_k) * S[(|u_j - theta| + half) >> shift] as int16; returns the
 * hidden tensors' gradient exponent. */
static int32_t hidden_delta(spikeloop_board *b) {
  learning_engine *le = &b->learning;
  const int32_t n = b->layers[0].size;
  const int32_t k = b->output.size;
  const int16_t *w_out = &b->cells[b->out_base]; /* [N][K] transposed */
  for (int32_t j = 0; j < n; j++) {
    const int16_t *row = &w_out[(long)j * k];
    int64_t d = 0;
    for (int32_t o = 0; o < k; o++) {
      d += (int64_t)row[o] * le->e[o];
    }
    le->delta[j] = d;
  }
  const int32_t sh = le->surrogate_shift;
  const int64_t half = sh > 0 ? (int64_t)1 << (sh - 1) : 0;
  const int64_t theta = b->layers[0].theta;
  int64_t max_abs = 0;
  for (int32_t j = 0; j < n; j++) {
    int64_t distance = b->u[j] - theta;
    distance = distance < 0 ? -distance : distance;
    int64_t index = (distance + half) >> sh;
    int64_t s = index < le->surrogate_len ? le->surrogate[index] : 0;
    le->delta[j] *= s;
    int64_t a = le->delta[j] < 0 ? -le->delta[j] : le->delta[j];
    max_abs = a > max_abs ? a : max_abs;
  }
  int32_t q = bit_length64(max_abs) - 15 > 0 ? bit_length64(max_abs) - 15 : 0;
  for (int32_t j = 0; j < n; j++) {
    le->delta_q[j] = clamp_gradient(shift_round_learn(le->delta[j], q));
  }
  return b->output.w_exp - le->output_frac_bits - 29 + q;
}

/* g[j][ids[s]] = delta_q[j] ([rows][cols] row-major), 0 elsewhere. */
static void outer_gradient(learning_engine *le, int32_t *g, int32_t rows, int32_t cols,
                           const int32_t *ids, int32_t count) {
  memset(g, 0, sizeof(int32_t) * (size_t)rows * (size_t)cols);
  for (int32_t j = 0; j < rows; j++) {
    int32_t d = le->delta_q[j];
    if (d != 0) {
      int32_t *row = &g[(long)j * cols];
      for (int32_t s = 0; s < count; s++) {
        row[ids[s]] = d;
      }
    }
  }
}

/*
 * The event-driven step of a pre-major weight matrix (docs/core-spec.md 9.7, Java
 * LearningEngine.learnLazy): the gradient rows of units ids[0..count) (ascending) get values[0..
 * rows), their blocks are listed (ascending, distinct), stepped, written to the cells and their
 * gradient cleared. Returns the elements of the listed blocks.
 */
static long learn_rows(spikeloop_board *b, learned_tensor *lt, const int32_t *ids, int32_t count,
                       const int32_t *values, int32_t grad_exp) {
  learning_engine *le = &b->learning;
  const int32_t block = lt->adam.block_size;
  const long n = (long)lt->rows * lt->cols;
  int32_t *g = &le->grad[lt->offset];
  int32_t listed = 0;
  for (int32_t s = 0; s < count; s++) {
    long lo = (long)ids[s] * lt->rows;
    memcpy(&g[lo], values, sizeof(int32_t) * (size_t)lt->rows);
    for (int32_t blk = (int32_t)(lo / block); blk <= (lo + lt->rows - 1) / block; blk++) {
      if (listed == 0 || blk > le->listed[listed - 1]) { /* ids ascend: blocks never decrease */
        le->listed[listed++] = blk;
      }
    }
  }
  /* inputs are in range by construction: gradients clamped, masters saturated */
  slq_step_listed(&lt->adam, &lt->state, g, grad_exp, &le->master[lt->offset],
                  &le->learned[lt->offset], le->adam_scratch, le->listed, listed);
  tensor_ref t = {lt->kind, 0, lt->rows, lt->cols, 0};
  int16_t *cells = matrix_cells(b, &t);
  const int32_t *w = &le->learned[lt->offset];
  long visited = 0;
  for (int32_t k = 0; k < listed; k++) {
    long lo = (long)le->listed[k] * block;
    long hi = lo + block < n ? lo + block : n;
    for (long i = lo; i < hi; i++) {
      cells[i] = (int16_t)w[i];
      g[i] = 0;
    }
    visited += hi - lo;
  }
  return visited;
}

/* ------------------------------------------------------------- e-prop (section 11) ---- */

#define TRACE_ONE_LOG2 14          /* a presynaptic or output trace adds 2^14 per spike */
#define TRACE_MAX (1 << 30)        /* and saturates here (never reached with alpha < 1) */

static int32_t trace_add(int64_t decayed, int spike) {
  int64_t v = decayed + (spike ? (1 << TRACE_ONE_LOG2) : 0);
  return (int32_t)(v < TRACE_MAX ? v : TRACE_MAX);
}

static int64_t abs64(int64_t x) { return x < 0 ? -x : x; }

/* L_j = sum_k W_out[k][j] e_k and psi_j = S[(|u_j - theta| + half) >> shift] (0 beyond). */
static void eprop_signal(spikeloop_board *b) {
  learning_engine *le = &b->learning;
  const int32_t n = b->layers[0].size;
  const int32_t k = b->output.size;
  const int16_t *w_out = &b->cells[b->out_base]; /* [N][K] transposed */
  const int32_t sh = le->surrogate_shift;
  const int64_t half = sh > 0 ? (int64_t)1 << (sh - 1) : 0;
  const int64_t theta = b->layers[0].theta;
  for (int32_t j = 0; j < n; j++) {
    const int16_t *row = &w_out[(long)j * k];
    int64_t d = 0;
    for (int32_t o = 0; o < k; o++) {
      d += (int64_t)row[o] * le->e[o];
    }
    le->signal[j] = d;
    int64_t index = (abs64(b->u[j] - theta) + half) >> sh;
    le->psi[j] = index < le->surrogate_len ? le->surrogate[index] : 0;
  }
}

/* Presynaptic traces (alpha: inputs x, recurrent z_prev, bias 1) and output traces (kappa: this
 * step's hidden spikes z, output bias 1): P = min(decay(P, a) + 2^14 [spike], 2^30). */
static void eprop_traces(spikeloop_board *b, const int32_t *x, int32_t nx) {
  learning_engine *le = &b->learning;
  const int32_t n = b->layers[0].size;
  const int32_t alpha = b->layers[0].alpha;
  const int32_t kappa = b->output.kappa;
  for (int32_t i = 0; i < b->inputs; i++) {
    le->in_trace[i] = (int32_t)decay(le->in_trace[i], alpha);
  }
  for (int32_t s = 0; s < nx; s++) {
    le->in_trace[x[s]] = trace_add(le->in_trace[x[s]], 1);
  }
  if (b->layers[0].recurrent) {
    for (int32_t i = 0; i < n; i++) {
      le->rec_trace[i] = (int32_t)decay(le->rec_trace[i], alpha);
    }
    for (int32_t s = 0; s < le->z_prev_count; s++) {
      le->rec_trace[le->z_prev[s]] = trace_add(le->rec_trace[le->z_prev[s]], 1);
    }
  }
  le->bias_trace = trace_add(decay(le->bias_trace, alpha), 1);
  for (int32_t j = 0; j < n; j++) {
    le->out_trace[j] = (int32_t)decay(le->out_trace[j], kappa);
  }
  const int32_t *z = b->spike_ids; /* layer 0's spikes of this step */
  for (int32_t s = 0; s < b->spike_count[0]; s++) {
    le->out_trace[z[s]] = trace_add(le->out_trace[z[s]], 1);
  }
  le->out_bias_trace = trace_add(decay(le->out_bias_trace, kappa), 1);
}

/* ebar_ji = sat16(decay(ebar_ji, kappa) + rshift_round(psi_j P_i, trace_shift)) over [N][cols],
 * then g_ji = clamp(shift_round(L_j ebar_ji, s)), s bringing max |L_j ebar_ji| below 2^15.
 * Returns s. */
static int32_t eprop_eligibility(spikeloop_board *b, const learned_tensor *lt, const int32_t *pre,
                                 int32_t cols) {
  learning_engine *le = &b->learning;
  const int32_t n = b->layers[0].size;
  const int32_t kappa = b->output.kappa;
  int16_t *eb = &le->ebar[lt->offset];
  int32_t *g = &le->grad[lt->offset];
  int64_t max_abs = 0;
  for (int32_t j = 0; j < n; j++) {
    const int64_t p = le->psi[j];
    const int64_t l = le->signal[j];
    int16_t *row = &eb[(long)j * cols];
    for (int32_t i = 0; i < cols; i++) {
      int64_t v = decay(row[i], kappa) + rshift_round(p * pre[i], le->trace_shift);
      v = v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v;
      row[i] = (int16_t)v;
      int64_t a = abs64(l * v);
      max_abs = a > max_abs ? a : max_abs;
    }
  }
  int32_t sh = bit_length64(max_abs) - 15 > 0 ? bit_length64(max_abs) - 15 : 0;
  for (int32_t j = 0; j < n; j++) {
    const int64_t l = le->signal[j];
    const int16_t *row = &eb[(long)j * cols];
    int32_t *grow = &g[(long)j * cols];
    for (int32_t i = 0; i < cols; i++) {
      grow[i] = clamp_gradient(shift_round_learn(l * row[i], sh));
    }
  }
  return sh;
}

/* g_kj = clamp(shift_round(e_k T_j, s)) over [K][cols]; returns s. */
static int32_t eprop_output(learning_engine *le, int32_t *g, int32_t k, const int32_t *trace,
                            int32_t cols) {
  int64_t max_abs = 0;
  for (int32_t o = 0; o < k; o++) {
    for (int32_t j = 0; j < cols; j++) {
      int64_t a = abs64((int64_t)le->e[o] * trace[j]);
      max_abs = a > max_abs ? a : max_abs;
    }
  }
  int32_t sh = bit_length64(max_abs) - 15 > 0 ? bit_length64(max_abs) - 15 : 0;
  for (int32_t o = 0; o < k; o++) {
    for (int32_t j = 0; j < cols; j++) {
      g[(long)o * cols + j] = clamp_gradient(shift_round_learn((int64_t)le->e[o] * trace[j], sh));
    }
  }
  return sh;
}

/* One e-prop learning step (Java LearningEngine.learnEprop). */
static void learn_step_eprop(spikeloop_board *b, const int32_t *x, int32_t nx, int32_t label) {
  learning_engine *le = &b->learning;
  const int32_t n = b->layers[0].size;
  const int32_t k = b->output.size;
  output_error(b, label);
  eprop_signal(b);
  eprop_traces(b, x, nx);
  const int32_t signal_exp = b->output.w_exp - le->output_frac_bits - 15;
  const int32_t trace_exp = le->trace_shift - 2 * TRACE_ONE_LOG2;
  int64_t visited = 0;
  for (int32_t i = 0; i < le->n_learned; i++) {
    learned_tensor *lt = &le->tensors[i];
    int32_t *g = &le->grad[lt->offset];
    int32_t grad_exp;
    switch (lt->kind) {
      case TENSOR_IN:
        grad_exp = signal_exp + trace_exp + eprop_eligibility(b, lt, le->in_trace, b->inputs);
        break;
      case TENSOR_REC:
        grad_exp = signal_exp + trace_exp + eprop_eligibility(b, lt, le->rec_trace, n);
        break;
      case TENSOR_BIAS:
        grad_exp = signal_exp + trace_exp + eprop_eligibility(b, lt, &le->bias_trace, 1);
        break;
      case TENSOR_OUT_W:
        grad_exp = -15 - TRACE_ONE_LOG2 + eprop_output(le, g, k, le->out_trace, n);
        break;
      default: /* TENSOR_OUT_BIAS */
        grad_exp = -15 - TRACE_ONE_LOG2 + eprop_output(le, g, k, &le->out_bias_trace, 1);
        break;
    }
    slq_step(&lt->adam, &lt->state, g, grad_exp, &le->master[lt->offset],
             &le->learned[lt->offset], le->adam_scratch);
    write_learned(b, lt);
    visited += (int64_t)lt->rows * lt->cols;
  }
  b->telemetry.learning_updates += visited;
}

/* One learning step after the forward step that saw x[0..nx), target label in [0, K). */
static void learn_step(spikeloop_board *b, const int32_t *x, int32_t nx, int32_t label) {
  learning_engine *le = &b->learning;
  const int32_t n = b->layers[0].size;
  const int32_t k = b->output.size;
  if (le->rule == SPIKELOOP_RULE_EPROP) {
    learn_step_eprop(b, x, nx, label);
    return;
  }
  output_error(b, label);
  int32_t hidden_exp = hidden_delta(b);
  const int32_t *z = b->spike_ids; /* layer 0's spikes of this step */
  const int32_t z_count = b->spike_count[0];
  int64_t visited = 0;
  for (int32_t i = 0; i < le->n_learned; i++) {
    learned_tensor *lt = &le->tensors[i];
    int32_t *g = &le->grad[lt->offset];
    int32_t grad_exp = hidden_exp;
    if (lt->pre_major) {
      switch (lt->kind) {
        case TENSOR_IN:
          visited += learn_rows(b, lt, x, nx, le->delta_q, hidden_exp);
          break;
        case TENSOR_REC:
          visited += learn_rows(b, lt, le->z_prev, le->z_prev_count, le->delta_q, hidden_exp);
          break;
        default: /* TENSOR_OUT_W */
          visited += learn_rows(b, lt, z, z_count, le->e, -15);
          break;
      }
      continue;
    }
    switch (lt->kind) {
      case TENSOR_OUT_W:
        memset(g, 0, sizeof(int32_t) * (size_t)k * (size_t)n);
        for (int32_t o = 0; o < k; o++) {
          for (int32_t s = 0; s < z_count; s++) {
            g[(long)o * n + z[s]] = le->e[o];
          }
        }
        grad_exp = -15;
        break;
      case TENSOR_OUT_BIAS:
        memcpy(g, le->e, sizeof(int32_t) * (size_t)k);
        grad_exp = -15;
        break;
      case TENSOR_IN:
        outer_gradient(le, g, n, b->inputs, x, nx);
        break;
      case TENSOR_REC:
        outer_gradient(le, g, n, n, le->z_prev, le->z_prev_count);
        break;
      default: /* TENSOR_BIAS */
        memcpy(g, le->delta_q, sizeof(int32_t) * (size_t)n);
        break;
    }
    /* inputs are in range by construction: gradients clamped, masters saturated */
    slq_step(&lt->adam, &lt->state, g, grad_exp, &le->master[lt->offset],
             &le->learned[lt->offset], le->adam_scratch);
    write_learned(b, lt);
    visited += (int64_t)lt->rows * lt->cols;
  }
  b->telemetry.learning_updates += visited;
}

int32_t spikeloop_ref_set_learning_schedule(spikeloop_board *board, int32_t schedule) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (schedule != SLQ_DENSE && schedule != SLQ_LAZY && schedule != SLQ_CATCH_UP) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning schedule must be 0 (dense), 1 (lazy) or 2 (catch-up), got %d", schedule);
  }
  if (board->learning.enabled) {
    return fail(board, SPIKELOOP_ERR_STATE,
                "the learning schedule is chosen before spikeloop_enable_learning; disable "
                "learning first");
  }
  board->learning.schedule = schedule;
  return SPIKELOOP_OK;
}

/* Step t of a batch: the forward step on x[0..nx), the learning step on `label` when it is >= 0
 * (callers pass -1 unless learning is enabled), and the step's results into the caller's
 * buffers (spikeloop_run's layout; *n_spikes counts the spike ids written so far). */
static void run_step(spikeloop_board *board, int32_t t, const int32_t *x, int32_t nx,
                     int32_t label, int32_t readout, int32_t *outputs, int64_t *sops,
                     int32_t *spike_ids, int32_t *spike_offsets, int32_t *membranes,
                     int32_t *n_spikes) {
  const int32_t h = board->hidden_total;
  const int32_t n_layers = board->n_layers;
  const int32_t k = board->output.size;
  int learn = label >= 0;
  if (learn) { /* z_prev, which the recurrent gradient needs */
    learning_engine *le = &board->learning;
    le->z_prev_count = board->spike_count[0];
    memcpy(le->z_prev, board->spike_ids, sizeof(int32_t) * (size_t)le->z_prev_count);
  }
  sops[t] = forward_step(board, x, nx);
  if (learn) {
    learn_step(board, x, nx, label);
  }
  memcpy(&outputs[(long)t * k], board->o, sizeof(int32_t) * (size_t)k);
  if (readout >= SPIKELOOP_READOUT_SPIKES) {
    for (int l = 0; l < n_layers; l++) {
      int32_t count = board->spike_count[l];
      memcpy(&spike_ids[*n_spikes], &board->spike_ids[board->neuron_base[l]],
             sizeof(int32_t) * (size_t)count);
      *n_spikes += count;
      spike_offsets[(long)t * n_layers + l + 1] = *n_spikes;
    }
  }
  if (readout == SPIKELOOP_READOUT_FULL) {
    memcpy(&membranes[(long)t * h], board->u, sizeof(int32_t) * (size_t)h);
  }
}

/* The result buffers of n_steps steps at `readout`, checked as spikeloop_run checks them. */
static int32_t check_result_buffers(spikeloop_board *board, int32_t n_steps, int32_t readout,
                                    const int64_t *first_step, const int32_t *outputs,
                                    const int64_t *sops, const int32_t *spike_ids,
                                    int32_t spike_capacity, const int32_t *spike_offsets,
                                    const int32_t *membranes) {
  const int32_t h = board->hidden_total;
  if (readout < SPIKELOOP_READOUT_OUTPUTS || readout > SPIKELOOP_READOUT_FULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "readout must be 0 (outputs), 1 (spikes) or 2 (full), got %d",
                readout);
  }
  if (first_step == NULL || outputs == NULL || sops == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "first_step, outputs and sops must not be NULL");
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
  return SPIKELOOP_OK;
}

int32_t spikeloop_run(spikeloop_board *board, int32_t n_steps, const int32_t *axons,
                      const int32_t *step_offsets, const int32_t *labels, int32_t readout,
                      int64_t *first_step,
                      int32_t *outputs, int64_t *sops, int32_t *spike_ids, int32_t spike_capacity,
                      int32_t *spike_offsets, int32_t *membranes) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  const int32_t k = board->output.size;
  if (n_steps < 1) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "n_steps must be >= 1, got %d", n_steps);
  }
  rc = check_result_buffers(board, n_steps, readout, first_step, outputs, sops, spike_ids,
                            spike_capacity, spike_offsets, membranes);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (step_offsets == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_run: step_offsets must not be NULL");
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

  const int learning = board->learning.enabled && labels != NULL;
  if (learning) {
    for (int32_t t = 0; t < n_steps; t++) {
      if (labels[t] < -1 || labels[t] >= k) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT,
                    "step %d: label %d out of range: the network has %d outputs (-1 = no label)",
                    t, labels[t], k);
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
    const int32_t *x = axons == NULL ? NULL : &axons[from];
    run_step(board, t, x, step_offsets[t + 1] - from, learning ? labels[t] : -1, readout,
             outputs, sops, spike_ids, spike_offsets, membranes, &n_spikes);
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

/* ---------------------------------------------------------------- learning state ---- */
/* The spikeloop-learning-state image, version 2 (docs/driver-abi.md "Learning-state image";
 * Java io.spikeloop.target.sl1.LearningState): little-endian, written byte by byte so the image
 * is the same on any host. Version 1 images (a dense engine's: a 44-byte header, no rule,
 * schedule or sections) are still restored. */

#define LS_VERSION 2
#define LS_OLDEST_VERSION 1
#define LS_HEADER_BYTES 56
#define LS_HEADER_BYTES_V1 44
#define LS_NAME_BYTES 16
#define LS_TENSOR_HEADER_BYTES (LS_NAME_BYTES + 13 * 4 + 8)
#define LS_CONFIG_FIELDS 10
#define LS_SECTION_HEADER_BYTES (LS_NAME_BYTES + 4)
#define LS_RULE_TBPTT1 0 /* the image's rule codes are SPIKELOOP_RULE_*'s */
#define LS_RULE_EPROP 1
_Static_assert(LS_RULE_TBPTT1 == SPIKELOOP_RULE_TBPTT1 && LS_RULE_EPROP == SPIKELOOP_RULE_EPROP,
               "the image writes the engine's rule code as it is");
/* the catch-up schedule's section: per learned tensor, i32 blocks (0: the tensor steps densely)
 * and i32 block_steps[blocks] */
#define LS_CATCH_UP_SECTION "catchup.steps"
/* the e-prop rule's section: i32 X[inputs], R[hidden] (recurrent layers only), B, Z[hidden], C,
 * then int16 ebar of every learned hidden-layer tensor in order (docs/driver-abi.md) */
#define LS_EPROP_SECTION "eprop.traces"

static const char *tensor_name(int kind) {
  switch (kind) {
    case TENSOR_IN:
      return "layer0.in";
    case TENSOR_REC:
      return "layer0.rec";
    case TENSOR_BIAS:
      return "layer0.bias";
    case TENSOR_OUT_W:
      return "out.w";
    default:
      return "out.bias";
  }
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib and java.util.zip.CRC32), one
 * table lookup per byte; CRC32_TABLE[n] is the CRC register after shifting n through 8 times. */
static const uint32_t CRC32_TABLE[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu, 0xe963a535u, 0x9e6495a3u,
    0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u, 0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u,
    0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
    0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u,
    0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u, 0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu,
    0x35b5a8fau, 0x42b2986cu, 0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
    0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
    0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u, 0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du,
    0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
    0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du, 0x91646c97u, 0xe6635c01u,
    0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu, 0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u,
    0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
    0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu,
    0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u, 0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
    0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
    0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u, 0xb7bd5c3bu, 0xc0ba6cadu,
    0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au, 0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u,
    0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
    0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u,
    0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu, 0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u,
    0xd6d6a3e8u, 0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u, 0x316e8eefu, 0x4669be79u,
    0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u, 0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu,
    0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
    0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u,
    0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u, 0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u,
    0x86d3d2d4u, 0xf1d4e242u, 0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
    0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
    0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u, 0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu,
    0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
    0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u, 0x54de5729u, 0x23d967bfu,
    0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u, 0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, long n) {
  crc = ~crc;
  for (long i = 0; i < n; i++) {
    crc = CRC32_TABLE[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  }
  return ~crc;
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t surrogate_crc(const learning_engine *le) {
  uint32_t crc = 0;
  for (int32_t i = 0; i < le->surrogate_len; i++) {
    uint8_t b[4];
    put_u32(b, (uint32_t)le->surrogate[i]);
    crc = crc32_update(crc, b, 4);
  }
  return crc;
}

/* The header fields of the image that describe the engine, in image order. */
static void engine_header(const spikeloop_board *b, int32_t out[8]) {
  const learning_engine *le = &b->learning;
  out[0] = b->inputs;
  out[1] = b->layers[0].size;
  out[2] = b->output.size;
  out[3] = le->output_frac_bits;
  out[4] = le->surrogate_shift;
  out[5] = le->surrogate_len;
  out[6] = (int32_t)surrogate_crc(le);
  out[7] = le->n_learned;
}

static void tensor_config(const learned_tensor *lt, int32_t out[LS_CONFIG_FIELDS]) {
  const slq_config *c = &lt->adam;
  int32_t v[LS_CONFIG_FIELDS] = {lt->state.length, c->state_bits, c->block_size, c->beta1_q20,
                                 c->beta2_q20, c->lr_q16, c->eps_exp, c->weight_bits,
                                 c->master_frac_bits, lt->shift};
  memcpy(out, v, sizeof v);
}

static const char *schedule_name(int32_t schedule) {
  return schedule == SLQ_DENSE ? "dense" : schedule == SLQ_LAZY ? "lazy" : "catchup";
}

/* Block step counters tensor lt carries in the catch-up section (0 when it steps densely). */
static long catch_up_blocks(const learned_tensor *lt) {
  return lt->adam.schedule == SLQ_CATCH_UP ? slq_blocks(lt->state.length, lt->adam.block_size)
                                           : 0;
}

/* Payload bytes of the engine's catch-up section; -1 when it has none. */
static long catch_up_section_bytes(const learning_engine *le) {
  if (le->schedule != SLQ_CATCH_UP) {
    return -1;
  }
  long n = 0;
  for (int32_t i = 0; i < le->n_learned; i++) {
    n += 4 + 4 * catch_up_blocks(&le->tensors[i]);
  }
  return n;
}

/* Whether tensor lt keeps e-prop eligibility traces (the hidden layer's tensors). */
static int traced(const learned_tensor *lt) {
  return lt->kind == TENSOR_IN || lt->kind == TENSOR_REC || lt->kind == TENSOR_BIAS;
}

/* Recurrent traces the e-prop section holds: the hidden layer's size when it is recurrent. */
static int32_t rec_traces(const spikeloop_board *b) {
  return b->layers[0].recurrent ? b->layers[0].size : 0;
}

/* Payload bytes of the engine's e-prop section (Java LearningEngine.traceBytes); -1 under
 * tBPTT1: i32 X[inputs], R[rec_traces], B, Z[hidden], C, then int16 ebar of every traced
 * learned tensor in order. */
static long eprop_section_bytes(const spikeloop_board *b) {
  const learning_engine *le = &b->learning;
  if (le->rule != SPIKELOOP_RULE_EPROP) {
    return -1;
  }
  long n = 4L * (b->inputs + rec_traces(b) + 1 + b->layers[0].size + 1);
  for (int32_t i = 0; i < le->n_learned; i++) {
    if (traced(&le->tensors[i])) {
      n += 2L * le->tensors[i].state.length;
    }
  }
  return n;
}

/* The one section the engine keeps beyond its tensors, its name and payload bytes; -1 when it
 * keeps none. Catch-up's counters and e-prop's traces exclude each other (e-prop runs dense). */
static long engine_section(const spikeloop_board *b, const char **name) {
  long n = catch_up_section_bytes(&b->learning);
  if (n >= 0) {
    *name = LS_CATCH_UP_SECTION;
    return n;
  }
  *name = LS_EPROP_SECTION;
  return eprop_section_bytes(b);
}

/* Bytes tensor lt takes in the image. */
static long tensor_image_bytes(const learned_tensor *lt) {
  return LS_TENSOR_HEADER_BYTES + 4L * lt->state.length +
         2L * slq_code_bytes(lt->state.length, lt->adam.state_bits) +
         2L * slq_blocks(lt->state.length, lt->adam.block_size);
}

/* The engine's image in `version` (a version 1 image: only for a dense tBPTT1 engine). */
static long image_bytes_of(const spikeloop_board *b, uint32_t version) {
  const learning_engine *le = &b->learning;
  long n = (version == LS_VERSION ? LS_HEADER_BYTES : LS_HEADER_BYTES_V1) + 4;
  for (int32_t i = 0; i < le->n_learned; i++) {
    n += tensor_image_bytes(&le->tensors[i]);
  }
  const char *name;
  long section = engine_section(b, &name);
  if (version == LS_VERSION && section >= 0) {
    n += LS_SECTION_HEADER_BYTES + section;
  }
  return n;
}

static long image_bytes(const spikeloop_board *b) {
  return image_bytes_of(b, LS_VERSION);
}

static int32_t check_learning(spikeloop_board *board) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (!board->learning.enabled) {
    return fail(board, SPIKELOOP_ERR_STATE,
                "learning is not enabled (call spikeloop_enable_learning first)");
  }
  return SPIKELOOP_OK;
}

int32_t spikeloop_learning_state_size(spikeloop_board *board, int32_t *bytes) {
  int32_t rc = check_learning(board);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (bytes == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_learning_state_size: bytes is NULL");
  }
  *bytes = (int32_t)image_bytes(board);
  return SPIKELOOP_OK;
}

static uint8_t *put_i32s(uint8_t *p, const int32_t *v, long n) {
  for (long i = 0; i < n; i++, p += 4) {
    put_u32(p, (uint32_t)v[i]);
  }
  return p;
}

/* The e-prop section's payload (eprop_section_bytes). */
static uint8_t *put_eprop_traces(const spikeloop_board *b, uint8_t *p) {
  const learning_engine *le = &b->learning;
  p = put_i32s(p, le->in_trace, b->inputs);
  p = put_i32s(p, le->rec_trace, rec_traces(b));
  p = put_i32s(p, &le->bias_trace, 1);
  p = put_i32s(p, le->out_trace, b->layers[0].size);
  p = put_i32s(p, &le->out_bias_trace, 1);
  for (int32_t k = 0; k < le->n_learned; k++) {
    const learned_tensor *lt = &le->tensors[k];
    if (!traced(lt)) {
      continue;
    }
    const int16_t *eb = &le->ebar[lt->offset];
    for (int32_t i = 0; i < lt->state.length; i++, p += 2) {
      uint16_t v = (uint16_t)eb[i];
      p[0] = (uint8_t)v;
      p[1] = (uint8_t)(v >> 8);
    }
  }
  return p;
}

int32_t spikeloop_read_learning_state(spikeloop_board *board, uint8_t *image, int32_t capacity,
                                      int32_t *bytes) {
  int32_t rc = check_learning(board);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (image == NULL || bytes == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_read_learning_state: a buffer is NULL");
  }
  const learning_engine *le = &board->learning;
  long total = image_bytes(board);
  if (capacity < total) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image needs %ld bytes, the buffer has %d", total, capacity);
  }
  uint8_t *p = image;
  memcpy(p, "SLLS", 4);
  put_u32(p + 4, LS_VERSION);
  put_u32(p + 8, (uint32_t)total);
  int32_t header[8];
  engine_header(board, header);
  for (int i = 0; i < 8; i++) {
    put_u32(p + 12 + 4 * i, (uint32_t)header[i]);
  }
  const char *section_name;
  long section = engine_section(board, &section_name);
  put_u32(p + 44, (uint32_t)le->rule); /* SPIKELOOP_RULE_* are the image's rule codes */
  put_u32(p + 48, (uint32_t)le->schedule);
  put_u32(p + 52, section >= 0 ? 1u : 0u);
  p += LS_HEADER_BYTES;
  for (int32_t k = 0; k < le->n_learned; k++) {
    const learned_tensor *lt = &le->tensors[k];
    const slq_state *st = &lt->state;
    memset(p, 0, LS_NAME_BYTES);
    memcpy(p, tensor_name(lt->kind), strlen(tensor_name(lt->kind)));
    p += LS_NAME_BYTES;
    int32_t config[LS_CONFIG_FIELDS];
    tensor_config(lt, config);
    for (int i = 0; i < LS_CONFIG_FIELDS; i++, p += 4) {
      put_u32(p, (uint32_t)config[i]);
    }
    put_u32(p, (uint32_t)st->step);
    put_u32(p + 4, (uint32_t)st->beta1_pow);
    put_u32(p + 8, (uint32_t)st->beta2_pow);
    put_u32(p + 12, (uint32_t)st->rng);
    put_u32(p + 16, (uint32_t)(st->rng >> 32));
    p += 20;
    p = put_i32s(p, &le->master[lt->offset], st->length);
    long cb = slq_code_bytes(st->length, lt->adam.state_bits);
    long blocks = slq_blocks(st->length, lt->adam.block_size);
    memcpy(p, st->m_codes, (size_t)cb);
    p += cb;
    memcpy(p, st->m_scales, (size_t)blocks);
    p += blocks;
    memcpy(p, st->r_codes, (size_t)cb);
    p += cb;
    memcpy(p, st->r_scales, (size_t)blocks);
    p += blocks;
  }
  if (section >= 0) {
    memset(p, 0, LS_NAME_BYTES);
    memcpy(p, section_name, strlen(section_name));
    put_u32(p + LS_NAME_BYTES, (uint32_t)section);
    p += LS_SECTION_HEADER_BYTES;
    if (le->rule == SPIKELOOP_RULE_EPROP) {
      p = put_eprop_traces(board, p);
    } else {
      for (int32_t k = 0; k < le->n_learned; k++) {
        const learned_tensor *lt = &le->tensors[k];
        long n = catch_up_blocks(lt);
        put_u32(p, (uint32_t)n);
        p += 4;
        p = put_i32s(p, lt->state.block_steps, n);
      }
    }
  }
  put_u32(p, crc32_update(0, image, total - 4));
  *bytes = (int32_t)total;
  return SPIKELOOP_OK;
}

/* Checks the e-prop section's int32 traces (each in [0, 2^30]); 0 after setting the error. */
static int check_eprop_traces(spikeloop_board *board, const uint8_t *p) {
  static const char *const names[5] = {"X", "R", "B", "Z", "C"};
  const int32_t counts[5] = {board->inputs, rec_traces(board), 1, board->layers[0].size, 1};
  for (int t = 0; t < 5; t++) {
    for (int32_t i = 0; i < counts[t]; i++, p += 4) {
      int32_t v = (int32_t)get_u32(p);
      if (v < 0 || v > TRACE_MAX) {
        fail(board, SPIKELOOP_ERR_ARGUMENT,
             "learning state: section %s: %s[%d] = %d outside [0, 2^30]", LS_EPROP_SECTION,
             names[t], i, v);
        return 0;
      }
    }
  }
  return 1;
}

/* Copies the e-prop section's payload (checked) into the engine. */
static void restore_eprop_traces(spikeloop_board *b, const uint8_t *p) {
  learning_engine *le = &b->learning;
  int32_t *const traces[5] = {le->in_trace, le->rec_trace, &le->bias_trace, le->out_trace,
                              &le->out_bias_trace};
  const int32_t counts[5] = {b->inputs, rec_traces(b), 1, b->layers[0].size, 1};
  for (int t = 0; t < 5; t++) {
    for (int32_t i = 0; i < counts[t]; i++, p += 4) {
      traces[t][i] = (int32_t)get_u32(p);
    }
  }
  for (int32_t k = 0; k < le->n_learned; k++) {
    const learned_tensor *lt = &le->tensors[k];
    if (!traced(lt)) {
      continue;
    }
    int16_t *eb = &le->ebar[lt->offset];
    for (int32_t i = 0; i < lt->state.length; i++, p += 2) {
      eb[i] = (int16_t)(uint16_t)((uint16_t)p[0] | (uint16_t)p[1] << 8);
    }
  }
}

int32_t spikeloop_restore_learning_state(spikeloop_board *board, const uint8_t *image,
                                         int32_t bytes) {
  static const char *const header_names[8] = {
      "inputs", "hidden", "outputs", "output_frac_bits", "surrogate_shift", "surrogate entries",
      "surrogate table CRC", "learned tensors"};
  static const char *const config_names[LS_CONFIG_FIELDS] = {
      "length", "state_bits", "block_size", "beta1_q20", "beta2_q20", "lr_q16", "eps_exp",
      "weight_bits", "master_frac_bits", "shift"};
  static const char *const rule_names[2] = {"tbptt1", "eprop"};
  int32_t rc = check_learning(board);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (image == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_restore_learning_state: image is NULL");
  }
  learning_engine *le = &board->learning;
  if (bytes < LS_HEADER_BYTES_V1 + 4) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image truncated: %d bytes, the header and CRC alone take %d", bytes,
                LS_HEADER_BYTES_V1 + 4);
  }
  if (memcmp(image, "SLLS", 4) != 0) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "not a learning state image (magic is not SLLS)");
  }
  uint32_t version = get_u32(image + 4);
  if (version != LS_VERSION && version != LS_OLDEST_VERSION) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image version %u; this firmware reads versions %d and %d", version,
                LS_OLDEST_VERSION, LS_VERSION);
  }
  long header_bytes = version == LS_VERSION ? LS_HEADER_BYTES : LS_HEADER_BYTES_V1;
  if (bytes < header_bytes + 4) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image truncated: %d bytes, the version %u header and CRC alone "
                "take %ld", bytes, version, header_bytes + 4);
  }
  if (get_u32(image + 8) != (uint32_t)bytes) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image length: the header announces %u bytes, the image has %d",
                get_u32(image + 8), bytes);
  }
  uint32_t crc = crc32_update(0, image, bytes - 4);
  if (get_u32(image + bytes - 4) != crc) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image corrupted: CRC-32 %08x, stored %08x", crc,
                get_u32(image + bytes - 4));
  }
  int32_t header[8];
  engine_header(board, header);
  for (int i = 0; i < 8; i++) {
    int32_t v = (int32_t)get_u32(image + 12 + 4 * i);
    if (v != header[i]) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: %s is %d, the engine has %d",
                  header_names[i], v, header[i]);
    }
  }
  /* rule and schedule: a version 1 image is a dense tBPTT1 engine's, without sections */
  int32_t rule = version == LS_VERSION ? (int32_t)get_u32(image + 44) : LS_RULE_TBPTT1;
  int32_t schedule = version == LS_VERSION ? (int32_t)get_u32(image + 48) : SLQ_DENSE;
  int32_t sections = version == LS_VERSION ? (int32_t)get_u32(image + 52) : 0;
  if (rule != le->rule) {
    if (rule == LS_RULE_TBPTT1 || rule == LS_RULE_EPROP) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: rule is %s%s, the engine has %s",
                  rule_names[rule], version == LS_VERSION ? "" : " (a version 1 image)",
                  rule_names[le->rule]);
    }
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state does not fit this engine: rule is %d, the engine has %s", rule,
                rule_names[le->rule]);
  }
  if (schedule != le->schedule) {
    if (schedule == SLQ_DENSE || schedule == SLQ_LAZY || schedule == SLQ_CATCH_UP) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: schedule is %s%s, the engine has %s",
                  schedule_name(schedule), version == LS_VERSION ? "" : " (a version 1 image)",
                  schedule_name(le->schedule));
    }
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state does not fit this engine: schedule is %d, the engine has %s",
                schedule, schedule_name(le->schedule));
  }
  const char *section_name;
  long section_bytes = engine_section(board, &section_name);
  int32_t expected_sections = section_bytes >= 0 ? 1 : 0;
  if (sections < expected_sections) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state does not fit this engine: section %s is missing (the engine's "
                "takes %ld bytes; the image has %d sections)", section_name, section_bytes,
                sections);
  }
  if (sections != expected_sections) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state does not fit this engine: section count is %d, the engine has %d",
                sections, expected_sections);
  }
  /* pass 0: the layout, read only where the image has the bytes: each tensor's name and
   * configuration (which fix its size), then the section's name and length */
  const uint8_t *end = image + bytes - 4;
  const uint8_t *p = image + header_bytes;
  for (int32_t k = 0; k < le->n_learned; k++) {
    const learned_tensor *lt = &le->tensors[k];
    const char *name = tensor_name(lt->kind);
    if (end - p < tensor_image_bytes(lt)) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state image of %d bytes; this engine's takes %ld (tensor %s does not "
                  "fit)", bytes, image_bytes_of(board, version), name);
    }
    char stored[LS_NAME_BYTES + 1];
    memcpy(stored, p, LS_NAME_BYTES);
    stored[LS_NAME_BYTES] = '\0';
    if (strncmp(stored, name, LS_NAME_BYTES) != 0) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: learned tensor %d is %.16s, the "
                  "engine's is %s", k, stored, name);
    }
    int32_t config[LS_CONFIG_FIELDS];
    tensor_config(lt, config);
    for (int i = 0; i < LS_CONFIG_FIELDS; i++) {
      int32_t v = (int32_t)get_u32(p + LS_NAME_BYTES + 4 * i);
      if (v != config[i]) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT,
                    "learning state does not fit this engine: tensor %s %s is %d, the engine has "
                    "%d", name, config_names[i], v, config[i]);
      }
    }
    p += tensor_image_bytes(lt);
  }
  const uint8_t *section = p;
  if (section_bytes >= 0) {
    if (end - p < LS_SECTION_HEADER_BYTES) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: section %s is missing (the engine's "
                  "takes %ld bytes; the image ends after the tensors)", section_name,
                  section_bytes);
    }
    char stored[LS_NAME_BYTES + 1];
    memcpy(stored, p, LS_NAME_BYTES);
    stored[LS_NAME_BYTES] = '\0';
    if (strncmp(stored, section_name, LS_NAME_BYTES) != 0) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: section 0 is %.16s, the engine's is "
                  "%s", stored, section_name);
    }
    if ((long)get_u32(p + LS_NAME_BYTES) != section_bytes) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state does not fit this engine: section %s has %u bytes, the "
                  "engine's takes %ld", section_name, get_u32(p + LS_NAME_BYTES), section_bytes);
    }
  }
  if (image_bytes_of(board, version) != bytes) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "learning state image of %d bytes; this engine's takes %ld", bytes,
                image_bytes_of(board, version));
  }
  /* pass 1: check every value (the layout is fixed now) */
  p = image + header_bytes;
  for (int32_t k = 0; k < le->n_learned; k++) {
    const learned_tensor *lt = &le->tensors[k];
    const char *name = tensor_name(lt->kind);
    p += LS_NAME_BYTES + 4 * LS_CONFIG_FIELDS;
    int32_t step = (int32_t)get_u32(p);
    int32_t pow1 = (int32_t)get_u32(p + 4);
    int32_t pow2 = (int32_t)get_u32(p + 8);
    uint64_t rng = (uint64_t)get_u32(p + 12) | (uint64_t)get_u32(p + 16) << 32;
    p += 20;
    if (step < 0) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT, "learning state: tensor %s step %d is negative",
                  name, step);
    }
    if (pow1 < 0 || pow1 > SLQ_ONE_Q30 || pow2 < 0 || pow2 > SLQ_ONE_Q30) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state: tensor %s beta powers (Q0.30) must be in [0, 2^30], got %d, %d",
                  name, pow1, pow2);
    }
    if (rng == 0) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "learning state: tensor %s rng (xorshift64* state) must not be 0", name);
    }
    int32_t lo = slq_master_min(&lt->adam);
    int32_t hi = slq_master_max(&lt->adam);
    for (int32_t i = 0; i < lt->state.length; i++, p += 4) {
      int32_t m = (int32_t)get_u32(p);
      if (m < lo || m > hi) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT,
                    "learning state: tensor %s master %d = %d outside [%d, %d]", name, i, m, lo, hi);
      }
    }
    p += 2L * slq_code_bytes(lt->state.length, lt->adam.state_bits) +
         2L * slq_blocks(lt->state.length, lt->adam.block_size);
  }
  if (section_bytes >= 0 && le->rule == SPIKELOOP_RULE_EPROP) {
    if (!check_eprop_traces(board, section + LS_SECTION_HEADER_BYTES)) {
      return SPIKELOOP_ERR_ARGUMENT;
    }
  } else if (section_bytes >= 0) {
    p = section + LS_SECTION_HEADER_BYTES;
    /* the tensors' steps, for the counters' range [0, step] */
    const uint8_t *t = image + header_bytes;
    for (int32_t k = 0; k < le->n_learned; k++) {
      const learned_tensor *lt = &le->tensors[k];
      int32_t step = (int32_t)get_u32(t + LS_NAME_BYTES + 4 * LS_CONFIG_FIELDS);
      t += tensor_image_bytes(lt);
      long n = catch_up_blocks(lt);
      if ((long)get_u32(p) != n) {
        return fail(board, SPIKELOOP_ERR_ARGUMENT,
                    "learning state: section %s: tensor %s blocks is %u, the engine has %ld",
                    LS_CATCH_UP_SECTION, tensor_name(lt->kind), get_u32(p), n);
      }
      p += 4;
      for (long b = 0; b < n; b++, p += 4) {
        int32_t v = (int32_t)get_u32(p);
        if (v < 0 || v > step) {
          return fail(board, SPIKELOOP_ERR_ARGUMENT,
                      "learning state: section %s: tensor %s block_steps[%ld] = %d outside [0, "
                      "%d] (the tensor's step)", LS_CATCH_UP_SECTION, tensor_name(lt->kind), b, v,
                      step);
        }
      }
    }
  }
  /* pass 2: accepted, copy */
  p = image + header_bytes;
  for (int32_t k = 0; k < le->n_learned; k++) {
    learned_tensor *lt = &le->tensors[k];
    slq_state *st = &lt->state;
    p += LS_NAME_BYTES + 4 * LS_CONFIG_FIELDS;
    st->step = (int32_t)get_u32(p);
    st->beta1_pow = (int32_t)get_u32(p + 4);
    st->beta2_pow = (int32_t)get_u32(p + 8);
    st->rng = (uint64_t)get_u32(p + 12) | (uint64_t)get_u32(p + 16) << 32;
    p += 20;
    int32_t *master = &le->master[lt->offset];
    int32_t *learned = &le->learned[lt->offset];
    for (int32_t i = 0; i < st->length; i++, p += 4) {
      master[i] = (int32_t)get_u32(p);
      learned[i] = slq_core_weight(&lt->adam, master[i]);
    }
    long cb = slq_code_bytes(st->length, lt->adam.state_bits);
    long blocks = slq_blocks(st->length, lt->adam.block_size);
    memcpy(st->m_codes, p, (size_t)cb);
    p += cb;
    memcpy(st->m_scales, p, (size_t)blocks);
    p += blocks;
    memcpy(st->r_codes, p, (size_t)cb);
    p += cb;
    memcpy(st->r_scales, p, (size_t)blocks);
    p += blocks;
  }
  if (section_bytes >= 0 && le->rule == SPIKELOOP_RULE_EPROP) {
    restore_eprop_traces(board, section + LS_SECTION_HEADER_BYTES);
  } else if (section_bytes >= 0) {
    p = section + LS_SECTION_HEADER_BYTES;
    for (int32_t k = 0; k < le->n_learned; k++) {
      learned_tensor *lt = &le->tensors[k];
      long n = catch_up_blocks(lt);
      p += 4;
      for (long b = 0; b < n; b++, p += 4) {
        lt->state.block_steps[b] = (int32_t)get_u32(p);
      }
    }
  }
  return SPIKELOOP_OK;
}

/* ---------------------------------------------------------------- sample store (v5) ---- */

#define SAMPLE_HEADER_BYTES 8
#define SAMPLE_NO_LABEL 0xFFFF

static int32_t u16_at(const uint8_t *p) { return (int32_t)p[0] | (int32_t)p[1] << 8; }

/* One unsigned LEB128 varint of record[*pos..bytes): 1..5 bytes, <= 2^31 - 1, not overlong.
 * Returns 1 and advances *pos, or 0 after setting the error text naming `what`. */
static int read_varint(spikeloop_board *b, const uint8_t *record, int32_t bytes, int32_t *pos,
                       const char *what, int32_t t, int64_t *value) {
  int32_t start = *pos;
  int64_t v = 0;
  for (int i = 0; i < 5; i++) {
    if (*pos >= bytes) {
      fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record truncated in the step %d %s at byte %d", t,
           what, start);
      return 0;
    }
    int32_t x = record[(*pos)++];
    v |= (int64_t)(x & 0x7F) << (7 * i);
    if (x < 0x80) {
      if (i > 0 && x == 0) {
        fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: overlong varint in the step %d %s at byte %d",
             t, what, start);
        return 0;
      }
      if (v > INT32_MAX) {
        fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: the step %d %s at byte %d exceeds 2^31 - 1",
             t, what, start);
        return 0;
      }
      *value = v;
      return 1;
    }
  }
  fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: varint longer than 5 bytes in the step %d %s at byte %d",
       t, what, start);
  return 0;
}

/* Checks a record of format spikeloop-sample v1 as Java's StoredSample.decode does (same order,
 * same refusals). */
static int32_t check_record(spikeloop_board *b, const uint8_t *record, int32_t bytes) {
  if (record == NULL || bytes < SAMPLE_HEADER_BYTES) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT,
                "sample record of %d bytes is shorter than its %d-byte header",
                record == NULL ? 0 : bytes, SAMPLE_HEADER_BYTES);
  }
  int32_t steps = u16_at(record + 2);
  int64_t events = (int64_t)record[4] | (int64_t)record[5] << 8 | (int64_t)record[6] << 16 |
                   (int64_t)record[7] << 24;
  if (steps == 0) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: steps is 0 (1..65535)");
  }
  if (events > bytes - SAMPLE_HEADER_BYTES) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT,
                "sample record: %lld events announced, the body of %d bytes holds at most that many",
                (long long)events, bytes - SAMPLE_HEADER_BYTES);
  }
  int32_t pos = SAMPLE_HEADER_BYTES;
  int64_t n = 0;
  for (int32_t t = 0; t < steps; t++) {
    int64_t count;
    if (!read_varint(b, record, bytes, &pos, "event count", t, &count)) {
      return SPIKELOOP_ERR_ARGUMENT;
    }
    if (count > events - n) {
      return fail(b, SPIKELOOP_ERR_ARGUMENT,
                  "sample record: step %d has %lld events, more than the %lld announced in all", t,
                  (long long)count, (long long)events);
    }
    int64_t previous = -1;
    for (int64_t e = 0; e < count; e++) {
      int64_t gap;
      if (!read_varint(b, record, bytes, &pos, "axon gap", t, &gap)) {
        return SPIKELOOP_ERR_ARGUMENT;
      }
      int64_t id = previous + 1 + gap;
      if (id > INT32_MAX) {
        return fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: step %d axon id %lld exceeds 2^31 - 1",
                    t, (long long)id);
      }
      previous = id;
    }
    n += count;
  }
  if (n != events) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: %lld events announced, %lld found",
                (long long)events, (long long)n);
  }
  if (pos != bytes) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "sample record: %d trailing bytes after %d steps",
                bytes - pos, steps);
  }
  return SPIKELOOP_OK;
}

/* The slot's record, or an error naming the slot. */
static int32_t stored_record(spikeloop_board *b, int32_t slot, const uint8_t **record,
                             int32_t *bytes) {
  if (slot < 0 || slot >= SL_REF_SAMPLE_SLOTS) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "sample slot %d out of range [0, %d)", slot,
                SL_REF_SAMPLE_SLOTS);
  }
  if (b->slot_bytes[slot] == 0) {
    return fail(b, SPIKELOOP_ERR_ARGUMENT, "sample slot %d is empty", slot);
  }
  *record = &b->store[b->slot_offset[slot]];
  *bytes = b->slot_bytes[slot];
  return SPIKELOOP_OK;
}

int32_t spikeloop_sample_store_get(spikeloop_board *board, spikeloop_sample_store_info *out) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (out == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_sample_store_get: out is NULL");
  }
  int32_t used = 0;
  for (int32_t i = 0; i < SL_REF_SAMPLE_SLOTS; i++) {
    used += board->slot_bytes[i] > 0;
  }
  out->capacity_bytes = SL_REF_SAMPLE_STORE_BYTES;
  out->used_bytes = board->store_used;
  out->slots = SL_REF_SAMPLE_SLOTS;
  out->used_slots = used;
  return SPIKELOOP_OK;
}

int32_t spikeloop_put_sample(spikeloop_board *board, const uint8_t *record, int32_t bytes,
                             int32_t *slot) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (slot == NULL) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_put_sample: slot is NULL");
  }
  rc = check_record(board, record, bytes);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  int32_t free_bytes = SL_REF_SAMPLE_STORE_BYTES - board->store_used;
  if (bytes > free_bytes) {
    return fail(board, SPIKELOOP_ERR_STATE,
                "sample store full: the record takes %d bytes, %d of %d are free", bytes,
                free_bytes, SL_REF_SAMPLE_STORE_BYTES);
  }
  for (int32_t i = 0; i < SL_REF_SAMPLE_SLOTS; i++) {
    if (board->slot_bytes[i] == 0) {
      memcpy(&board->store[board->store_used], record, (size_t)bytes);
      board->slot_offset[i] = board->store_used;
      board->slot_bytes[i] = bytes;
      board->store_used += bytes;
      *slot = i;
      return SPIKELOOP_OK;
    }
  }
  return fail(board, SPIKELOOP_ERR_STATE, "sample store full: all %d slots are taken",
              SL_REF_SAMPLE_SLOTS);
}

int32_t spikeloop_remove_sample(spikeloop_board *board, int32_t slot) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  const uint8_t *record;
  int32_t bytes;
  rc = stored_record(board, slot, &record, &bytes);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  /* close the gap: the records behind it move down, their slots follow */
  int32_t at = board->slot_offset[slot];
  memmove(&board->store[at], &board->store[at + bytes], (size_t)(board->store_used - at - bytes));
  for (int32_t i = 0; i < SL_REF_SAMPLE_SLOTS; i++) {
    if (board->slot_bytes[i] > 0 && board->slot_offset[i] > at) {
      board->slot_offset[i] -= bytes;
    }
  }
  board->slot_bytes[slot] = 0;
  board->store_used -= bytes;
  return SPIKELOOP_OK;
}

int32_t spikeloop_clear_samples(spikeloop_board *board) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  board->store_used = 0;
  memset(board->slot_bytes, 0, sizeof board->slot_bytes);
  return SPIKELOOP_OK;
}

int32_t spikeloop_list_samples(spikeloop_board *board, int32_t *entries, int32_t capacity,
                               int32_t *count) {
  int32_t rc = check_board(board, 0);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  if (count == NULL || (capacity > 0 && entries == NULL)) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "spikeloop_list_samples: entries or count is NULL");
  }
  int32_t n = 0;
  for (int32_t i = 0; i < SL_REF_SAMPLE_SLOTS; i++) {
    n += board->slot_bytes[i] > 0;
  }
  if (capacity < n) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT, "the store holds %d samples, entries has room for %d",
                n, capacity);
  }
  int32_t j = 0;
  for (int32_t i = 0; i < SL_REF_SAMPLE_SLOTS; i++) {
    if (board->slot_bytes[i] > 0) {
      const uint8_t *r = &board->store[board->slot_offset[i]];
      int32_t label = u16_at(r);
      int32_t *e = &entries[(long)j++ * SPIKELOOP_SAMPLE_ENTRY_INTS];
      e[0] = i;
      e[1] = label == SAMPLE_NO_LABEL ? -1 : label;
      e[2] = u16_at(r + 2);
      e[3] = (int32_t)((uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
                       (uint32_t)r[7] << 24);
      e[4] = board->slot_bytes[i];
    }
  }
  *count = n;
  return SPIKELOOP_OK;
}

/* Decodes step t's ids of a checked record at *pos into out (the caller checked they fit). */
static int32_t decode_step(const uint8_t *record, int32_t *pos, int32_t *out) {
  int32_t count = 0;
  int64_t previous = -1;
  int64_t n = 0;
  for (int shift = 0;; shift += 7) { /* the record was checked: varints are well formed */
    int32_t x = record[(*pos)++];
    n |= (int64_t)(x & 0x7F) << shift;
    if (x < 0x80) {
      break;
    }
  }
  for (int64_t e = 0; e < n; e++) {
    int64_t gap = 0;
    for (int shift = 0;; shift += 7) {
      int32_t x = record[(*pos)++];
      gap |= (int64_t)(x & 0x7F) << shift;
      if (x < 0x80) {
        break;
      }
    }
    previous += 1 + gap;
    if (out != NULL) {
      out[count] = (int32_t)previous;
    }
    count++;
  }
  return count;
}

/* The largest id of step t of a checked record at *pos (-1 for a silent step); advances *pos. */
static int64_t step_last_id(const uint8_t *record, int32_t *pos) {
  int64_t n = 0;
  for (int shift = 0;; shift += 7) {
    int32_t x = record[(*pos)++];
    n |= (int64_t)(x & 0x7F) << shift;
    if (x < 0x80) {
      break;
    }
  }
  int64_t previous = -1;
  for (int64_t e = 0; e < n; e++) {
    int64_t gap = 0;
    for (int shift = 0;; shift += 7) {
      int32_t x = record[(*pos)++];
      gap |= (int64_t)(x & 0x7F) << shift;
      if (x < 0x80) {
        break;
      }
    }
    previous += 1 + gap;
  }
  return previous;
}

int32_t spikeloop_replay_sample(spikeloop_board *board, int32_t slot, int32_t n_steps,
                                int32_t readout, int64_t *first_step, int32_t *outputs,
                                int64_t *sops, int32_t *spike_ids, int32_t spike_capacity,
                                int32_t *spike_offsets, int32_t *membranes) {
  int32_t rc = check_board(board, 1);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  const uint8_t *record;
  int32_t bytes;
  rc = stored_record(board, slot, &record, &bytes);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  int32_t steps = u16_at(record + 2);
  if (n_steps != steps) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "sample slot %d holds %d steps, the result buffers were sized for %d", slot, steps,
                n_steps);
  }
  rc = check_result_buffers(board, n_steps, readout, first_step, outputs, sops, spike_ids,
                            spike_capacity, spike_offsets, membranes);
  if (rc != SPIKELOOP_OK) {
    return rc;
  }
  /* every id of every step, and the label, before the first step runs */
  int32_t pos = SAMPLE_HEADER_BYTES;
  for (int32_t t = 0; t < steps; t++) {
    int64_t last = step_last_id(record, &pos);
    if (last >= board->inputs) {
      return fail(board, SPIKELOOP_ERR_ARGUMENT,
                  "sample slot %d: step %d: input axon id %lld out of range [0, %d)", slot, t,
                  (long long)last, board->inputs);
    }
  }
  int32_t code = u16_at(record);
  int32_t label = board->learning.enabled && code != SAMPLE_NO_LABEL ? code : -1;
  if (label >= board->output.size) {
    return fail(board, SPIKELOOP_ERR_ARGUMENT,
                "sample slot %d: label %d out of range: the network has %d outputs", slot, label,
                board->output.size);
  }
  *first_step = board->step;
  int32_t n_spikes = 0;
  if (readout >= SPIKELOOP_READOUT_SPIKES) {
    spike_offsets[0] = 0;
  }
  pos = SAMPLE_HEADER_BYTES;
  for (int32_t t = 0; t < steps; t++) {
    int32_t nx = decode_step(record, &pos, board->replay_axons);
    run_step(board, t, board->replay_axons, nx, label, readout, outputs, sops, spike_ids,
             spike_offsets, membranes, &n_spikes);
  }
  return SPIKELOOP_OK;
}
