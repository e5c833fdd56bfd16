// ReckOn's own task on board:reckon: a port of upstream/src/tbench.sv (cue accumulation, the
// delayed-supervision navigation task) through the C ABI of spikeloop_reckon.h. Same
// configuration (upstream/src/tbench.h), same initial weights, same data, same pin sequence:
// events of time t go with tick t+1; after tick 2100 the label (training only), TARGET_VALID
// (training only) and INFER_ACC; SAMPLE low before tick 2250; the winner label on the output bus.
//
//   reckon_cue_accumulation --data DIR [--epochs 3] [--samples N] [--json]
//
// --samples limits each set to its first N samples (for a quick end-to-end check).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "spikeloop_reckon.h"

namespace {

constexpr int INPUTS = 40;
constexpr int RECURRENT = 100;
constexpr int OUTPUTS = 2;
constexpr int LABEL_TICK = 2100;   // label, TARGET_VALID and INFER_ACC from here on
constexpr int SAMPLE_TICKS = 2250; // SAMPLE goes low before the last tick

struct Event { int neuron; int time; };
struct Sample { std::vector<Event> events; int label; };

[[noreturn]] void die(const char *what, const std::string &detail) {
    std::fprintf(stderr, "reckon_cue_accumulation: %s: %s\n", what, detail.c_str());
    std::exit(1);
}

void check(reckon_board *b, int rc, const char *what) {
    if (rc != RECKON_OK) die(what, std::string(reckon_error_name(rc)) + ": " + reckon_last_error_detail(b));
}

std::vector<int> read_ints(const std::string &path) {
    FILE *f = std::fopen(path.c_str(), "r");
    if (f == nullptr) die("cannot open", path);
    std::vector<int> values;
    int v;
    while (std::fscanf(f, "%d", &v) == 1) values.push_back(v);
    std::fclose(f);
    return values;
}

// First line: sample count; then "neuron, time" lines; "-2, label" marks the supervision start,
// "-1, time" the end of a sample.
std::vector<Sample> read_dataset(const std::string &path) {
    FILE *f = std::fopen(path.c_str(), "r");
    if (f == nullptr) die("cannot open", path);
    int count = 0;
    if (std::fscanf(f, "%d", &count) != 1 || count <= 0) die("bad sample count in", path);
    std::vector<Sample> samples(count);
    for (Sample &s : samples) {
        s.label = -1;
        while (true) {
            Event e;
            if (std::fscanf(f, "%d , %d", &e.neuron, &e.time) != 2) die("truncated dataset", path);
            if (e.neuron == -1) break;
            if (e.neuron == -2) { s.label = e.time; continue; }
            if (e.neuron < 0 || e.neuron >= INPUTS || e.time < 0 || e.time >= SAMPLE_TICKS)
                die("event outside 40 inputs x 2250 ticks in", path);
            s.events.push_back(e);
        }
        if (s.label < 0 || s.label >= OUTPUTS) die("sample without a label 0/1 in", path);
    }
    std::fclose(f);
    return samples;
}

void configure(reckon_board *b) {
    struct { int address; uint32_t value; } registers[] = {
        {1, 0}, {2, 0}, {8, 0}, {9, 0}, {10, 0}, {11, 1},
        {12, 3}, {13, 3}, {14, 3}, {15, 3}, {16, 4}, {17, 6}, {18, 5}, {19, 2}, {20, 3}, {21, 1}, {22, 0},
        {25, 0}, {26, 1}, {27, 0}, {30, 0}, {31, 1}, {32, 0}, {33, 0}, {64, 0},
        {65, 0}, {66, 0}, {67, 0}, {68, 0}, {69, 0x79},
        {70, 205}, {71, 205}, {72, 205}, {73, 205}, {74, 0}, {75, 0}, {76, 0}, {77, 0}, {78, 1},
        {79, 0}, {80, 8}, {81, 0}, {82, 8}, {83, 0}, {84, 14},
        {85, 0xF0F0}, {86, 0xF1F1}, {87, 0xF2F2}, {88, 0x3F3FF3F3}, {89, 0xF4F4}, {90, 0x3F5FF5F5},
        {91, 0x3F6FF6F6}, {92, 0x3F7FF7F7}, {93, 0x00FF0},
        {94, INPUTS - 1}, {95, RECURRENT - 1}, {96, OUTPUTS - 1},
        {98, 160}, {99, 0}, {100, 10}, {101, 0}, {102, 10}, {103, 0}, {104, 0},
    };
    for (auto &r : registers) check(b, reckon_write_register(b, r.address, r.value), "register");
}

void load_weights(reckon_board *b, const std::string &dir) {
    struct { const char *file; int tensor, pres, posts; } tensors[] = {
        {"init_rand_weights_inp_cueAcc.dat", RECKON_TENSOR_INPUT, INPUTS, RECURRENT},
        {"init_rand_weights_rec_cueAcc.dat", RECKON_TENSOR_RECURRENT, RECURRENT, RECURRENT},
        {"init_rand_weights_out_cueAcc.dat", RECKON_TENSOR_OUTPUT, RECURRENT, OUTPUTS},
    };
    for (auto &t : tensors) {
        std::vector<int> values = read_ints(dir + "/" + t.file);
        if ((int)values.size() != t.pres * t.posts) die("wrong weight count in", t.file);
        std::vector<int8_t> w(values.size());
        for (size_t i = 0; i < values.size(); i++) {
            if (values[i] < -128 || values[i] > 127) die("weight outside int8 in", t.file);
            w[i] = (int8_t)values[i];
        }
        check(b, reckon_write_weights(b, t.tensor, 0, t.pres, t.posts, w.data()), "weights");
        // read back over SPI: the burst layout must hold
        std::vector<int8_t> back(w.size());
        check(b, reckon_read_weights(b, t.tensor, 0, t.pres, t.posts, back.data()), "weight readback");
        if (back != w) die("weight readback differs from what was written", t.file);
    }
    // neuron words 0..99 (neurons 0..199): alpha LSBs 0xFEF, threshold 614, state zero
    std::vector<uint32_t> chunks(400);
    for (int word = 0; word < 100; word++) {
        chunks[word * 4 + 0] = 0;
        chunks[word * 4 + 1] = 0;
        chunks[word * 4 + 2] = 0;
        chunks[word * 4 + 3] = (0xFEFu << 20) | (614u << 4);  // bits 127:116 alpha, 115:100 threshold
    }
    check(b, reckon_write_neuron_chunks(b, 0, 400, chunks.data()), "neurons");
}

struct SampleResult { int inference; uint64_t cycles; };

SampleResult run_sample(reckon_board *b, const Sample &s, bool train) {
    uint64_t start = reckon_cycles(b);
    check(b, reckon_begin_sample(b), "begin sample");
    std::vector<uint8_t> events;
    size_t next = 0;
    uint8_t out[4];
    int out_count = 0;
    unsigned flags = 0;
    for (int tick = 1; tick < SAMPLE_TICKS; tick++) {
        events.clear();
        while (next < s.events.size() && s.events[next].time == tick - 1) events.push_back((uint8_t)s.events[next++].neuron);
        int label = -1;
        if (tick == LABEL_TICK + 1) {
            if (train) label = s.label;
            flags = (train ? RECKON_STEP_TARGET_VALID : 0u) | RECKON_STEP_INFER_ACC;
        }
        check(b, reckon_step(b, events.data(), (int)events.size(), label, flags, out, sizeof out, &out_count), "step");
        if (out_count != 0) die("step", "unexpected output-bus byte during a sample");
    }
    // events at time 2249 would go with the last tick; the datasets end at 2250 with none there
    while (next < s.events.size()) next++;
    check(b, reckon_end_sample(b, out, sizeof out, &out_count), "end sample");
    return {out[0] & 0xF, reckon_cycles(b) - start};
}

}  // namespace

int main(int argc, char **argv) {
    std::string data;
    int epochs = 3;
    int limit = 0;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--data" && i + 1 < argc) data = argv[++i];
        else if (a == "--epochs" && i + 1 < argc) epochs = std::atoi(argv[++i]);
        else if (a == "--samples" && i + 1 < argc) limit = std::atoi(argv[++i]);
        else if (a == "--json") json = true;
        else die("unknown argument", a + " (usage: --data DIR [--epochs N] [--samples N] [--json])");
    }
    if (data.empty() || epochs < 1) die("usage", "--data DIR [--epochs N>=1] [--samples N] [--json]");
    std::vector<Sample> train = read_dataset(data + "/dataset_cueAcc_train.dat");
    std::vector<Sample> test = read_dataset(data + "/dataset_cueAcc_test.dat");
    if (limit > 0) {
        if ((int)train.size() > limit) train.resize(limit);
        if ((int)test.size() > limit) test.resize(limit);
    }

    reckon_board *b = reckon_open();
    if (b == nullptr) die("reckon_open", "out of memory");
    configure(b);
    load_weights(b, data);

    auto started = std::chrono::steady_clock::now();
    std::string epochs_json;
    double last_test = 0;
    for (int e = 1; e <= epochs; e++) {
        double accuracy[2];
        uint64_t cycles = 0;
        int samples = 0;
        for (int phase = 0; phase < 2; phase++) {
            bool training = phase == 0;
            check(b, reckon_write_register(b, 9, training ? 7 : 0), "SPI_DO_EPROP");
            const std::vector<Sample> &set = training ? train : test;
            int correct = 0;
            for (const Sample &s : set) {
                SampleResult r = run_sample(b, s, training);
                correct += r.inference == s.label;
                cycles += r.cycles;
                samples++;
            }
            accuracy[phase] = (double)correct / set.size();
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        last_test = accuracy[1];
        if (!json)
            std::printf("epoch %d: train accuracy %.2f, test accuracy %.2f, %.0f cycles/sample, %.0f s so far\n", e,
                        accuracy[0], accuracy[1], (double)cycles / samples, seconds);
        std::fflush(stdout);
        char entry[256];
        std::snprintf(entry, sizeof entry,
                      "%s{\"epoch\":%d,\"trainAccuracy\":%.4f,\"testAccuracy\":%.4f,\"cyclesPerSample\":%.0f,\"wallSeconds\":%.1f}",
                      e > 1 ? "," : "", e, accuracy[0], accuracy[1], (double)cycles / samples, seconds);
        epochs_json += entry;
    }
    if (json)
        std::printf("{\"device\":\"board:reckon\",\"trainSamples\":%zu,\"testSamples\":%zu,\"testAccuracy\":%.4f,\"epochs\":[%s]}\n",
                    train.size(), test.size(), last_test, epochs_json.c_str());
    reckon_close(b);
    return 0;
}
