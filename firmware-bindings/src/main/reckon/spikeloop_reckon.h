/*
 * board:reckon - the ReckOn chip (Frenkel & Indiveri, ISSCC 2022) as a board: its RTL, verilated,
 * driven only through its pins the way a lab drives the chip (reset; SPI at SCK = CLK/8; AER
 * four-phase handshakes; SAMPLE / TIME_TICK / TARGET_VALID / INFER_ACC; the output bus; the
 * SPI_RDY and TIMING_ERROR_RDY status pins). See docs/reckon-board.md for the whole contract.
 *
 * Every call returns RECKON_OK (0) or a negative RECKON_ERR_* code; reckon_error_name() names it
 * and reckon_last_error_detail() says what happened in words. Every wait on the chip is bounded in
 * clock cycles: no call can hang.
 */
#ifndef SPIKELOOP_RECKON_H
#define SPIKELOOP_RECKON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the functions below. */
#define SPIKELOOP_RECKON_ABI_VERSION 1

/* Target dispatch (docs/driver-abi.md): "reckon". */
const char *spikeloop_target(void);
int spikeloop_reckon_abi_version(void);

/* ---- error codes --------------------------------------------------------------------------- */
#define RECKON_OK 0
#define RECKON_ERR_ARGUMENT (-1)        /* a bad argument (index, count, tensor, null pointer) */
#define RECKON_ERR_STATE (-2)           /* call not allowed now (e.g. SRAM write while a sample runs unparked) */
#define RECKON_ERR_BUSY (-3)            /* the core did not come back to ready within the cycle bound */
#define RECKON_ERR_MISSING_LABEL (-4)   /* the core waits in GET_TAR for a label (TARGET_VALID, e-prop on, no label) */
#define RECKON_ERR_TIMING (-5)          /* TIMING_ERROR latched (tick while busy); the core halts until reset */
#define RECKON_ERR_LABEL_TOO_EARLY (-6) /* a label before the first tick of a sample would be cleared by the chip */
#define RECKON_ERR_AER_TIMEOUT (-7)     /* AERIN_ACK did not rise or fall within the cycle bound */
#define RECKON_ERR_PARK_TIMEOUT (-8)    /* SPI_RDY did not rise (the core did not park in CONFIG) */
#define RECKON_ERR_OUTPUT_OVERFLOW (-9) /* more output-bus bytes than the caller's buffer holds */
#define RECKON_ERR_NO_OUTPUT (-10)      /* the end of a sample sent nothing on the output bus */

const char *reckon_error_name(int code);

/* ---- SPI address spaces (the 3-bit code of the 32-bit SPI header) ---------------------------- */
#define RECKON_SPI_CONFIG 0          /* configuration registers, write-only */
#define RECKON_SPI_NEURON 1          /* neuron SRAM, 128 words x 128 bit, addressed as 512 x 32 bit */
#define RECKON_SPI_OUTPUT_MEMBRANE 2 /* 16 output membranes, 16 bit each (low half of the data word) */

/* Weight tensors: the SPI code of each weight SRAM. */
#define RECKON_TENSOR_INPUT 3     /* [256 pre][256 post] int8 */
#define RECKON_TENSOR_RECURRENT 4 /* [256 pre][256 post] int8 */
#define RECKON_TENSOR_OUTPUT 5    /* [256 pre][16 post] int8 */

/* Configuration register addresses (upstream/doc/README.md section 3); the values written are
 * kept in a host-side shadow, since the chip cannot read them back. */
#define RECKON_REG_COUNT 105
#define RECKON_REG_SPI_EN_CONF 0
#define RECKON_REG_GET_TAR_REQ_OUT 3
#define RECKON_REG_TIMING_MODE 23
#define RECKON_REG_SEND_PER_TIMESTEP 30
#define RECKON_REG_SEND_LABEL_ONLY 31

/* ---- step flags ----------------------------------------------------------------------------- */
#define RECKON_STEP_TARGET_VALID 1u /* TARGET_VALID pin high during this step (e-prop update step) */
#define RECKON_STEP_INFER_ACC 2u    /* INFER_ACC pin high during this step (counts winners) */
#define RECKON_STEP_PARK 4u         /* park in CONFIG after the neuron update; finish with reckon_resume */
#define RECKON_STEP_NO_WAIT 8u      /* tick and return without waiting for ready (the next call checks TIMING_ERROR) */

typedef struct reckon_board reckon_board;

/* Creates a board (a fresh verilated chip) and resets it. NULL only when out of memory. */
reckon_board *reckon_open(void);
void reckon_close(reckon_board *board);

/* Words of the last error, valid until the next call on this board. */
const char *reckon_last_error_detail(const reckon_board *board);

/* RST high then low; config registers back to their reset values (the shadow too). SRAMs keep
 * their contents (a reset does not clear SRAM on the chip either). */
int reckon_reset(reckon_board *board);

/* Writes one configuration register (address 0..RECKON_REG_COUNT-1, value at its width).
 * Allowed between samples or while parked. */
int reckon_write_register(reckon_board *board, int address, uint32_t value);
/* The shadow of a register: the last value written (or its reset value). */
int reckon_read_register_shadow(const reckon_board *board, int address, uint32_t *value);

/* Weights of one tensor, rows pre_first .. pre_first+pre_count-1, columns 0 .. post_count-1,
 * row-major int8 [pre_count][post_count]; one SPI burst per row ([pre][post] SRAM layout: the
 * 32-bit chunk at pre*64 + post/4 holds posts 4k..4k+3, lowest byte first; output weights at
 * pre*4 + post/4). Allowed between samples or while parked. */
int reckon_write_weights(reckon_board *board, int tensor, int pre_first, int pre_count, int post_count,
                         const int8_t *weights);
int reckon_read_weights(reckon_board *board, int tensor, int pre_first, int pre_count, int post_count,
                        int8_t *weights);

/* Raw 32-bit chunks of the neuron SRAM (chunk address = word*4 + chunk, 0..511). */
int reckon_write_neuron_chunks(reckon_board *board, int first, int count, const uint32_t *chunks);
int reckon_read_neuron_chunks(reckon_board *board, int first, int count, uint32_t *chunks);
/* Output membranes 0..count-1 (16-bit signed). */
int reckon_write_output_membranes(reckon_board *board, int count, const int16_t *membranes);
int reckon_read_output_membranes(reckon_board *board, int count, int16_t *membranes);

/* SAMPLE high (leaves configuration mode: SPI_EN_CONF = 0). */
int reckon_begin_sample(reckon_board *board);

/* One time step: optional label (AER with AERIN_TAR_EN; label < 0: none), then TARGET_VALID and
 * INFER_ACC as flags say, then the input events (AER addresses, in order), then a TIME_TICK
 * pulse, then (unless NO_WAIT) wait for ready while collecting every output-bus byte into out
 * (out_capacity bytes; *out_count receives how many). With RECKON_STEP_PARK the call returns
 * once the core is parked in CONFIG after the neuron update; read the state, then reckon_resume.
 * The first step of a sample only starts it on the chip (IDLE -> PROP): events given to it are
 * integrated; its tick updates no neuron. */
int reckon_step(reckon_board *board, const uint8_t *events, int event_count, int label, unsigned flags,
                uint8_t *out, int out_capacity, int *out_count);

/* Leaves CONFIG after a parked step and finishes that step (e-prop, output bus, ready). */
int reckon_resume(reckon_board *board, uint8_t *out, int out_capacity, int *out_count);

/* SAMPLE low, the last TIME_TICK (a neuron update, no e-prop), then the output bus: with
 * SEND_LABEL_ONLY the winner label (1 byte), else 2 bytes per output membrane (low byte first). */
int reckon_end_sample(reckon_board *board, uint8_t *out, int out_capacity, int *out_count);

/* Reads TIMING_ERROR through the pin (SPI_TIMING_MODE flipped to 1 and back): 1 if latched. */
int reckon_timing_error(reckon_board *board, int *latched);

/* Clock cycles simulated since open (CLK rising edges). */
uint64_t reckon_cycles(const reckon_board *board);

#ifdef __cplusplus
}
#endif

#endif
