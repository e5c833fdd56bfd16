/*
 * The reference firmware's own speed, without Java: the SHD-size network of
 * io.spikeloop.bench.NativeBoardBenchmark (700 inputs at 3% density, 450 recurrent LIF,
 * 20 outputs, uniform int8 weights, theta 1160) run through spikeloop_run in batches of 4000.
 * Build and run: make -C firmware-bindings/src/test/c bench (see docs/performance.md).
 */
#define _POSIX_C_SOURCE 199309L
#include "spikeloop_driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { INPUTS = 700, HIDDEN = 450, OUTPUTS = 20, STEPS = 4000 };

static int32_t w_in[HIDDEN * INPUTS], w_rec[HIDDEN * HIDDEN], w_out[OUTPUTS * HIDDEN];
static int32_t axons[STEPS * INPUTS], offsets[STEPS + 1], outputs[STEPS * OUTPUTS];
static int64_t sops[STEPS];

static void fill(int32_t *w, int n) {
  for (int i = 0; i < n; i++) {
    w[i] = rand() % 256 - 128;
  }
}

int main(void) {
  spikeloop_board *b;
  spikeloop_layer_config layer = {HIDDEN, 1, 8, 0, 24, 1160, 3900, INPUTS};
  spikeloop_output_config out = {OUTPUTS, 8, 0, 24, 3900};
  srand(7);
  fill(w_in, HIDDEN * INPUTS);
  fill(w_rec, HIDDEN * HIDDEN);
  fill(w_out, OUTPUTS * HIDDEN);
  int n = 0;
  for (int t = 0; t < STEPS; t++) {
    for (int i = 0; i < INPUTS; i++) {
      if (rand() % 1000 < 30) {
        axons[n++] = i;
      }
    }
    offsets[t + 1] = n;
  }
  if (spikeloop_open("ref", &b) != SPIKELOOP_OK ||
      spikeloop_configure(b, INPUTS, &layer, 1, &out) != SPIKELOOP_OK ||
      spikeloop_write_weights(b, "layer0.in", w_in, HIDDEN * INPUTS) != SPIKELOOP_OK ||
      spikeloop_write_weights(b, "layer0.rec", w_rec, HIDDEN * HIDDEN) != SPIKELOOP_OK ||
      spikeloop_write_weights(b, "out.w", w_out, OUTPUTS * HIDDEN) != SPIKELOOP_OK) {
    fprintf(stderr, "setup failed: %s / %s\n", spikeloop_last_error(NULL), spikeloop_last_error(b));
    return 1;
  }
  for (int rep = 0; rep < 5; rep++) {
    struct timespec t0, t1;
    int64_t first;
    spikeloop_reset(b);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = spikeloop_run(b, STEPS, axons, offsets, NULL, SPIKELOOP_READOUT_OUTPUTS, &first, outputs,
                           sops, NULL, 0, NULL, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != SPIKELOOP_OK) {
      fprintf(stderr, "run failed: %s\n", spikeloop_last_error(b));
      return 1;
    }
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    long long total = 0;
    for (int t = 0; t < STEPS; t++) {
      total += sops[t];
    }
    printf("firmware alone: %.0f steps/s, %.2f us/step, %.0f MSOP/s, %lld SOPs/step\n",
           STEPS / s, 1e6 * s / STEPS, (double)total / s / 1e6, total / STEPS);
  }
  spikeloop_close(b);
  return 0;
}
