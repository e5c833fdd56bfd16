/*
 * Test-only entry point to the firmware's quantized Adam (libspikeloop_qadam_test.so, built by
 * this folder's Makefile, never shipped): the golden-vector test drives spikeloop_qadam.c through
 * it so the vendor ABI in spikeloop_driver.h carries no test hooks.
 */
#include <stddef.h>

#include "spikeloop_qadam.h"

/* config: the 9 slq_config fields in declaration order. */
static slq_config config_of(const int32_t *config) {
  slq_config c = {config[0], config[1], config[2], config[3],
                  config[4], config[5], config[6], config[7], config[8]};
  return c;
}

uint64_t slq_test_seed(uint64_t seed) { return slq_seed(seed); }

/* out[i] = slq_sqrt_round(x[i]) for each 0 <= x[i] < 2^62. */
void slq_test_sqrt_round(const int64_t *x, int64_t *out, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    out[i] = slq_sqrt_round(x[i]);
  }
}

/*
 * One step. counters: {step, beta1_pow, beta2_pow} in and out; rng in and out; block_steps (one
 * per block, the catch-up schedule's counters) in and out. Returns NULL or the firmware's error
 * text (config errors included).
 */
const char *slq_test_step(const int32_t *config, int32_t length, uint8_t *m_codes,
                          int8_t *m_scales, uint8_t *r_codes, int8_t *r_scales, int32_t *counters,
                          uint64_t *rng, const int32_t *grad, int32_t grad_exp, int32_t *master,
                          int32_t *weights, int32_t *block_steps) {
  static int64_t scratch[2 * SLQ_MAX_BLOCK];
  slq_config c = config_of(config);
  const char *bad = slq_check_config(&c);
  if (bad != NULL) {
    return bad;
  }
  slq_state s = {length, m_codes, m_scales, r_codes, r_scales,
                 counters[0], counters[1], counters[2], *rng, block_steps};
  const char *error = slq_step(&c, &s, grad, grad_exp, master, weights, scratch);
  counters[0] = s.step;
  counters[1] = s.beta1_pow;
  counters[2] = s.beta2_pow;
  *rng = s.rng;
  return error;
}
