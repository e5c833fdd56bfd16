/*
 * Quantized Adam of docs/learning-engine.md in C: integer only, no allocation, bit for bit the
 * Java io.spikeloop.sim.learning.QuantizedAdam (pinned by the spikeloop-qadam-vector/1 golden
 * vectors). Internal to the reference firmware: NOT part of the vendor ABI (spikeloop_driver.h).
 * The test library libspikeloop_qadam_test.so (src/test/c) exposes it to the golden-vector test.
 */
#ifndef SPIKELOOP_QADAM_H
#define SPIKELOOP_QADAM_H

#include <stdint.h>

#define SLQ_MAX_BLOCK 4096
#define SLQ_ONE_Q20 (1 << 20)
#define SLQ_ONE_Q30 (1 << 30)
#define SLQ_MAX_BETA1_Q20 1038090
#define SLQ_MAX_LR_Q16 (1 << 24)
#define SLQ_MAX_GRADIENT 32767
#define SLQ_MAX_GRADIENT_EXP 1000
#define SLQ_EMPTY_SCALE (-128)

/* The fixed-point hyper-parameters of one tensor (Java QuantizedAdamConfig). */
typedef struct {
  int32_t state_bits;       /* 8 or 4 */
  int32_t block_size;       /* 1..SLQ_MAX_BLOCK */
  int32_t beta1_q20;        /* 0..SLQ_MAX_BETA1_Q20 */
  int32_t beta2_q20;        /* 0..2^20 - 1 */
  int32_t lr_q16;           /* 0..2^24 master LSBs, Q16.16 */
  int32_t eps_exp;          /* -200..64 */
  int32_t weight_bits;      /* 2..16 */
  int32_t master_frac_bits; /* 0..15 */
  int32_t schedule;         /* SLQ_DENSE, SLQ_LAZY (blocks with an all-zero gradient are skipped)
                               or SLQ_CATCH_UP (lazy, skipped updates caught up: section 10) */
} slq_config;

#define SLQ_DENSE 0
#define SLQ_LAZY 1
#define SLQ_CATCH_UP 2

/* One tensor's optimizer state (Java QuantizedAdamState); the buffers belong to the caller:
 * codes slq_code_bytes(length, bits) bytes each, scales slq_blocks(length, block) bytes each. */
typedef struct {
  int32_t length;
  uint8_t *m_codes;
  int8_t *m_scales;
  uint8_t *r_codes;
  int8_t *r_scales;
  int32_t step;      /* completed steps */
  int32_t beta1_pow; /* beta1^t, unsigned Q0.30 */
  int32_t beta2_pow; /* beta2^t, unsigned Q0.30 */
  uint64_t rng;      /* xorshift64* state, never 0 */
  int32_t *block_steps; /* SLQ_CATCH_UP only (else unused): per block, t after it last stepped */
} slq_state;

/* NULL when the config is valid, else a static text naming the bad field. */
const char *slq_check_config(const slq_config *c);
int32_t slq_code_bytes(int32_t length, int32_t state_bits);
int32_t slq_blocks(int32_t length, int32_t block_size);
int32_t slq_master_min(const slq_config *c);
int32_t slq_master_max(const slq_config *c);
/* shiftRound(master, master_frac_bits): the core weight of a master value. */
int32_t slq_core_weight(const slq_config *c, int32_t master);
/* Round-to-nearest square root of 0 <= x < 2^62 (learning-engine.md section 1), integers only. */
int64_t slq_sqrt_round(int64_t x);
/* splitmix64(seed), 0 replaced by 0x9E3779B97F4A7C15 (Java Xorshift64Star.seed). */
uint64_t slq_seed(uint64_t seed);
/* Fresh state over caller buffers: codes 0, scales -128, t = 0, powers 2^30, rng seeded. */
void slq_init(const slq_config *c, slq_state *s, uint64_t seed);
/*
 * One Adam step for grad[i] * 2^grad_exp: updates the state, master[] and weights[] in place.
 * scratch holds 2 * block_size int64 values. Returns NULL, or (nothing changed) a static text
 * naming the out-of-range input (gradient, exponent, master weight, step counter).
 */
const char *slq_step(const slq_config *c, slq_state *s, const int32_t *grad, int32_t grad_exp,
                     int32_t *master, int32_t *weights, int64_t *scratch);
/*
 * The lazy / catch-up step visiting only blocks[0..count) (ascending, distinct): equal to
 * slq_step when every block with a nonzero gradient is listed (Java stepListedBlocks).
 */
const char *slq_step_listed(const slq_config *c, slq_state *s, const int32_t *grad,
                            int32_t grad_exp, int32_t *master, int32_t *weights, int64_t *scratch,
                            const int32_t *blocks, int32_t count);
/* r = beta1 / sqrt(beta2) in Q0.30, floored (the catch-up's geometric ratio; beta2 > 0). */
int64_t slq_catch_up_ratio_q30(const slq_config *c);
/* x^k in Q0.frac by binary exponentiation from k's lowest bit, products floored (section 10). */
int64_t slq_pow_floor(int64_t x, int32_t k, int32_t frac);

#endif
