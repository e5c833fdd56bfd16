package io.spikeloop.target.reckon;

/**
 * One ReckOn chip driven tick by tick, the way a lab drives the real one through its pins: SPI
 * for configuration, SRAMs and readback; AER for input events and labels; SAMPLE, TIME_TICK,
 * TARGET_VALID and INFER_ACC; the output bus. Implementations: the bit-accurate Java model
 * ({@code sim:reckon}) and the verilated RTL ({@code board:reckon}); for the same calls they must
 * agree bit for bit (results, state, weights).
 *
 * <p>Protocol: {@link #configure} and the weight writes happen between samples. A sample is a
 * run of {@link #step} calls; the first raises SAMPLE, the one with {@link
 * ReckonStep#endOfSample()} ends it. Misuse (an input id out of range, a label out of range, a
 * missing label while learning, configuring inside a sample) is refused with a {@link
 * ReckonProtocolException} naming the problem, never a hang.
 */
public interface ReckonChip extends AutoCloseable {

  /** The network last configured, or null before {@link #configure}. */
  ReckonNetwork network();

  /**
   * Loads a network: every configuration register ({@link ReckonNetwork#registerWrites()}, which
   * also programs the LFSR seeds), then the neuron SRAM words of all pairs (alpha, threshold,
   * zero state). Weights are left as they are (zero after power-up); write them next.
   */
  void configure(ReckonNetwork network);

  /**
   * Writes a whole tensor, row-major {@code [pre][post]} with {@code tensor.rows(net) *
   * tensor.columns(net)} signed bytes. W_rec's diagonal is written as given (the chip keeps
   * self-connections; its e-prop zeroes them when it updates them).
   */
  void writeWeights(ReckonTensor tensor, byte[] weights);

  /** Reads a whole tensor back, row-major {@code [pre][post]}. */
  byte[] readWeights(ReckonTensor tensor);

  /**
   * Sets SPI_DO_EPROP between samples: bit 0 W_in, bit 1 W_rec, bit 2 W_out learn. With 0 the
   * chip does no e-prop (inference); traces are kept only while a bit is set or forceTraces.
   */
  void setEpropEnables(int bits);

  /** The SPI_DO_EPROP bits in force. */
  int epropEnables();

  /** One tick: send the step's events and label, tick, wait until ready, collect the bus. */
  ReckonStepResult step(ReckonStep step);

  /** True between the first step of a sample and its end-of-sample step. */
  boolean inSample();

  /**
   * The state after the last step (after its integration, before the next tick); zero state
   * outside a sample. See {@link ReckonState} for the effective-value rule.
   */
  ReckonState readState();

  @Override
  void close();
}
