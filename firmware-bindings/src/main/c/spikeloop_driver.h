/*
 * spikeloop_driver.h - the board driver ABI of spikeloop (SL-1 cores).
 *
 * A board vendor ships a shared library libspikeloop_NAME.so that exports every function
 * declared here; spikeloop opens it as device "board:NAME" through JNA. The reference firmware
 * (spikeloop_ref.c, device "board:ref") implements all of it. docs/driver-abi.md is the
 * vendor guide: semantics, buffer layouts, error handling, threading, how to test a driver.
 *
 * Conventions
 * - Every function returns int32_t: SPIKELOOP_OK (0) or a negative SPIKELOOP_ERR_* code. After
 *   an error, spikeloop_last_error(board) returns a one-line text naming the problem and the
 *   values (tensor, index, value, limit). A call that fails changes nothing on the board.
 * - Integers are fixed width; matrices are row-major [post][pre], like the golden vectors and
 *   the Java contract (io.spikeloop.device). All buffers belong to the caller; a driver never
 *   keeps a pointer it was given beyond the call.
 * - One board handle is used by one thread at a time (the Java side serialises its calls).
 * - The forward pass is normative: shared/design/core-semantics.md (SL-1). A driver whose board
 *   computes anything else is wrong, however close.
 *
 * Versioning
 * - SPIKELOOP_DRIVER_ABI_VERSION changes whenever a signature, struct layout or meaning changes.
 *   spikeloop_driver_abi_version() never changes: the host calls it first and refuses a library
 *   whose version differs from the one it was built against.
 * - Version 1: the forward pass (configure, weights, run, state, telemetry).
 * - Version 2: the on-chip learning engine (docs/core-spec.md section 9, quantized Adam of
 *   docs/learning-engine.md): spikeloop_enable_learning / spikeloop_disable_learning, per-step
 *   labels in spikeloop_run (new argument), learning_updates in the telemetry. A driver without
 *   an engine implements both calls as SPIKELOOP_ERR_UNSUPPORTED and does not report
 *   SPIKELOOP_CAP_ON_CHIP_LEARNING.
 * - Version 3: learning-state readback and restore (spikeloop_learning_state_size,
 *   spikeloop_read_learning_state, spikeloop_restore_learning_state; the versioned image of
 *   docs/driver-abi.md "Learning-state image"), capability SPIKELOOP_CAP_LEARNING_STATE. A driver
 *   without it implements the three calls as SPIKELOOP_ERR_UNSUPPORTED and does not report the bit.
 * - Version 4: chip instances (docs/core-spec.md section 10: fixed-pattern mismatch, membrane
 *   noise, lost input events): spikeloop_set_chip_instance, capability
 *   SPIKELOOP_CAP_CHIP_INSTANCE. Nothing of version 3 changed, so the host still opens a
 *   version 3 library as a perfect chip and refuses only chip-instance options on it, naming the
 *   version. A driver of a chip that cannot be made to model an instance implements the call as
 *   SPIKELOOP_ERR_UNSUPPORTED and leaves the bit clear.
 * - Version 5: learning rules: spikeloop_learning_config gains `rule` (SPIKELOOP_RULE_TBPTT1 0,
 *   SPIKELOOP_RULE_EPROP 1; docs/learning-engine.md section 11) and `trace_shift`, appended after
 *   surrogate_shift. Nothing else changed: the host opens a version 3 or 4 library for tBPTT1 and
 *   refuses the e-prop rule on it, naming the version. A driver whose engine runs tBPTT1 only
 *   refuses rule 1 with SPIKELOOP_ERR_UNSUPPORTED.
 * - Version 6: the sample store (a rehearsal buffer of spike samples in the board's memory,
 *   replayed through the core without the host streaming the events; docs/driver-abi.md "Sample
 *   store"): spikeloop_sample_store_get, spikeloop_put_sample, spikeloop_remove_sample,
 *   spikeloop_clear_samples, spikeloop_list_samples, spikeloop_replay_sample, capability
 *   SPIKELOOP_CAP_SAMPLE_STORE. Nothing of version 5 changed, so the host still opens a version 5
 *   (or 4, 3) library, without the store. A driver without a store implements the six calls as
 *   SPIKELOOP_ERR_UNSUPPORTED and leaves the bit clear.
 *
 * Target
 * - Every board library of every target (docs/targets.md) exports spikeloop_target(), returning
 *   a static NUL-terminated target id; an SL-1 library returns "sl1". The host reads it first and
 *   hands the library to that target's binding, which knows the target's own ABI (this header is
 *   SL-1's). It is outside the versioning above: a library without it is taken as SL-1.
 */
#ifndef SPIKELOOP_DRIVER_H
#define SPIKELOOP_DRIVER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SPIKELOOP_DRIVER_ABI_VERSION 6

/* Error codes (return values). */
#define SPIKELOOP_OK 0
#define SPIKELOOP_ERR_ARGUMENT (-1)    /* bad argument: id out of range, wrong length, value too wide */
#define SPIKELOOP_ERR_STATE (-2)       /* not allowed now: not configured, handle closed */
#define SPIKELOOP_ERR_DESIGN_RULE (-3) /* network does not fit; text starts "DR-NAME: " */
#define SPIKELOOP_ERR_NO_DEVICE (-4)   /* no board of that name, or it is not answering */
#define SPIKELOOP_ERR_BUSY (-5)        /* every instance of the board is already open */
#define SPIKELOOP_ERR_UNSUPPORTED (-6) /* the driver lacks the capability the call needs */
#define SPIKELOOP_ERR_HARDWARE (-7)    /* the board failed (timeout, link error, ECC, ...) */

/* Capability bits of spikeloop_device_info.capabilities (same meaning as Java's Capability). */
#define SPIKELOOP_CAP_FORWARD (1u << 0)
#define SPIKELOOP_CAP_MEMBRANE_READOUT (1u << 1)
#define SPIKELOOP_CAP_SNAPSHOT (1u << 2)
#define SPIKELOOP_CAP_CYCLE_MODEL (1u << 3)
#define SPIKELOOP_CAP_ENERGY_MODEL (1u << 4)
#define SPIKELOOP_CAP_ON_CHIP_LEARNING (1u << 5) /* spikeloop_enable_learning works */
#define SPIKELOOP_CAP_WEIGHT_READBACK (1u << 6)
#define SPIKELOOP_CAP_LEARNING_STATE (1u << 7) /* spikeloop_read/restore_learning_state work */
#define SPIKELOOP_CAP_CHIP_INSTANCE (1u << 8)  /* spikeloop_set_chip_instance works (v4) */
#define SPIKELOOP_CAP_SAMPLE_STORE (1u << 9)   /* the spikeloop_*_sample calls work (v5) */

/* Readout levels of spikeloop_run (same order as Java's ReadoutLevel). */
#define SPIKELOOP_READOUT_OUTPUTS 0 /* outputs and per-step SOPs */
#define SPIKELOOP_READOUT_SPIKES 1  /* plus the hidden spikes of every layer */
#define SPIKELOOP_READOUT_FULL 2    /* plus the hidden membranes of every layer */

/* Text fields are NUL-terminated and fit their arrays. */
#define SPIKELOOP_TEXT_LEN 64

/* The resources of one core (Java's CoreLimits). */
typedef struct spikeloop_limits {
  int32_t max_inputs;            /* input axons */
  int32_t max_layers;            /* hidden layers */
  int32_t max_neurons_per_layer; /* neurons in one hidden layer */
  int32_t max_neurons;           /* hidden plus output neurons */
  int32_t max_fan_in;            /* per neuron: its layer's inputs plus its size if recurrent */
  int32_t max_weight_bits;       /* widest wBits, <= 16 */
  int32_t max_membrane_bits;     /* widest uBits, <= 32 */
  int32_t max_output_bits;       /* widest oBits, <= 32 */
  int64_t synapse_memory_bits;   /* sum over tensors of rows * cols * storage bits */
  int32_t max_outputs;           /* output neurons */
  int32_t reserved;              /* zero; keeps the struct 8-byte aligned */
} spikeloop_limits;

typedef struct spikeloop_device_info {
  int32_t abi_version;             /* SPIKELOOP_DRIVER_ABI_VERSION the driver was built with */
  uint32_t capabilities;           /* SPIKELOOP_CAP_* bits */
  char kind[SPIKELOOP_TEXT_LEN];   /* implementation, e.g. "sl1-ref-firmware" */
  char version[SPIKELOOP_TEXT_LEN];/* firmware version */
  double clock_hz;                 /* core clock; 0 when the driver reports no cycles */
  double step_period_s;            /* real-time budget of one step; 0 = no deadline */
  spikeloop_limits limits;
} spikeloop_device_info;

/* One hidden LIF layer (Java's LayerConfig); booleans are 0 or 1. */
typedef struct spikeloop_layer_config {
  int32_t size;      /* neurons N */
  int32_t recurrent; /* has W_rec[N][N] */
  int32_t w_bits;    /* weight width, two's complement, 2..16 */
  int32_t w_exp;     /* shared weight exponent, -31..31 */
  int32_t u_bits;    /* membrane width, 2..32 */
  int32_t theta;     /* threshold > 0 */
  int32_t alpha;     /* decay, Q0.12 in [0, 4096] */
  int32_t inputs;    /* fan-in M: input axons for layer 0, previous layer's size otherwise */
} spikeloop_layer_config;

/* The leaky-integrator output layer (Java's OutputConfig). */
typedef struct spikeloop_output_config {
  int32_t size;   /* outputs K */
  int32_t w_bits; /* 2..16 */
  int32_t w_exp;  /* -31..31 */
  int32_t o_bits; /* 2..32 */
  int32_t kappa;  /* Q0.12 in [0, 4096] */
} spikeloop_output_config;

/* Counters since configure (Java's Telemetry). */
typedef struct spikeloop_telemetry {
  int64_t steps;
  int64_t sops;            /* synaptic operations, as defined in core-semantics.md */
  int64_t cycles;          /* 0 without a cycle model */
  int64_t neuron_updates;  /* hidden and output neurons updated */
  int64_t hidden_spikes;
  int64_t saturations;     /* membrane (u) and output (o) values clamped to their width */
  int64_t fifo_overflows;
  int64_t deadline_misses;
  int64_t learning_updates;/* parameter updates of the learning engine */
  double energy_joules;    /* 0 without an energy model */
} spikeloop_telemetry;

/* The learning engine's scalars (Java's LearningConfig without the per-tensor rates and the
 * surrogate table, which spikeloop_enable_learning takes as arrays). */
typedef struct spikeloop_learning_config {
  int32_t state_bits;       /* Adam m and sqrt(v) code width: 8 or 4 */
  int32_t block_size;       /* elements per pair of block scales, 1..4096 */
  int32_t beta1_q20;        /* unsigned Q0.20, 0..1038090 (0.99) */
  int32_t beta2_q20;        /* unsigned Q0.20, 0..2^20 - 1 */
  int32_t eps_exp;          /* eps = 2^eps_exp in gradient units, -200..64 */
  int32_t master_frac_bits; /* master fraction bits below the core weight LSB, 0..15 */
  int64_t seed;             /* tensor i of the network's tensor list seeds xorshift64* with seed + i */
  int32_t output_frac_bits; /* output float value = o * 2^-output_frac_bits, 0..31 */
  int32_t surrogate_shift;  /* table index = (|u - theta| + half) >> surrogate_shift, 0..31 */
  int32_t rule;             /* (v5) SPIKELOOP_RULE_TBPTT1 (0) or SPIKELOOP_RULE_EPROP (1) */
  int32_t trace_shift;      /* (v5) e-prop: int16 trace = psi * P >> trace_shift, 0..40; 0 for tBPTT1 */
} spikeloop_learning_config;

/* Learning rules (version 5; docs/learning-engine.md section 11). */
#define SPIKELOOP_RULE_TBPTT1 0
#define SPIKELOOP_RULE_EPROP 1

/* One imperfect chip (ABI version 4; docs/core-spec.md section 10). The host quantizes the
 * real-valued options once (Java io.spikeloop.target.sl1.ChipInstance), so every implementation
 * draws from the same integers. All zero but instance: the exact core of core-semantics.md. */
typedef struct spikeloop_chip_instance {
  int64_t instance;   /* K: keys every draw, any value */
  int64_t spread_q24; /* round(S sqrt(3) 2^24), S = relative spread in [0, 1]: 0..29058991 */
  int64_t noise_q8;   /* round(N sqrt(3) 2^8), N = membrane noise in LSBs, [0, 2^20]: 0..464943848 */
  int64_t drop_q32;   /* round(P 2^32), P = probability an input event is lost: 0..2^32 */
} spikeloop_chip_instance;

typedef struct spikeloop_board spikeloop_board; /* opaque handle */

/* The ABI version the library implements. Never changes signature; call it first. */
/* The target this library implements: "sl1" for every library of this ABI. */
const char *spikeloop_target(void);

int32_t spikeloop_driver_abi_version(void);

/* Text of the last error on this handle; board NULL: the last failed spikeloop_open on any
 * thread. Never NULL; valid until the next call on the same handle (or the next open). */
const char *spikeloop_last_error(const spikeloop_board *board);

/* Opens board NAME (the part after "board:"); *out receives the handle. */
int32_t spikeloop_open(const char *name, spikeloop_board **out);

/* Releases the handle; further calls with it fail with SPIKELOOP_ERR_STATE. */
int32_t spikeloop_close(spikeloop_board *board);

int32_t spikeloop_device_info_get(spikeloop_board *board, spikeloop_device_info *out);

/* Checks the network against the board's limits (SPIKELOOP_ERR_DESIGN_RULE naming the rule),
 * then loads it with all weights and biases zero, the state and the telemetry cleared. */
int32_t spikeloop_configure(spikeloop_board *board, int32_t inputs,
                            const spikeloop_layer_config *layers, int32_t n_layers,
                            const spikeloop_output_config *output);

/* Writes / reads one whole tensor, row-major [post][pre], count = rows * cols. Tensor names:
 * "layer{l}.in" [N][M], "layer{l}.rec" [N][N], "layer{l}.bias" [N] (fits u_bits), "out.w" [K][N],
 * "out.bias" [K] (fits o_bits). Written values must fit their signed width. */
int32_t spikeloop_write_weights(spikeloop_board *board, const char *tensor,
                                const int32_t *values, int32_t count);
int32_t spikeloop_read_weights(spikeloop_board *board, const char *tensor,
                               int32_t *values, int32_t count);

/*
 * Starts (or restarts) on-chip learning on the configured network: tensors[0..n_tensors) learn
 * with learning_rates[i] (unsigned Q16.16 master LSBs, 0..2^24); the others stay fixed.
 * surrogate_table: surrogate_len (1..1024) int16 values (Q1.14). Master weights start from the
 * tensors' current values, Adam states fresh. Refused with SPIKELOOP_ERR_DESIGN_RULE
 * "DR-LEARNING: ..." when the network has more than one hidden layer, a learned bias would have
 * fewer than 2 bits, or the learned tensors exceed the engine's memory. Writing a learned tensor
 * later restarts its master weights from the written values (its Adam state is kept).
 * spikeloop_configure disables learning.
 */
int32_t spikeloop_enable_learning(spikeloop_board *board, const spikeloop_learning_config *config,
                                  int32_t n_tensors, const char *const *tensors,
                                  const int32_t *learning_rates, const int32_t *surrogate_table,
                                  int32_t surrogate_len);
int32_t spikeloop_disable_learning(spikeloop_board *board);

/*
 * Runs n_steps (>= 1) time steps in one call.
 * Input: the axon ids of step t are axons[step_offsets[t] .. step_offsets[t+1]-1], strictly
 * ascending and < inputs; step_offsets has n_steps + 1 entries, starts at 0, never decreases.
 * labels: NULL, or n_steps target classes, -1 = no label. While learning is enabled, a labelled
 * step is followed by one learning step (tBPTT1) on that label; labels must be -1 or < K then.
 * Without learning, labels are ignored.
 * Every id and label of every step is checked before the first step runs.
 * Results, H = sum of the hidden layer sizes, L = number of hidden layers, K = outputs:
 *   first_step   the step counter of the first step (0 for the first step after reset)
 *   outputs      [n_steps][K]   o after each step
 *   sops         [n_steps]      synaptic operations of each step
 *   readout >= SPIKES: the ids that spiked in layer l at step t, ascending, are
 *     spike_ids[spike_offsets[t*L+l] .. spike_offsets[t*L+l+1]-1]; spike_offsets has
 *     n_steps*L + 1 entries; spike_ids has spike_capacity entries, which must be >= n_steps*H.
 *   readout == FULL: membranes [n_steps][H], layer 0's neurons first.
 * Buffers a readout level does not use may be NULL.
 */
int32_t spikeloop_run(spikeloop_board *board, int32_t n_steps,
                      const int32_t *axons, const int32_t *step_offsets, const int32_t *labels,
                      int32_t readout, int64_t *first_step, int32_t *outputs, int64_t *sops,
                      int32_t *spike_ids, int32_t spike_capacity, int32_t *spike_offsets,
                      int32_t *membranes);

/* Clears membranes, spikes and outputs (not weights, not telemetry); the step counter restarts. */
int32_t spikeloop_reset(spikeloop_board *board);

/* The dynamic state: step counter, membranes [H], last spikes [H] as 0/1, outputs [K], and the
 * telemetry at that moment. Restore checks every value against its width before changing
 * anything, and sets the telemetry too, so a restored board continues bit-identically. */
int32_t spikeloop_read_state(spikeloop_board *board, int64_t *step, int32_t *membranes,
                             uint8_t *last_spikes, int32_t *outputs, spikeloop_telemetry *telemetry);
int32_t spikeloop_restore_state(spikeloop_board *board, int64_t step, const int32_t *membranes,
                                const uint8_t *last_spikes, const int32_t *outputs,
                                const spikeloop_telemetry *telemetry);

int32_t spikeloop_read_telemetry(spikeloop_board *board, spikeloop_telemetry *out);

/*
 * Makes the board model chip instance *chip (ABI version 4): per-neuron thresholds, leaks and
 * synaptic gains, per-output gains and offsets drawn from (instance, spread_q24) for the loaded
 * network now (when configured) and for every later spikeloop_configure; membrane noise and input
 * event loss drawn per step from (instance, noise_q8 / drop_q32, telemetry step counter,
 * element), exactly as docs/core-spec.md section 10 states. Weights, state and telemetry are
 * not touched. Out-of-range fields: SPIKELOOP_ERR_ARGUMENT naming the field.
 */
int32_t spikeloop_set_chip_instance(spikeloop_board *board, const spikeloop_chip_instance *chip);

/*
 * The learning engine's state (ABI version 3) as one image: format spikeloop-learning-state
 * version 2 of docs/driver-abi.md (little-endian; engine shape, configuration, rule and Adam
 * schedule, then per learned tensor its quantized Adam counters, RNG state, master weights, codes
 * and block scales, then named sections such as catch-up's block step counters or e-prop's
 * traces, "eprop.traces"; a CRC-32 last).
 * The image carries its own version, checked on restore (a driver may also restore version 1, a
 * dense engine's). All three need learning enabled (else SPIKELOOP_ERR_STATE).
 * - size: the image's length in bytes for the engine as enabled now.
 * - read: writes the image into image[0..capacity), *bytes = its length; SPIKELOOP_ERR_ARGUMENT
 *   when capacity is too small.
 * - restore: checks magic, version, length, CRC, the engine shape and configuration (network
 *   shape, output fraction bits, surrogate table, learned tensors and their hyper-parameters),
 *   rule, schedule and sections, then every counter and master against its range, naming the
 *   first bad field; only then puts the Adam states, masters and section state into the engine.
 *   Core weights are not touched.
 */
int32_t spikeloop_learning_state_size(spikeloop_board *board, int32_t *bytes);
int32_t spikeloop_read_learning_state(spikeloop_board *board, uint8_t *image, int32_t capacity,
                                      int32_t *bytes);
int32_t spikeloop_restore_learning_state(spikeloop_board *board, const uint8_t *image,
                                         int32_t bytes);

/*
 * The sample store (ABI version 6): spike samples held in the board's memory as records of the
 * format spikeloop-sample version 1 (docs/driver-abi.md "Sample records": u16 label, 0xFFFF = none;
 * u16 steps; u32 events; then per step a LEB128 varint event count and the axon ids as varint
 * gaps), in at most `slots` slots over `capacity_bytes` bytes of records. The store survives
 * spikeloop_reset and spikeloop_configure; spikeloop_open starts it empty and spikeloop_close
 * empties it.
 */
typedef struct spikeloop_sample_store_info {
  int64_t capacity_bytes; /* record bytes the store can hold */
  int64_t used_bytes;     /* record bytes held now */
  int32_t slots;          /* slot ids are 0..slots-1 */
  int32_t used_slots;     /* samples held now */
} spikeloop_sample_store_info;

/* Values per entry of spikeloop_list_samples: slot, label (-1 = none), steps, events, bytes. */
#define SPIKELOOP_SAMPLE_ENTRY_INTS 5

int32_t spikeloop_sample_store_get(spikeloop_board *board, spikeloop_sample_store_info *out);
/* Checks the record (every field, as the format states), then stores it in the lowest free slot
 * (*slot). SPIKELOOP_ERR_ARGUMENT for a malformed record (naming the field and byte offset),
 * SPIKELOOP_ERR_STATE when it does not fit ("sample store full: the record takes N bytes, F of C
 * are free") or every slot is taken. Does not need a configured board. */
int32_t spikeloop_put_sample(spikeloop_board *board, const uint8_t *record, int32_t bytes,
                             int32_t *slot);
/* Frees one slot (SPIKELOOP_ERR_ARGUMENT: out of range or empty) or every slot. */
int32_t spikeloop_remove_sample(spikeloop_board *board, int32_t slot);
int32_t spikeloop_clear_samples(spikeloop_board *board);
/* The samples held, by ascending slot: SPIKELOOP_SAMPLE_ENTRY_INTS values each into
 * entries[0 .. capacity * SPIKELOOP_SAMPLE_ENTRY_INTS); *count = samples held
 * (SPIKELOOP_ERR_ARGUMENT when capacity is below it). */
int32_t spikeloop_list_samples(spikeloop_board *board, int32_t *entries, int32_t capacity,
                               int32_t *count);
/* Runs the sample in `slot` through the core from its current state exactly as spikeloop_run
 * runs the same steps with the sample's label on every step (learning while learning is
 * enabled), into the same result buffers. n_steps must equal the sample's steps (the caller sized
 * its buffers for them). Every id (< inputs) and, while learning, the label (< K) is checked
 * before the first step runs. */
int32_t spikeloop_replay_sample(spikeloop_board *board, int32_t slot, int32_t n_steps,
                                int32_t readout, int64_t *first_step, int32_t *outputs,
                                int64_t *sops, int32_t *spike_ids, int32_t spike_capacity,
                                int32_t *spike_offsets, int32_t *membranes);

#ifdef __cplusplus
}
#endif

#endif /* SPIKELOOP_DRIVER_H */
