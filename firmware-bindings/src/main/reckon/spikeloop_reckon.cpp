// board:reckon: the verilated ReckOn RTL behind the C ABI of spikeloop_reckon.h, driven only
// through the chip's pins. Contract and timing choices: docs/reckon-board.md.
#include "spikeloop_reckon.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

#include "Vreckon.h"
#include "verilated.h"

// Verilator wants this symbol when the model calls $time; the chip's RTL does not, but the
// runtime library references it.
double sc_time_stamp() { return 0; }

namespace {

// SCK half period in CLK cycles at a word boundary: SCK = CLK/8. MISO's first bit of a read
// comes from a readback register that needs 4 CLK edges after the header; at CLK/4 or CLK/6 a
// read returns the previous read's value (measured, see ../shared/boards/reckon/README.md).
constexpr int SCK_HALF_PERIOD_CYCLES = 4;
// The CLK domain takes part in a transfer only around word boundaries (spi_slave.v): the
// negedge that ends a word raises PROG_* / READ_* (with SPI_ADDR, SPI_DATA), which pass a
// two-flop synchroniser; the readback register must hold the word before MISO's first bit is
// sampled, and the next negedge (end of the word's first bit) drops PROG_* / READ_*, which the
// synchronisers must see low before the next word raises them again. So the first
// WORD_EDGE_BITS bits of every 32-bit word run at CLK/8; the rest only shift the SCK-domain
// registers and run at SCK = CLK (one CLK cycle per bit), 7x fewer clock cycles per word.
constexpr int WORD_EDGE_BITS = 2;
// TIME_TICK, SAMPLE, TARGET_VALID, INFER_ACC and AERIN_REQ pass a two-flop synchroniser; holding
// a level this many cycles lets the core see it.
constexpr int PIN_SETTLE_CYCLES = 4;
constexpr int RESET_CYCLES = 4;
// Bound on one AER handshake edge (the REQ synchroniser needs 2-3 cycles).
constexpr int AER_HANDSHAKE_BOUND_CYCLES = 64;
// Bound on one time step of the core: ~2(N+1) + (N_rec+2) per input event or hidden spike + the
// e-prop pass; the worst case on 256-256-16 (256 events + 256 spikes + learning) is ~145k cycles.
constexpr uint64_t STEP_BOUND_CYCLES = 400000;
// A core waiting for its label shows REQ_TAR on MISO (SPI_GET_TAR_REQ_OUT = 1); this many
// consecutive cycles of it is not a glitch.
constexpr int MISSING_LABEL_CYCLES = 16;

constexpr int NEURON_CHUNKS = 512;   // 128 words x 4 chunks of 32 bit
constexpr int OUTPUT_NEURONS = 16;
constexpr int INPUT_NEURONS = 256;
constexpr int RECURRENT_NEURONS = 256;
constexpr int MAX_BURST = 4095;      // 12-bit count field of the SPI header

uint32_t register_reset_value(int address) {
    switch (address) {
        case 0: return 1;      // SPI_EN_CONF
        case 3: return 1;      // SPI_GET_TAR_REQ_OUT
        case 9: return 7;      // SPI_DO_EPROP
        case 11: return 1;     // SPI_ERROR_HALT
        case 26: return 1;     // SPI_SINGLE_LABEL
        case 31: return 1;     // SPI_SEND_LABEL_ONLY
        case 69: return 0x7A;  // SPI_KAPPA
        case 94: return 0xFF;  // SPI_NUM_INP_NEUR
        case 95: return 0xFF;  // SPI_NUM_REC_NEUR
        case 96: return 0xF;   // SPI_NUM_OUT_NEUR
        default: return 0;     // reset value 0, or none (the verilated model starts at 0)
    }
}

}  // namespace

struct reckon_board {
    VerilatedContext *context;
    Vreckon *chip;
    uint64_t cycles;
    // Host-side shadow of what the pins cannot read back.
    uint32_t registers[RECKON_REG_COUNT];
    bool in_sample;
    int ticks_in_sample;
    bool parked;
    bool unverified_tick;  // a NO_WAIT tick whose timing has not been checked yet
    bool timing_error;     // sticky until reset
    char detail[256];
};

namespace {

int fail(reckon_board *b, int code, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(b->detail, sizeof b->detail, format, args);
    va_end(args);
    return code;
}

void clock_cycle(reckon_board *b) {
    b->chip->CLK_EXT = 0;
    b->chip->eval();
    b->chip->CLK_EXT = 1;
    b->chip->eval();
    b->cycles++;
}

void clock_cycles(reckon_board *b, int n) {
    for (int i = 0; i < n; i++) clock_cycle(b);
}

// One SPI bit at SCK = CLK/8: MOSI set while SCK is low, sampled by the chip on SCK's rising
// edge; MISO read just before that edge (the chip shifts it out on the falling edge).
int spi_bit(reckon_board *b, int mosi) {
    b->chip->MOSI = mosi & 1;
    clock_cycles(b, SCK_HALF_PERIOD_CYCLES);
    int miso = b->chip->MISO & 1;
    b->chip->SCK = 1;
    b->chip->eval();
    clock_cycles(b, SCK_HALF_PERIOD_CYCLES);
    b->chip->SCK = 0;
    b->chip->eval();
    return miso;
}

// One SPI bit inside a word at SCK = CLK: one CLK cycle, then SCK's rising and falling edges
// while CLK is high; MOSI set while SCK is low, MISO read just before SCK rises, as above.
int spi_bit_mid_word(reckon_board *b, int mosi) {
    b->chip->MOSI = mosi & 1;
    clock_cycle(b);
    int miso = b->chip->MISO & 1;
    b->chip->SCK = 1;
    b->chip->eval();
    b->chip->SCK = 0;
    b->chip->eval();
    return miso;
}

uint32_t spi_word(reckon_board *b, uint32_t out) {
    uint32_t in = 0;
    for (int bit = 31; bit >= 0; bit--) {
        int mosi = (int)(out >> bit) & 1;
        int miso = bit > 31 - WORD_EDGE_BITS ? spi_bit(b, mosi) : spi_bit_mid_word(b, mosi);
        in = (in << 1) | (uint32_t)miso;
    }
    return in;
}

uint32_t spi_header(bool read, int code, int count, int address) {
    return (read ? 1u << 31 : 0u) | ((uint32_t)code & 7u) << 28 | ((uint32_t)count & 0xFFFu) << 16 |
           ((uint32_t)address & 0xFFFFu);
}

void spi_write_burst(reckon_board *b, int code, int address, int count, const uint32_t *data) {
    spi_word(b, spi_header(false, code, count, address));
    for (int i = 0; i < count; i++) spi_word(b, data[i]);
    // The last word's PROG_* pulse is raised by the burst's last SCK edge and reaches the SRAM
    // through a two-flop synchroniser on the third CLK edge after it. Without CLK edges here it
    // would wait for the next transfer's first bit, and a reset before that (RST clears PROG_*
    // asynchronously) would drop the write: the lock-step caught a lost W_out row.
    clock_cycles(b, PIN_SETTLE_CYCLES);
}

void spi_read_burst(reckon_board *b, int code, int address, int count, uint32_t *data) {
    spi_word(b, spi_header(true, code, count, address));
    for (int i = 0; i < count; i++) data[i] = spi_word(b, 0);
}

void write_register_pins(reckon_board *b, int address, uint32_t value) {
    spi_write_burst(b, RECKON_SPI_CONFIG, address, 1, &value);
    b->registers[address] = value;
}

// SRAM access over SPI needs SPI_EN_CONF = 1. Between samples and parked in CONFIG the driver
// opens it itself. Inside a sample, unparked, reads are allowed while the core waits for its
// next tick (PROP with no event left: without a tick the FSM cannot move and does not touch
// the SRAMs); SPI_EN_CONF is closed again afterwards, or the next tick would park the core.
// Writes inside a sample need the core parked.
int enter_sram_access(reckon_board *b, bool write) {
    if (b->timing_error) return fail(b, RECKON_ERR_TIMING, "timing error latched; reset the board");
    if (b->in_sample && !b->parked) {
        if (write)
            return fail(b, RECKON_ERR_STATE, "SRAM writes inside a sample need the core parked (RECKON_STEP_PARK)");
        if (b->unverified_tick || !(b->chip->TIMING_ERROR_RDY & 1))
            return fail(b, RECKON_ERR_STATE, "the core is busy with a tick: no readback now");
    }
    if (b->registers[RECKON_REG_SPI_EN_CONF] != 1) write_register_pins(b, RECKON_REG_SPI_EN_CONF, 1);
    return RECKON_OK;
}

void leave_sram_access(reckon_board *b) {
    if (b->in_sample && !b->parked) write_register_pins(b, RECKON_REG_SPI_EN_CONF, 0);
}

int aer_send(reckon_board *b, int address, bool target) {
    b->chip->AERIN_ADDR = (uint8_t)address;
    b->chip->AERIN_TAR_EN = target ? 1 : 0;
    clock_cycle(b);
    b->chip->AERIN_REQ = 1;
    int waited = 0;
    while (!b->chip->AERIN_ACK) {
        if (++waited > AER_HANDSHAKE_BOUND_CYCLES) {
            b->chip->AERIN_REQ = 0;
            return fail(b, RECKON_ERR_AER_TIMEOUT, "AERIN_ACK did not rise within %d cycles (address %d)",
                        AER_HANDSHAKE_BOUND_CYCLES, address);
        }
        clock_cycle(b);
    }
    b->chip->AERIN_REQ = 0;
    waited = 0;
    while (b->chip->AERIN_ACK) {
        if (++waited > AER_HANDSHAKE_BOUND_CYCLES)
            return fail(b, RECKON_ERR_AER_TIMEOUT, "AERIN_ACK did not fall within %d cycles (address %d)",
                        AER_HANDSHAKE_BOUND_CYCLES, address);
        clock_cycle(b);
    }
    b->chip->AERIN_TAR_EN = 0;
    return RECKON_OK;
}

int check_timing_error_pin(reckon_board *b, int *latched) {
    // TIMING_ERROR_RDY shows TIMING_ERROR only in timing mode 1; the mux is static, so flipping
    // it while the core is idle or waiting disturbs nothing else.
    write_register_pins(b, RECKON_REG_TIMING_MODE, 1);
    clock_cycles(b, 2);
    *latched = b->chip->TIMING_ERROR_RDY & 1;
    write_register_pins(b, RECKON_REG_TIMING_MODE, 0);
    return RECKON_OK;
}

// After a NO_WAIT tick: was the next tick on time?
int verify_previous_tick(reckon_board *b) {
    if (!b->unverified_tick) return RECKON_OK;
    b->unverified_tick = false;
    int latched = 0;
    check_timing_error_pin(b, &latched);
    if (latched) {
        b->timing_error = true;
        return fail(b, RECKON_ERR_TIMING, "TIMING_ERROR latched: a TIME_TICK came while the core was busy; reset the board");
    }
    return RECKON_OK;
}

// Output-bus handshake for one byte (OUT_REQ is high on entry).
int take_output_byte(reckon_board *b, uint8_t *out, int capacity, int *count) {
    uint8_t value = b->chip->OUT_DATA;
    if (*count >= capacity)
        return fail(b, RECKON_ERR_OUTPUT_OVERFLOW, "output bus sent more than %d bytes", capacity);
    out[(*count)++] = value;
    b->chip->OUT_ACK = 1;
    int waited = 0;
    while (b->chip->OUT_REQ) {
        if (++waited > AER_HANDSHAKE_BOUND_CYCLES)
            return fail(b, RECKON_ERR_BUSY, "OUT_REQ did not fall within %d cycles of OUT_ACK", AER_HANDSHAKE_BOUND_CYCLES);
        clock_cycle(b);
    }
    b->chip->OUT_ACK = 0;
    clock_cycles(b, PIN_SETTLE_CYCLES);  // OUT_ACK passes a synchroniser before the next request
    return RECKON_OK;
}

// Waits (bounded) until TIMING_ERROR_RDY (timing mode 0: core idle or waiting in PROP) or, with
// park, SPI_RDY; collects output-bus bytes on the way; names a core stuck in GET_TAR.
int wait_ready(reckon_board *b, bool park, uint8_t *out, int capacity, int *count) {
    int tar_request_cycles = 0;
    for (uint64_t waited = 0; waited < STEP_BOUND_CYCLES; waited++) {
        if (b->chip->OUT_REQ) {
            int rc = take_output_byte(b, out, capacity, count);
            if (rc != RECKON_OK) return rc;
            continue;
        }
        if (park ? (b->chip->SPI_RDY & 1) : (b->chip->TIMING_ERROR_RDY & 1)) return RECKON_OK;
        // MISO shows REQ_TAR while no SPI transfer runs (SPI_GET_TAR_REQ_OUT = 1)
        if (b->registers[RECKON_REG_GET_TAR_REQ_OUT] && (b->chip->MISO & 1)) {
            if (++tar_request_cycles >= MISSING_LABEL_CYCLES)
                return fail(b, RECKON_ERR_MISSING_LABEL,
                            "the core waits for a label (TARGET_VALID with e-prop on, no label sent in this sample)");
        } else {
            tar_request_cycles = 0;
        }
        clock_cycle(b);
    }
    if (park) return fail(b, RECKON_ERR_PARK_TIMEOUT, "SPI_RDY did not rise within %llu cycles", (unsigned long long)STEP_BOUND_CYCLES);
    return fail(b, RECKON_ERR_BUSY, "the core was not ready within %llu cycles", (unsigned long long)STEP_BOUND_CYCLES);
}

void tick_pulse(reckon_board *b) {
    b->chip->TIME_TICK = 1;
    clock_cycles(b, PIN_SETTLE_CYCLES);
    b->chip->TIME_TICK = 0;
    // the synchroniser's last stage and the FSM's reaction: after this the ready pin is fresh
    clock_cycles(b, PIN_SETTLE_CYCLES);
}

int words_per_pre(int tensor) { return tensor == RECKON_TENSOR_OUTPUT ? 4 : 64; }
int posts_of(int tensor) { return tensor == RECKON_TENSOR_OUTPUT ? OUTPUT_NEURONS : RECURRENT_NEURONS; }
int pres_of(int tensor) { return tensor == RECKON_TENSOR_INPUT ? INPUT_NEURONS : RECURRENT_NEURONS; }

int check_weight_block(reckon_board *b, int tensor, int pre_first, int pre_count, int post_count, const void *w) {
    if (tensor != RECKON_TENSOR_INPUT && tensor != RECKON_TENSOR_RECURRENT && tensor != RECKON_TENSOR_OUTPUT)
        return fail(b, RECKON_ERR_ARGUMENT, "unknown weight tensor %d (3 input, 4 recurrent, 5 output)", tensor);
    if (w == nullptr) return fail(b, RECKON_ERR_ARGUMENT, "weights pointer is null");
    if (pre_first < 0 || pre_count < 0 || pre_first + pre_count > pres_of(tensor))
        return fail(b, RECKON_ERR_ARGUMENT, "pre rows %d..%d outside 0..%d", pre_first, pre_first + pre_count - 1,
                    pres_of(tensor) - 1);
    if (post_count < 1 || post_count > posts_of(tensor))
        return fail(b, RECKON_ERR_ARGUMENT, "post count %d outside 1..%d", post_count, posts_of(tensor));
    return RECKON_OK;
}

}  // namespace

extern "C" {

const char *spikeloop_target(void) { return "reckon"; }
int spikeloop_reckon_abi_version(void) { return SPIKELOOP_RECKON_ABI_VERSION; }

const char *reckon_error_name(int code) {
    switch (code) {
        case RECKON_OK: return "OK";
        case RECKON_ERR_ARGUMENT: return "ARGUMENT";
        case RECKON_ERR_STATE: return "STATE";
        case RECKON_ERR_BUSY: return "BUSY";
        case RECKON_ERR_MISSING_LABEL: return "MISSING_LABEL";
        case RECKON_ERR_TIMING: return "TIMING";
        case RECKON_ERR_LABEL_TOO_EARLY: return "LABEL_TOO_EARLY";
        case RECKON_ERR_AER_TIMEOUT: return "AER_TIMEOUT";
        case RECKON_ERR_PARK_TIMEOUT: return "PARK_TIMEOUT";
        case RECKON_ERR_OUTPUT_OVERFLOW: return "OUTPUT_OVERFLOW";
        case RECKON_ERR_NO_OUTPUT: return "NO_OUTPUT";
        default: return "UNKNOWN";
    }
}

reckon_board *reckon_open(void) {
    reckon_board *b = new (std::nothrow) reckon_board();
    if (b == nullptr) return nullptr;
    b->context = new (std::nothrow) VerilatedContext();
    if (b->context == nullptr) {
        delete b;
        return nullptr;
    }
    b->chip = new (std::nothrow) Vreckon(b->context, "reckon");
    if (b->chip == nullptr) {
        delete b->context;
        delete b;
        return nullptr;
    }
    b->chip->CLK_INT_EN = 0;
    b->chip->SCK = 0;
    b->chip->MOSI = 0;
    b->chip->AERIN_ADDR = 0;
    b->chip->AERIN_REQ = 0;
    b->chip->AERIN_TAR_EN = 0;
    b->chip->SAMPLE = 0;
    b->chip->TIME_TICK = 0;
    b->chip->TARGET_VALID = 0;
    b->chip->INFER_ACC = 0;
    b->chip->OUT_ACK = 0;
    b->chip->RST = 0;
    // the first eval only settles the model: an edge is seen from the second on
    b->chip->eval();
    clock_cycle(b);
    reckon_reset(b);
    return b;
}

void reckon_close(reckon_board *b) {
    if (b == nullptr) return;
    b->chip->final();
    delete b->chip;
    delete b->context;
    delete b;
}

const char *reckon_last_error_detail(const reckon_board *b) { return b->detail; }

int reckon_reset(reckon_board *b) {
    b->chip->SAMPLE = 0;
    b->chip->TIME_TICK = 0;
    b->chip->TARGET_VALID = 0;
    b->chip->INFER_ACC = 0;
    b->chip->AERIN_REQ = 0;
    b->chip->AERIN_TAR_EN = 0;
    b->chip->OUT_ACK = 0;
    b->chip->SCK = 0;
    b->chip->RST = 0;
    b->chip->eval();
    b->chip->RST = 1;  // rising edge: the SPI slave resets asynchronously, the core on CLK
    b->chip->eval();
    clock_cycles(b, RESET_CYCLES);
    b->chip->RST = 0;
    b->chip->eval();
    clock_cycles(b, RESET_CYCLES);
    for (int a = 0; a < RECKON_REG_COUNT; a++) b->registers[a] = register_reset_value(a);
    b->in_sample = false;
    b->ticks_in_sample = 0;
    b->parked = false;
    b->unverified_tick = false;
    b->timing_error = false;
    b->detail[0] = '\0';
    return RECKON_OK;
}

int reckon_write_register(reckon_board *b, int address, uint32_t value) {
    if (address < 0 || address >= RECKON_REG_COUNT)
        return fail(b, RECKON_ERR_ARGUMENT, "register address %d outside 0..%d", address, RECKON_REG_COUNT - 1);
    if (address == RECKON_REG_SPI_EN_CONF)
        return fail(b, RECKON_ERR_ARGUMENT, "SPI_EN_CONF is the driver's: it parks the core (RECKON_STEP_PARK) and opens SRAM access itself");
    if (address == RECKON_REG_TIMING_MODE && value != 0)
        return fail(b, RECKON_ERR_ARGUMENT, "SPI_TIMING_MODE stays 0: the driver uses TIMING_ERROR_RDY as its ready pin");
    if (b->in_sample && !b->parked)
        return fail(b, RECKON_ERR_STATE, "registers live in the SCK domain unsynchronised: write them between samples or parked");
    // seeds reach the LFSRs only through SPI_EN_CONF-gated synchronisers: configure in config mode
    if (b->registers[RECKON_REG_SPI_EN_CONF] != 1) write_register_pins(b, RECKON_REG_SPI_EN_CONF, 1);
    write_register_pins(b, address, value);
    return RECKON_OK;
}

int reckon_read_register_shadow(const reckon_board *b, int address, uint32_t *value) {
    if (address < 0 || address >= RECKON_REG_COUNT || value == nullptr) return RECKON_ERR_ARGUMENT;
    *value = b->registers[address];
    return RECKON_OK;
}

int reckon_write_weights(reckon_board *b, int tensor, int pre_first, int pre_count, int post_count,
                         const int8_t *weights) {
    int rc = check_weight_block(b, tensor, pre_first, pre_count, post_count, weights);
    if (rc == RECKON_OK) rc = enter_sram_access(b, true);
    if (rc != RECKON_OK) return rc;
    int chunks = (post_count + 3) / 4;
    uint32_t row[64];
    for (int p = 0; p < pre_count; p++) {
        const int8_t *src = weights + (size_t)p * post_count;
        for (int c = 0; c < chunks; c++) {
            uint32_t word = 0;
            for (int k = 0; k < 4; k++) {
                int post = c * 4 + k;
                // posts past post_count in the last chunk are written 0 (the SRAM has no byte mask over SPI)
                uint8_t byte = post < post_count ? (uint8_t)src[post] : 0;
                word |= (uint32_t)byte << (8 * k);
            }
            row[c] = word;
        }
        spi_write_burst(b, tensor, (pre_first + p) * words_per_pre(tensor), chunks, row);
    }
    return RECKON_OK;
}

int reckon_read_weights(reckon_board *b, int tensor, int pre_first, int pre_count, int post_count, int8_t *weights) {
    int rc = check_weight_block(b, tensor, pre_first, pre_count, post_count, weights);
    if (rc == RECKON_OK) rc = enter_sram_access(b, false);
    if (rc != RECKON_OK) return rc;
    int chunks = (post_count + 3) / 4;
    uint32_t row[64];
    for (int p = 0; p < pre_count; p++) {
        spi_read_burst(b, tensor, (pre_first + p) * words_per_pre(tensor), chunks, row);
        int8_t *dst = weights + (size_t)p * post_count;
        for (int post = 0; post < post_count; post++) dst[post] = (int8_t)(uint8_t)(row[post / 4] >> (8 * (post % 4)));
    }
    leave_sram_access(b);
    return RECKON_OK;
}

int reckon_write_neuron_chunks(reckon_board *b, int first, int count, const uint32_t *chunks) {
    if (chunks == nullptr || first < 0 || count < 0 || first + count > NEURON_CHUNKS)
        return fail(b, RECKON_ERR_ARGUMENT, "neuron chunks %d..%d outside 0..%d", first, first + count - 1, NEURON_CHUNKS - 1);
    int rc = enter_sram_access(b, true);
    if (rc != RECKON_OK) return rc;
    for (int done = 0; done < count; done += MAX_BURST) {
        int n = count - done < MAX_BURST ? count - done : MAX_BURST;
        spi_write_burst(b, RECKON_SPI_NEURON, first + done, n, chunks + done);
    }
    return RECKON_OK;
}

int reckon_read_neuron_chunks(reckon_board *b, int first, int count, uint32_t *chunks) {
    if (chunks == nullptr || first < 0 || count < 0 || first + count > NEURON_CHUNKS)
        return fail(b, RECKON_ERR_ARGUMENT, "neuron chunks %d..%d outside 0..%d", first, first + count - 1, NEURON_CHUNKS - 1);
    int rc = enter_sram_access(b, false);
    if (rc != RECKON_OK) return rc;
    for (int done = 0; done < count; done += MAX_BURST) {
        int n = count - done < MAX_BURST ? count - done : MAX_BURST;
        spi_read_burst(b, RECKON_SPI_NEURON, first + done, n, chunks + done);
    }
    leave_sram_access(b);
    return RECKON_OK;
}

int reckon_write_output_membranes(reckon_board *b, int count, const int16_t *membranes) {
    if (membranes == nullptr || count < 0 || count > OUTPUT_NEURONS)
        return fail(b, RECKON_ERR_ARGUMENT, "output membrane count %d outside 0..%d", count, OUTPUT_NEURONS);
    int rc = enter_sram_access(b, true);
    if (rc != RECKON_OK) return rc;
    uint32_t words[OUTPUT_NEURONS];
    for (int i = 0; i < count; i++) words[i] = (uint16_t)membranes[i];
    if (count > 0) spi_write_burst(b, RECKON_SPI_OUTPUT_MEMBRANE, 0, count, words);
    return RECKON_OK;
}

int reckon_read_output_membranes(reckon_board *b, int count, int16_t *membranes) {
    if (membranes == nullptr || count < 0 || count > OUTPUT_NEURONS)
        return fail(b, RECKON_ERR_ARGUMENT, "output membrane count %d outside 0..%d", count, OUTPUT_NEURONS);
    int rc = enter_sram_access(b, false);
    if (rc != RECKON_OK) return rc;
    uint32_t words[OUTPUT_NEURONS];
    if (count > 0) spi_read_burst(b, RECKON_SPI_OUTPUT_MEMBRANE, 0, count, words);
    for (int i = 0; i < count; i++) membranes[i] = (int16_t)(uint16_t)words[i];
    leave_sram_access(b);
    return RECKON_OK;
}

int reckon_begin_sample(reckon_board *b) {
    if (b->timing_error) return fail(b, RECKON_ERR_TIMING, "timing error latched; reset the board");
    if (b->in_sample) return fail(b, RECKON_ERR_STATE, "a sample is already running");
    // with SPI_EN_CONF = 1 the core would park after every step
    if (b->registers[RECKON_REG_SPI_EN_CONF] != 0) write_register_pins(b, RECKON_REG_SPI_EN_CONF, 0);
    b->chip->SAMPLE = 1;
    clock_cycles(b, PIN_SETTLE_CYCLES);
    b->in_sample = true;
    b->ticks_in_sample = 0;
    return RECKON_OK;
}

int reckon_step(reckon_board *b, const uint8_t *events, int event_count, int label, unsigned flags,
                uint8_t *out, int out_capacity, int *out_count) {
    if (out_count == nullptr || (out == nullptr && out_capacity > 0) || event_count < 0 ||
        (event_count > 0 && events == nullptr))
        return fail(b, RECKON_ERR_ARGUMENT, "null buffer or negative count");
    *out_count = 0;
    if (b->timing_error) return fail(b, RECKON_ERR_TIMING, "timing error latched; reset the board");
    if (!b->in_sample) return fail(b, RECKON_ERR_STATE, "no sample running (reckon_begin_sample first)");
    if (b->parked) return fail(b, RECKON_ERR_STATE, "the core is parked: reckon_resume first");
    if (label > 255) return fail(b, RECKON_ERR_ARGUMENT, "label %d does not fit the 8-bit AER address", label);
    if (label >= 0 && b->ticks_in_sample == 0)
        return fail(b, RECKON_ERR_LABEL_TOO_EARLY,
                    "a label before the first tick of a sample is cleared by the chip (its FSM would then wait in GET_TAR)");
    int rc = verify_previous_tick(b);
    if (rc != RECKON_OK) return rc;
    // the label first: a core left waiting in GET_TAR by an earlier MISSING_LABEL needs it to go on
    if (label >= 0) {
        rc = aer_send(b, label, true);
        if (rc != RECKON_OK) return rc;
    }
    // NO_WAIT ticks as a free-running host clock would: on time or not
    if (!(flags & RECKON_STEP_NO_WAIT) && !(b->chip->TIMING_ERROR_RDY & 1)) {
        rc = wait_ready(b, false, out, out_capacity, out_count);
        if (rc != RECKON_OK) return rc;
    }
    b->chip->TARGET_VALID = (flags & RECKON_STEP_TARGET_VALID) ? 1 : 0;
    b->chip->INFER_ACC = (flags & RECKON_STEP_INFER_ACC) ? 1 : 0;
    for (int i = 0; i < event_count; i++) {
        rc = aer_send(b, events[i], false);
        if (rc != RECKON_OK) return rc;
    }
    bool park = (flags & RECKON_STEP_PARK) != 0;
    if (park) write_register_pins(b, RECKON_REG_SPI_EN_CONF, 1);
    clock_cycles(b, PIN_SETTLE_CYCLES);  // TARGET_VALID / INFER_ACC through their synchronisers
    tick_pulse(b);
    b->ticks_in_sample++;
    if (flags & RECKON_STEP_NO_WAIT) {
        b->unverified_tick = true;
        return RECKON_OK;
    }
    // the first tick of a sample only moves IDLE -> PROP: no neuron update, nothing to park after
    if (park && b->ticks_in_sample == 1) {
        write_register_pins(b, RECKON_REG_SPI_EN_CONF, 0);
        return fail(b, RECKON_ERR_STATE, "the first step of a sample updates no neuron: nothing to park after");
    }
    rc = wait_ready(b, park, out, out_capacity, out_count);
    if (rc == RECKON_OK && park) b->parked = true;
    return rc;
}

int reckon_resume(reckon_board *b, uint8_t *out, int out_capacity, int *out_count) {
    if (out_count == nullptr || (out == nullptr && out_capacity > 0))
        return fail(b, RECKON_ERR_ARGUMENT, "null buffer");
    *out_count = 0;
    if (!b->parked) return fail(b, RECKON_ERR_STATE, "the core is not parked");
    write_register_pins(b, RECKON_REG_SPI_EN_CONF, 0);
    b->parked = false;
    // CONFIG itself raises no ready: give the FSM the synchronised SPI_EN_CONF first
    clock_cycles(b, PIN_SETTLE_CYCLES);
    return wait_ready(b, false, out, out_capacity, out_count);
}

int reckon_end_sample(reckon_board *b, uint8_t *out, int out_capacity, int *out_count) {
    if (out_count == nullptr || (out == nullptr && out_capacity > 0))
        return fail(b, RECKON_ERR_ARGUMENT, "null buffer");
    *out_count = 0;
    if (b->timing_error) return fail(b, RECKON_ERR_TIMING, "timing error latched; reset the board");
    if (!b->in_sample) return fail(b, RECKON_ERR_STATE, "no sample running");
    if (b->parked) return fail(b, RECKON_ERR_STATE, "the core is parked: reckon_resume first");
    int rc = verify_previous_tick(b);
    if (rc != RECKON_OK) return rc;
    if (!(b->chip->TIMING_ERROR_RDY & 1)) {
        rc = wait_ready(b, false, out, out_capacity, out_count);
        if (rc != RECKON_OK) return rc;
    }
    b->chip->SAMPLE = 0;
    clock_cycles(b, PIN_SETTLE_CYCLES);
    int sample_ticks = b->ticks_in_sample;
    tick_pulse(b);
    b->in_sample = false;
    b->ticks_in_sample = 0;
    if (sample_ticks == 0) {
        // the core never left IDLE: SAMPLE low and a tick do nothing, and nothing is sent
        b->chip->TARGET_VALID = 0;
        b->chip->INFER_ACC = 0;
        return fail(b, RECKON_ERR_NO_OUTPUT, "a sample without steps sends no output");
    }
    rc = wait_ready(b, false, out, out_capacity, out_count);
    b->chip->TARGET_VALID = 0;
    b->chip->INFER_ACC = 0;
    clock_cycles(b, PIN_SETTLE_CYCLES);
    if (rc == RECKON_OK && *out_count == 0) return fail(b, RECKON_ERR_NO_OUTPUT, "the output bus sent nothing at the end of the sample");
    return rc;
}

int reckon_timing_error(reckon_board *b, int *latched) {
    if (latched == nullptr) return fail(b, RECKON_ERR_ARGUMENT, "null pointer");
    int rc = check_timing_error_pin(b, latched);
    if (*latched) b->timing_error = true;
    b->unverified_tick = false;
    return rc;
}

uint64_t reckon_cycles(const reckon_board *b) { return b->cycles; }

}  // extern "C"
