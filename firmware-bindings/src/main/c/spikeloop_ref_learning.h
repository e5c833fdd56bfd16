/*
 * Reference-firmware extension (NOT part of the vendor driver ABI in spikeloop_driver.h): the
 * Adam schedule of the on-chip learning engine's weight matrices. SLQ_DENSE (0, the normative
 * engine, the default at spikeloop_open) or the event-driven SLQ_LAZY (1) / SLQ_CATCH_UP (2) of
 * docs/core-spec.md 9.7, bit for bit the simulator's sim:learning=lazy|catchup. Java reaches it
 * through io.spikeloop.board.RefLearningSchedule.
 */
#ifndef SPIKELOOP_REF_LEARNING_H
#define SPIKELOOP_REF_LEARNING_H

#include "spikeloop_driver.h"

/* Chooses the schedule the next spikeloop_enable_learning uses; SPIKELOOP_ERR_STATE while
 * learning is enabled, SPIKELOOP_ERR_ARGUMENT for another value. */
int32_t spikeloop_ref_set_learning_schedule(spikeloop_board *board, int32_t schedule);

#endif
