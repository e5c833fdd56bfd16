package io.spikeloop.board;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The C ABI of {@code board:reckon} ({@code firmware-bindings/src/main/reckon/spikeloop_reckon.h}),
 * one to one: same names, same argument order. No logic here; {@link ReckonBoard} turns the codes
 * into exceptions. Keep in step with the header and {@link #SPIKELOOP_RECKON_ABI_VERSION}.
 */
public interface ReckonDriver extends Library {
  int SPIKELOOP_RECKON_ABI_VERSION = 1;

  int RECKON_OK = 0;
  int RECKON_ERR_ARGUMENT = -1;
  int RECKON_ERR_STATE = -2;
  int RECKON_ERR_BUSY = -3;
  int RECKON_ERR_MISSING_LABEL = -4;
  int RECKON_ERR_TIMING = -5;
  int RECKON_ERR_LABEL_TOO_EARLY = -6;
  int RECKON_ERR_AER_TIMEOUT = -7;
  int RECKON_ERR_PARK_TIMEOUT = -8;
  int RECKON_ERR_OUTPUT_OVERFLOW = -9;
  int RECKON_ERR_NO_OUTPUT = -10;

  int RECKON_TENSOR_INPUT = 3;
  int RECKON_TENSOR_RECURRENT = 4;
  int RECKON_TENSOR_OUTPUT = 5;
  int RECKON_REG_COUNT = 105;

  int RECKON_STEP_TARGET_VALID = 1;
  int RECKON_STEP_INFER_ACC = 2;
  int RECKON_STEP_PARK = 4;
  int RECKON_STEP_NO_WAIT = 8;

  String spikeloop_target();

  int spikeloop_reckon_abi_version();

  String reckon_error_name(int code);

  Pointer reckon_open();

  void reckon_close(Pointer board);

  String reckon_last_error_detail(Pointer board);

  int reckon_reset(Pointer board);

  int reckon_write_register(Pointer board, int address, int value);

  int reckon_read_register_shadow(Pointer board, int address, IntByReference value);

  int reckon_write_weights(Pointer board, int tensor, int preFirst, int preCount, int postCount,
      byte[] weights);

  int reckon_read_weights(Pointer board, int tensor, int preFirst, int preCount, int postCount,
      byte[] weights);

  int reckon_write_neuron_chunks(Pointer board, int first, int count, int[] chunks);

  int reckon_read_neuron_chunks(Pointer board, int first, int count, int[] chunks);

  int reckon_write_output_membranes(Pointer board, int count, short[] membranes);

  int reckon_read_output_membranes(Pointer board, int count, short[] membranes);

  int reckon_begin_sample(Pointer board);

  int reckon_step(Pointer board, byte[] events, int eventCount, int label, int flags, byte[] out,
      int outCapacity, IntByReference outCount);

  int reckon_resume(Pointer board, byte[] out, int outCapacity, IntByReference outCount);

  int reckon_end_sample(Pointer board, byte[] out, int outCapacity, IntByReference outCount);

  int reckon_timing_error(Pointer board, IntByReference latched);

  long reckon_cycles(Pointer board);
}
