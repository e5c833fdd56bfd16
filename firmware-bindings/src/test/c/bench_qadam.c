/*
 * The firmware's quantized Adam alone, without Java: CPU time of slq_step per parameter on one
 * tensor of 46164 parameters (block 64), 8- and 4-bit state, dense gradients and 3 % nonzero
 * ones, the same setup as io.spikeloop.bench.QuantizedAdamBenchmark (300 warm-up steps, 500
 * timed). Build and run: make -C firmware-bindings/src/test/c bench-qadam (docs/performance.md).
 */
#define _POSIX_C_SOURCE 199309L
#include "spikeloop_qadam.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { N = 46164, BLOCK = 64, WARMUP = 300, STEPS = 500 };

static int32_t grad[N], master[N], weights[N];
static uint8_t m_codes[N], r_codes[N];
static int8_t m_scales[(N + BLOCK - 1) / BLOCK], r_scales[(N + BLOCK - 1) / BLOCK];
static int64_t scratch[2 * BLOCK];

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double ns_per_parameter(int32_t bits, int32_t percent_nonzero) {
  /* Java QuantizedAdamConfig.defaults(20): betas 0.9 / 0.999, lr 20 master LSBs, eps 2^-27 */
  slq_config c = {bits, BLOCK, 943718, 1047527, 20 << 16, -27, 8, 8, SLQ_DENSE};
  slq_state s = {N, m_codes, m_scales, r_codes, r_scales, 0, 0, 0, 0};
  slq_init(&c, &s, 1);
  srand(1);
  for (int i = 0; i < N; i++) {
    master[i] = 0;
    int g = rand() % 65535 - 32767;
    grad[i] = rand() % 100 < percent_nonzero ? g / (1 << (rand() % 10)) : 0;
  }
  for (int t = 0; t < WARMUP; t++) {
    slq_step(&c, &s, grad, -20, master, weights, scratch);
  }
  double start = cpu_seconds();
  for (int t = 0; t < STEPS; t++) {
    if (slq_step(&c, &s, grad, -20, master, weights, scratch) != NULL) {
      fprintf(stderr, "step refused\n");
      exit(1);
    }
  }
  return (cpu_seconds() - start) * 1e9 / STEPS / N;
}

int main(void) {
  printf("firmware quantized Adam step, %d parameters, block %d\n", N, BLOCK);
  for (int32_t bits = 8; bits >= 4; bits -= 4) {
    for (int32_t p = 100; p >= 3; p = p == 100 ? 3 : 0) {
      printf("%d-bit state, %3d%% nonzero gradients: %.1f ns CPU per parameter per step\n", bits, p,
             ns_per_parameter(bits, p));
    }
  }
  return 0;
}
