package io.spikeloop.target.reckon;

/**
 * The three weight tensors of ReckOn. Every tensor is 8-bit two's complement, stored row-major
 * {@code [pre][post]} exactly as the chip's SRAMs hold it: for W_in and W_rec the 12-bit SRAM word
 * address is {@code pre << 4 | post >> 4} and the byte lane is {@code post & 15}; W_out uses word
 * {@code pre} (one 128-bit word per hidden neuron) and lane {@code post}.
 */
public enum ReckonTensor {
  /** W_in: inputs (pre) to recurrent neurons (post); SPI code 3. */
  INPUT(3),
  /** W_rec: recurrent (pre) to recurrent (post), all-to-all; SPI code 4. */
  RECURRENT(4),
  /** W_out: recurrent (pre) to output neurons (post); SPI code 5. */
  OUTPUT(5);

  private final int spiCode;

  ReckonTensor(int spiCode) {
    this.spiCode = spiCode;
  }

  /** The SPI command code {@code a[30:28]} that reads and writes this tensor's SRAM. */
  public int spiCode() {
    return spiCode;
  }

  /** Rows (presynaptic neurons) of this tensor in {@code net}. */
  public int rows(ReckonNetwork net) {
    return this == INPUT ? net.inputs() : net.recurrent();
  }

  /** Columns (postsynaptic neurons) of this tensor in {@code net}. */
  public int columns(ReckonNetwork net) {
    return this == OUTPUT ? net.outputs() : net.recurrent();
  }

  /** Left shift (register SPI_FP_LOC_W*) applied to this tensor's weights before they are added. */
  public int shift(ReckonNetwork net) {
    return switch (this) {
      case INPUT -> net.inputWeightShift();
      case RECURRENT -> net.recurrentWeightShift();
      case OUTPUT -> net.outputWeightShift();
    };
  }
}
