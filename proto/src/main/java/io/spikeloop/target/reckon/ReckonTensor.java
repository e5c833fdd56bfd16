package io.spikeloop.target.reckon;

import io.spikeloop.device.WeightTensor;

/**
 * The three weight tensors of ReckOn. Every tensor is 8-bit two's complement, stored row-major
 * {@code [pre][post]} exactly as the chip's SRAMs hold it: for W_in and W_rec the 12-bit SRAM word
 * address is {@code pre << 4 | post >> 4} and the byte lane is {@code post & 15}; W_out uses word
 * {@code pre} (one 128-bit word per hidden neuron) and lane {@code post}.
 */
public enum ReckonTensor {
  /** W_in: inputs (pre) to recurrent neurons (post); SPI code 3. */
  INPUT(3, "w_in"),
  /** W_rec: recurrent (pre) to recurrent (post), all-to-all; SPI code 4. */
  RECURRENT(4, "w_rec"),
  /** W_out: recurrent (pre) to output neurons (post); SPI code 5. */
  OUTPUT(5, "w_out");

  private final int spiCode;
  private final String tensorName;

  ReckonTensor(int spiCode, String tensorName) {
    this.spiCode = spiCode;
    this.tensorName = tensorName;
  }

  /** Its name in the generic device contract ({@code w_in}, {@code w_rec}, {@code w_out}). */
  public String tensorName() {
    return tensorName;
  }

  /**
   * Its generic shape: {@code [post][pre]} as every {@link WeightTensor} (the device transposes
   * to and from the chip's {@code [pre][post]}), 8-bit signed.
   */
  public WeightTensor weightTensor(ReckonNetwork net) {
    return new WeightTensor(tensorName, columns(net), rows(net), 8);
  }

  /** The tensor of a generic name, or an error naming the three that exist. */
  public static ReckonTensor byName(String name) {
    for (ReckonTensor t : values()) {
      if (t.tensorName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no weight tensor '" + name
        + "' on a reckon chip; it has [w_in, w_rec, w_out]");
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
