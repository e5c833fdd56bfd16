// Steps per CPU-second of board:reckon on the full 256-256-16 network (the figure sim:reckon's
// ">= 100x" target is measured against; docs/performance.md):
//   reckon_bench [--steps N]
// Three loads: idle ticks; 10 input events per tick; 10 events per tick with e-prop
// (TARGET_VALID, all tensors learning). Random weights (seeded), threshold high enough that the
// network stays sparse. CPU time of this process (clock()), so other load on the machine does
// not count.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "spikeloop_reckon.h"

namespace {

void check(reckon_board *b, int rc, const char *what) {
    if (rc != RECKON_OK) {
        std::fprintf(stderr, "reckon_bench: %s: %s: %s\n", what, reckon_error_name(rc), reckon_last_error_detail(b));
        std::exit(1);
    }
}

void configure(reckon_board *b, bool learning) {
    std::mt19937 rng(16);
    std::uniform_int_distribution<int> weight(-20, 20);
    check(b, reckon_write_register(b, 9, learning ? 7 : 0), "SPI_DO_EPROP");
    check(b, reckon_write_register(b, 12, 3), "WINP shift");
    check(b, reckon_write_register(b, 13, 3), "WREC shift");
    check(b, reckon_write_register(b, 14, 3), "WOUT shift");
    check(b, reckon_write_register(b, 69, 0x79), "kappa");
    check(b, reckon_write_register(b, 78, 1), "H_4");
    check(b, reckon_write_register(b, 80, 8), "LR_P_WINP");
    check(b, reckon_write_register(b, 82, 8), "LR_P_WREC");
    check(b, reckon_write_register(b, 84, 14), "LR_P_WOUT");
    std::vector<int8_t> w(256 * 256);
    for (int tensor : {RECKON_TENSOR_INPUT, RECKON_TENSOR_RECURRENT}) {
        for (auto &x : w) x = (int8_t)weight(rng);
        check(b, reckon_write_weights(b, tensor, 0, 256, 256, w.data()), "weights");
    }
    for (int i = 0; i < 256 * 16; i++) w[i] = (int8_t)weight(rng);
    check(b, reckon_write_weights(b, RECKON_TENSOR_OUTPUT, 0, 256, 16, w.data()), "output weights");
    std::vector<uint32_t> chunks(512);
    for (int word = 0; word < 128; word++) chunks[word * 4 + 3] = (0xFEFu << 20) | (600u << 4);
    check(b, reckon_write_neuron_chunks(b, 0, 512, chunks.data()), "neurons");
}

// Runs `steps` ticks in one sample; returns CPU seconds and the chip cycles used.
void run(const char *name, int steps, int events_per_step, bool learning) {
    reckon_board *b = reckon_open();
    configure(b, learning);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> input(0, 255);
    std::vector<uint8_t> events(events_per_step);
    uint8_t out[4];
    int out_count;
    check(b, reckon_begin_sample(b), "begin");
    check(b, reckon_step(b, nullptr, 0, -1, 0, out, sizeof out, &out_count), "first step");
    unsigned flags = learning ? RECKON_STEP_TARGET_VALID : 0u;
    int label = learning ? 3 : -1;
    uint64_t cycles0 = reckon_cycles(b);
    std::clock_t start = std::clock();
    for (int s = 0; s < steps; s++) {
        for (auto &e : events) e = (uint8_t)input(rng);
        check(b, reckon_step(b, events.data(), events_per_step, s == 0 ? label : -1, flags, out, sizeof out, &out_count),
              "step");
    }
    double cpu = (double)(std::clock() - start) / CLOCKS_PER_SEC;
    uint64_t cycles = reckon_cycles(b) - cycles0;
    std::printf("%-22s %6d steps  %8.2f ms/step  %8.1f steps/CPU-s  %7.0f cycles/step  %6.3f Mcycles/CPU-s\n", name,
                steps, 1000 * cpu / steps, steps / cpu, (double)cycles / steps, cycles / cpu / 1e6);
    check(b, reckon_end_sample(b, out, sizeof out, &out_count), "end");
    reckon_close(b);
}

}  // namespace

int main(int argc, char **argv) {
    int steps = 200;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--steps" && i + 1 < argc) steps = std::atoi(argv[++i]);
        else { std::fprintf(stderr, "usage: reckon_bench [--steps N]\n"); return 2; }
    }
    std::printf("board:reckon on 256-256-16 (verilated RTL, pins only)\n");
    run("idle", steps, 0, false);
    run("10 events/step", steps, 10, false);
    run("10 events/step, e-prop", steps, 10, true);
    return 0;
}
