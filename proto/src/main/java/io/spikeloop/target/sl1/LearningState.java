package io.spikeloop.target.sl1;

import io.spikeloop.device.Checks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Everything the on-chip learning engine keeps between learning steps, portable between devices:
 * per learned tensor its quantized Adam state (m and sqrt(v) codes, block scales, step counter,
 * beta powers, xorshift64* state) and its integer master weights, plus the engine configuration
 * it belongs to. Restoring it into a device whose engine was enabled with the same network and
 * {@link LearningConfig} (and the same weights) continues learning bit-identically.
 *
 * <p>It travels (wire, C ABI, checkpoints) as one versioned byte image,
 * {@code spikeloop-learning-state} version {@value #VERSION}, little-endian, defined in
 * {@code docs/driver-abi.md} ("Learning-state image"):
 * <pre>
 *   header   magic "SLLS", u32 version, u32 image bytes (all of it, CRC included),
 *            i32 inputs, i32 hidden, i32 outputs, i32 outputFracBits, i32 surrogateShift,
 *            i32 surrogate entries, u32 CRC-32 of the surrogate table (int32 LE each),
 *            i32 tensor count, i32 rule, i32 schedule, i32 section count
 *                                                                       ({@value #HEADER_BYTES} bytes)
 *   tensor   name (16 bytes, ASCII, NUL padded), i32 length, stateBits, blockSize, beta1Q20,
 *            beta2Q20, lrQ16, epsExp, weightBits, masterFracBits, shift, step, beta1Pow,
 *            beta2Pow, u64 rng                                          ({@value #TENSOR_HEADER_BYTES} bytes)
 *            i32 masters[length], u8 mCodes[codeBytes], i8 mScales[blocks],
 *            u8 rCodes[codeBytes], i8 rScales[blocks]
 *   section  name (16 bytes, ASCII, NUL padded), u32 payload bytes, payload
 *   trailer  u32 CRC-32 (IEEE, as zlib) of every byte before it
 * </pre>
 * The rule ({@link #RULE_TBPTT1}, {@link #RULE_EPROP}) and the Adam schedule ({@link #SCHEDULE_DENSE},
 * {@link #SCHEDULE_LAZY}, {@link #SCHEDULE_CATCH_UP}) say which engine the state belongs to; the
 * sections carry what a rule or schedule keeps beyond the tensors' Adam state (the catch-up
 * schedule's per-block step counters, {@link #CATCH_UP_SECTION}; e-prop's traces,
 * {@link #EPROP_TRACES_SECTION}), so a rule adds a named section, not a format version. Version 1 images (header without the last three fields, no
 * sections: a dense tBPTT1 engine) are still read; {@link #toBytes} writes version
 * {@value #VERSION}. {@link #fromBytes} checks magic, version, length and CRC before parsing,
 * and every field against its range; a device checks the configuration fields, rule, schedule
 * and sections against its engine on restore.
 *
 * @param inputs          input axons of the network
 * @param hidden          neurons of its single hidden layer
 * @param outputs         outputs
 * @param outputFracBits  {@link LearningConfig#outputFracBits()}
 * @param surrogateShift  {@link LearningConfig#surrogateShift()}
 * @param surrogateLength entries of {@link LearningConfig#surrogateTable()}
 * @param surrogateCrc    {@link #surrogateCrc} of that table
 * @param tensors         the learned tensors in the network's tensor order
 * @param rule            the learning rule ({@link #RULE_TBPTT1} or {@link #RULE_EPROP})
 * @param schedule        the weight matrices' Adam schedule ({@link #SCHEDULE_DENSE},
 *                        {@link #SCHEDULE_LAZY} or {@link #SCHEDULE_CATCH_UP})
 * @param sections        the rule's and schedule's extra state, in image order
 */
public record LearningState(int inputs, int hidden, int outputs, int outputFracBits,
                            int surrogateShift, int surrogateLength, int surrogateCrc,
                            List<Tensor> tensors, int rule, int schedule,
                            List<Section> sections) {
  /** The image version {@link #toBytes} writes. */
  public static final int VERSION = 2;
  /** The oldest image version {@link #fromBytes} reads (dense tBPTT1 engines only). */
  public static final int OLDEST_VERSION = 1;
  public static final int HEADER_BYTES = 56;
  /** Header bytes of a version 1 image (no rule, schedule or sections). */
  public static final int HEADER_BYTES_V1 = 44;
  /** Learning rule: tBPTT1 ({@code docs/core-spec.md} section 9); a new rule takes the next. */
  public static final int RULE_TBPTT1 = 0;
  /**
   * Learning rule: e-prop ({@code docs/learning-engine.md} section 11), with its traces in the
   * {@link #EPROP_TRACES_SECTION} section.
   */
  public static final int RULE_EPROP = 1;
  /** Adam schedules of the weight matrices, as C's SLQ_DENSE, SLQ_LAZY, SLQ_CATCH_UP. */
  public static final int SCHEDULE_DENSE = 0;
  public static final int SCHEDULE_LAZY = 1;
  public static final int SCHEDULE_CATCH_UP = 2;
  private static final String[] SCHEDULE_NAMES = {"dense", "lazy", "catchup"};
  private static final String[] RULE_NAMES = {"tbptt1", "eprop"};
  /**
   * The catch-up schedule's section: per learned tensor in order, i32 {@code blocks} (0 for a
   * tensor that steps densely, the biases) and i32 {@code blockSteps[blocks]} (the step count
   * {@code t} after the block last stepped, in [0, the tensor's step]).
   */
  public static final String CATCH_UP_SECTION = "catchup.steps";
  /**
   * The e-prop rule's section: the engine's traces, little-endian, in this order: i32 input
   * traces {@code X[inputs]}, i32 recurrent traces {@code R[hidden]} (only when the hidden layer is
   * recurrent), i32 bias trace {@code B}, i32 output traces {@code Z[hidden]}, i32 output-bias
   * trace {@code C} (all Q16.14, in [0, 2^30]), then the int16 eligibility traces {@code ebar} of
   * every learned hidden-layer tensor in the network's order ({@code layer0.in [N][M]},
   * {@code layer0.rec [N][N]}, {@code layer0.bias [N]}, row-major {@code [post][pre]}). Its
   * length follows from the network and the learned tensors; the engine that writes it defines
   * and checks the layout ({@code docs/driver-abi.md}).
   */
  public static final String EPROP_TRACES_SECTION = "eprop.traces";
  /** Sections an image may carry at most. */
  public static final int MAX_SECTIONS = 16;
  /** Section header: name and u32 payload bytes. */
  public static final int SECTION_HEADER_BYTES = 16 + 4;
  public static final int TENSOR_HEADER_BYTES = 16 + 13 * 4 + 8;
  public static final int NAME_BYTES = 16;
  private static final byte[] MAGIC = "SLLS".getBytes(StandardCharsets.US_ASCII);
  private static final int ONE_Q30 = 1 << 30;

  public LearningState {
    Checks.range("learning state: inputs", inputs, 1, Integer.MAX_VALUE);
    Checks.range("learning state: hidden", hidden, 1, Integer.MAX_VALUE);
    Checks.range("learning state: outputs", outputs, 1, Integer.MAX_VALUE);
    Checks.range("learning state: outputFracBits", outputFracBits, 0, 31);
    Checks.range("learning state: surrogateShift", surrogateShift, 0, 31);
    Checks.range("learning state: surrogate entries", surrogateLength, 1, LearningConfig.MAX_TABLE);
    if (tensors == null || tensors.isEmpty() || tensors.size() > 5) {
      throw new IllegalArgumentException("learning state: 1..5 learned tensors, got "
          + (tensors == null ? "none" : tensors.size()));
    }
    tensors = List.copyOf(tensors);
    Checks.range("learning state: rule", rule, RULE_TBPTT1, RULE_NAMES.length - 1);
    Checks.range("learning state: schedule", schedule, SCHEDULE_DENSE, SCHEDULE_CATCH_UP);
    sections = sections == null ? List.of() : List.copyOf(sections);
    if (sections.size() > MAX_SECTIONS) {
      throw new IllegalArgumentException("learning state: at most " + MAX_SECTIONS
          + " sections, got " + sections.size());
    }
    for (int i = 0; i < sections.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (sections.get(j).name().equals(sections.get(i).name())) {
          throw new IllegalArgumentException("learning state: section " + sections.get(i).name()
              + " appears twice");
        }
      }
    }
  }

  /** A dense tBPTT1 engine's state (no sections): what a version 1 image holds. */
  public LearningState(int inputs, int hidden, int outputs, int outputFracBits,
                       int surrogateShift, int surrogateLength, int surrogateCrc,
                       List<Tensor> tensors) {
    this(inputs, hidden, outputs, outputFracBits, surrogateShift, surrogateLength, surrogateCrc,
        tensors, RULE_TBPTT1, SCHEDULE_DENSE, List.of());
  }

  /** The schedule's name as device options spell it (dense, lazy, catchup). */
  public static String scheduleName(int schedule) {
    return schedule >= 0 && schedule < SCHEDULE_NAMES.length ? SCHEDULE_NAMES[schedule]
        : "schedule " + schedule;
  }

  /** The rule's name (tbptt1, eprop). */
  public static String ruleName(int rule) {
    return rule >= 0 && rule < RULE_NAMES.length ? RULE_NAMES[rule] : "rule " + rule;
  }

  /**
   * One named, length-prefixed block of extra state (a rule's or schedule's).
   *
   * @param name    1..15 ASCII characters, unique in the image
   * @param payload the bytes, their layout defined by the section's owner
   */
  public record Section(String name, byte[] payload) {
    public Section {
      if (name == null || name.isEmpty() || name.length() >= NAME_BYTES
          || !StandardCharsets.US_ASCII.newEncoder().canEncode(name) || name.indexOf(0) >= 0) {
        throw new IllegalArgumentException("learning state: section name must be 1.."
            + (NAME_BYTES - 1) + " ASCII characters, got '" + name + "'");
      }
      if (payload == null) {
        throw new IllegalArgumentException("learning state: section " + name + " needs a payload");
      }
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Section x && x.name.equals(name) && Arrays.equals(x.payload, payload);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Section[" + name + ", " + payload.length + " bytes]";
    }
  }

  /**
   * The {@link #CATCH_UP_SECTION} of per-tensor block step counters ({@code null} or an empty
   * array for a tensor that steps densely).
   */
  public static Section catchUpSection(List<int[]> blockSteps) {
    int bytes = 0;
    for (int[] b : blockSteps) {
      bytes += 4 + 4 * (b == null ? 0 : b.length);
    }
    ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int[] b : blockSteps) {
      int n = b == null ? 0 : b.length;
      buf.putInt(n);
      for (int i = 0; i < n; i++) {
        buf.putInt(b[i]);
      }
    }
    return new Section(CATCH_UP_SECTION, buf.array());
  }

  /** The section of that name, or null. */
  public Section section(String name) {
    for (Section x : sections) {
      if (x.name.equals(name)) {
        return x;
      }
    }
    return null;
  }

  /**
   * The catch-up block step counters per tensor (an empty array for a dense tensor), read from
   * {@link #CATCH_UP_SECTION} and checked: one entry per tensor, {@code blocks} as the tensor's
   * (or 0), every counter in [0, the tensor's step].
   *
   * @throws IllegalArgumentException naming the tensor and the field when the section is missing
   *                                  or does not fit the tensors
   */
  public List<int[]> catchUpBlockSteps() {
    Section x = section(CATCH_UP_SECTION);
    if (x == null) {
      throw new IllegalArgumentException("learning state: no " + CATCH_UP_SECTION + " section (a "
          + scheduleName(schedule) + " engine's state)");
    }
    ByteBuffer b = ByteBuffer.wrap(x.payload).order(ByteOrder.LITTLE_ENDIAN);
    List<int[]> out = new ArrayList<>(tensors.size());
    String where = "learning state: section " + CATCH_UP_SECTION + ": tensor ";
    for (Tensor t : tensors) {
      if (b.remaining() < 4) {
        throw new IllegalArgumentException(where + t.name + ": truncated (" + x.payload.length
            + " bytes)");
      }
      int n = b.getInt();
      int blocks = (int) (((long) t.length + t.blockSize - 1) / t.blockSize);
      if (n != 0 && n != blocks) {
        throw new IllegalArgumentException(where + t.name + ": blocks is " + n + ", the tensor has "
            + blocks);
      }
      if (b.remaining() < 4L * n) {
        throw new IllegalArgumentException(where + t.name + ": truncated (" + x.payload.length
            + " bytes)");
      }
      int[] steps = new int[n];
      for (int i = 0; i < n; i++) {
        steps[i] = b.getInt();
        if (steps[i] < 0 || steps[i] > t.step) {
          throw new IllegalArgumentException(where + t.name + ": blockSteps[" + i + "] = "
              + steps[i] + " outside [0, " + t.step + "] (the tensor's step)");
        }
      }
      out.add(steps);
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("learning state: section " + CATCH_UP_SECTION + ": "
          + b.remaining() + " bytes after " + tensors.size() + " tensors");
    }
    return out;
  }

  /**
   * One learned tensor.
   *
   * @param name           tensor name ({@link WeightTensor}), at most 15 ASCII characters
   * @param length         parameters
   * @param stateBits      Adam code width, 8 or 4
   * @param blockSize      elements per pair of block scales
   * @param beta1Q20       beta1, unsigned Q0.20
   * @param beta2Q20       beta2, unsigned Q0.20
   * @param lrQ16          learning rate, Q16.16 master LSBs
   * @param epsExp         eps = 2^epsExp
   * @param weightBits     width the tensor learns in (biases: register width minus shift, <= 16)
   * @param masterFracBits master fraction bits below the learned LSB
   * @param shift          core value = learned value * 2^shift (biases), 0 for weights
   * @param step           Adam steps completed (0..2^31 - 1)
   * @param beta1Pow       beta1^t, unsigned Q0.30
   * @param beta2Pow       beta2^t, unsigned Q0.30
   * @param rng            xorshift64* state, never 0
   * @param masters        master weights, each in [-2^(weightBits-1), 2^(weightBits-1) - 1] *
   *                       2^masterFracBits
   * @param mCodes         m codes (8 bits: one per byte; 4 bits: two per byte, even index low)
   * @param mScales        per block the int8 exponent of m
   * @param rCodes         sqrt(v) codes, packed like mCodes
   * @param rScales        per block the int8 exponent of sqrt(v)
   */
  public record Tensor(String name, int length, int stateBits, int blockSize, int beta1Q20,
                       int beta2Q20, int lrQ16, int epsExp, int weightBits, int masterFracBits,
                       int shift, int step, int beta1Pow, int beta2Pow, long rng, int[] masters,
                       byte[] mCodes, byte[] mScales, byte[] rCodes, byte[] rScales) {
    public Tensor {
      if (name == null || name.isEmpty() || name.length() >= NAME_BYTES
          || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
        throw new IllegalArgumentException("learning state: tensor name must be 1.."
            + (NAME_BYTES - 1) + " ASCII characters, got '" + name + "'");
      }
      String t = "learning state: tensor " + name + ": ";
      Checks.range(t + "length", length, 0, Integer.MAX_VALUE);
      if (stateBits != 8 && stateBits != 4) {
        throw new IllegalArgumentException(t + "stateBits must be 8 or 4, got " + stateBits);
      }
      Checks.range(t + "blockSize", blockSize, 1, 4096);
      Checks.range(t + "beta1Q20", beta1Q20, 0, LearningConfig.MAX_BETA1_Q20);
      Checks.range(t + "beta2Q20", beta2Q20, 0, (1 << 20) - 1);
      Checks.range(t + "lrQ16", lrQ16, 0, LearningConfig.MAX_LR_Q16);
      Checks.range(t + "epsExp", epsExp, -200, 64);
      Checks.range(t + "weightBits", weightBits, 2, 16);
      Checks.range(t + "masterFracBits", masterFracBits, 0, 15);
      Checks.range(t + "shift", shift, 0, 31);
      Checks.range(t + "step", step, 0, Integer.MAX_VALUE);
      Checks.range(t + "beta1Pow (Q0.30)", beta1Pow, 0, ONE_Q30);
      Checks.range(t + "beta2Pow (Q0.30)", beta2Pow, 0, ONE_Q30);
      if (rng == 0) {
        throw new IllegalArgumentException(t + "rng (xorshift64* state) must not be 0");
      }
      int codeBytes = codeBytes(length, stateBits);
      int blocks = (int) (((long) length + blockSize - 1) / blockSize);
      checkLength(t + "masters", masters == null ? -1 : masters.length, length);
      checkLength(t + "mCodes", mCodes == null ? -1 : mCodes.length, codeBytes);
      checkLength(t + "mScales", mScales == null ? -1 : mScales.length, blocks);
      checkLength(t + "rCodes", rCodes == null ? -1 : rCodes.length, codeBytes);
      checkLength(t + "rScales", rScales == null ? -1 : rScales.length, blocks);
      long min = -(1L << (weightBits - 1)) << masterFracBits;
      long max = ((1L << (weightBits - 1)) - 1) << masterFracBits;
      for (int i = 0; i < length; i++) {
        if (masters[i] < min || masters[i] > max) {
          throw new IllegalArgumentException(t + "master " + i + " = " + masters[i] + " outside ["
              + min + ", " + max + "] (" + weightBits + "-bit weight, " + masterFracBits
              + " fraction bits)");
        }
      }
      masters = masters.clone();
      mCodes = mCodes.clone();
      mScales = mScales.clone();
      rCodes = rCodes.clone();
      rScales = rScales.clone();
    }

    @Override
    public int[] masters() {
      return masters.clone();
    }

    @Override
    public byte[] mCodes() {
      return mCodes.clone();
    }

    @Override
    public byte[] mScales() {
      return mScales.clone();
    }

    @Override
    public byte[] rCodes() {
      return rCodes.clone();
    }

    @Override
    public byte[] rScales() {
      return rScales.clone();
    }

    /** Bytes this tensor takes in the image. */
    int imageBytes() {
      return TENSOR_HEADER_BYTES + 4 * length + 2 * mCodes.length + 2 * mScales.length;
    }

    /** The configuration fields by name, in image order (for checks and differences). */
    long[] configFields() {
      return new long[] {length, stateBits, blockSize, beta1Q20, beta2Q20, lrQ16, epsExp,
          weightBits, masterFracBits, shift};
    }

    static final String[] CONFIG_FIELDS = {"length", "stateBits", "blockSize", "beta1Q20",
        "beta2Q20", "lrQ16", "epsExp", "weightBits", "masterFracBits", "shift"};

    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor x && x.name.equals(name)
          && Arrays.equals(x.configFields(), configFields()) && x.step == step
          && x.beta1Pow == beta1Pow && x.beta2Pow == beta2Pow && x.rng == rng
          && Arrays.equals(x.masters, masters) && Arrays.equals(x.mCodes, mCodes)
          && Arrays.equals(x.mScales, mScales) && Arrays.equals(x.rCodes, rCodes)
          && Arrays.equals(x.rScales, rScales);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(masters) + Long.hashCode(rng);
    }

    @Override
    public String toString() {
      return "Tensor[" + name + ", " + length + " params, " + stateBits + "-bit, step " + step
          + "]";
    }
  }

  private static void checkLength(String what, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(what + " needs " + expected + " entries, got "
          + (actual < 0 ? "none" : actual));
    }
  }

  /** Bytes of the m or sqrt(v) codes of {@code length} elements. */
  public static int codeBytes(int length, int stateBits) {
    return stateBits == 8 ? length : (int) (((long) length + 1) / 2);
  }

  /** CRC-32 of a surrogate table, each entry as an int32 little-endian. */
  public static int surrogateCrc(int[] table) {
    ByteBuffer b = ByteBuffer.allocate(4 * table.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : table) {
      b.putInt(v);
    }
    CRC32 crc = new CRC32();
    crc.update(b.array());
    return (int) crc.getValue();
  }

  /** The tensor of that name, or null. */
  public Tensor tensor(String name) {
    for (Tensor t : tensors) {
      if (t.name.equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** Bytes of the image ({@link #toBytes()}{@code .length}). */
  public int imageBytes() {
    long n = HEADER_BYTES + 4;
    for (Tensor t : tensors) {
      n += t.imageBytes();
    }
    for (Section x : sections) {
      n += SECTION_HEADER_BYTES + x.payload.length;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalStateException("learning state of " + n + " bytes exceeds 2^31 - 1");
    }
    return (int) n;
  }

  /** The versioned image (see the class comment). */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(imageBytes()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putInt(b.capacity()).putInt(inputs).putInt(hidden)
        .putInt(outputs).putInt(outputFracBits).putInt(surrogateShift).putInt(surrogateLength)
        .putInt(surrogateCrc).putInt(tensors.size()).putInt(rule).putInt(schedule)
        .putInt(sections.size());
    for (Tensor t : tensors) {
      byte[] name = Arrays.copyOf(t.name.getBytes(StandardCharsets.US_ASCII), NAME_BYTES);
      b.put(name);
      for (long f : t.configFields()) {
        b.putInt((int) f);
      }
      b.putInt(t.step).putInt(t.beta1Pow).putInt(t.beta2Pow).putLong(t.rng);
      b.asIntBuffer().put(t.masters);
      b.position(b.position() + 4 * t.length);
      b.put(t.mCodes).put(t.mScales).put(t.rCodes).put(t.rScales);
    }
    for (Section x : sections) {
      b.put(Arrays.copyOf(x.name.getBytes(StandardCharsets.US_ASCII), NAME_BYTES));
      b.putInt(x.payload.length).put(x.payload);
    }
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Parses and checks an image (version {@value #VERSION}, or {@value #OLDEST_VERSION}: a dense
   * tBPTT1 engine's): magic, version, announced length, CRC, then every field.
   *
   * @throws IllegalArgumentException naming the field and the values when anything is wrong
   */
  public static LearningState fromBytes(byte[] image) {
    if (image == null || image.length < HEADER_BYTES_V1 + 4) {
      throw new IllegalArgumentException("learning state image truncated: "
          + (image == null ? "none" : image.length + " bytes") + ", the header and CRC alone take "
          + (HEADER_BYTES_V1 + 4));
    }
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[4];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException("not a learning state image (magic "
          + Arrays.toString(magic) + ", expected \"SLLS\")");
    }
    int version = b.getInt();
    if (version != VERSION && version != OLDEST_VERSION) {
      throw new IllegalArgumentException("learning state image version "
          + Integer.toUnsignedString(version) + "; this build reads versions " + OLDEST_VERSION
          + " and " + VERSION);
    }
    if (version == VERSION && image.length < HEADER_BYTES + 4) {
      throw new IllegalArgumentException("learning state image truncated: " + image.length
          + " bytes, the version " + VERSION + " header and CRC alone take " + (HEADER_BYTES + 4));
    }
    int announced = b.getInt();
    if (announced != image.length) {
      throw new IllegalArgumentException("learning state image length: the header announces "
          + Integer.toUnsignedString(announced) + " bytes, the image has " + image.length
          + (image.length < Integer.toUnsignedLong(announced) ? " (truncated)" : ""));
    }
    CRC32 crc = new CRC32();
    crc.update(image, 0, image.length - 4);
    int stored = ByteBuffer.wrap(image, image.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IllegalArgumentException(String.format("learning state image corrupted: CRC-32 "
          + "%08x, stored %08x", (int) crc.getValue(), stored));
    }
    int inputs = b.getInt();
    int hidden = b.getInt();
    int outputs = b.getInt();
    int outputFrac = b.getInt();
    int surrogateShift = b.getInt();
    int surrogateLength = b.getInt();
    int surrogateCrc = b.getInt();
    int count = b.getInt();
    Checks.range("learning state: tensor count", count, 1, 5);
    int rule = RULE_TBPTT1;
    int schedule = SCHEDULE_DENSE;
    int sectionCount = 0;
    if (version == VERSION) {
      rule = b.getInt();
      schedule = b.getInt();
      sectionCount = b.getInt();
      Checks.range("learning state: rule", rule, RULE_TBPTT1, RULE_NAMES.length - 1);
      Checks.range("learning state: schedule", schedule, SCHEDULE_DENSE, SCHEDULE_CATCH_UP);
      Checks.range("learning state: section count", sectionCount, 0, MAX_SECTIONS);
    }
    List<Tensor> tensors = new ArrayList<>(count);
    List<Section> sections = new ArrayList<>(sectionCount);
    try {
      for (int k = 0; k < count; k++) {
        byte[] nameBytes = new byte[NAME_BYTES];
        b.get(nameBytes);
        int end = 0;
        while (end < NAME_BYTES && nameBytes[end] != 0) {
          end++;
        }
        String name = new String(nameBytes, 0, end, StandardCharsets.US_ASCII);
        int[] f = new int[Tensor.CONFIG_FIELDS.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = b.getInt();
        }
        int length = f[0];
        int stateBits = f[1];
        int blockSize = f[2];
        int step = b.getInt();
        int beta1Pow = b.getInt();
        int beta2Pow = b.getInt();
        long rng = b.getLong();
        if (length < 0 || 4L * length > b.remaining() || blockSize < 1
            || (stateBits != 8 && stateBits != 4)) {
          throw new IllegalArgumentException("learning state: tensor " + name + ": length "
              + length + ", stateBits " + stateBits + ", blockSize " + blockSize
              + " do not fit the " + b.remaining() + " bytes left");
        }
        int[] masters = new int[length];
        b.asIntBuffer().get(masters);
        b.position(b.position() + 4 * length);
        int codeBytes = codeBytes(length, stateBits);
        int blocks = (int) (((long) length + blockSize - 1) / blockSize);
        byte[] mCodes = new byte[codeBytes];
        byte[] mScales = new byte[blocks];
        byte[] rCodes = new byte[codeBytes];
        byte[] rScales = new byte[blocks];
        b.get(mCodes).get(mScales).get(rCodes).get(rScales);
        tensors.add(new Tensor(name, length, stateBits, blockSize, f[3], f[4], f[5], f[6], f[7],
            f[8], f[9], step, beta1Pow, beta2Pow, rng, masters, mCodes, mScales, rCodes, rScales));
      }
      for (int k = 0; k < sectionCount; k++) {
        byte[] nameBytes = new byte[NAME_BYTES];
        b.get(nameBytes);
        int end = 0;
        while (end < NAME_BYTES && nameBytes[end] != 0) {
          end++;
        }
        String name = new String(nameBytes, 0, end, StandardCharsets.US_ASCII);
        int bytes = b.getInt();
        if (bytes < 0 || bytes > b.remaining() - 4) {
          throw new IllegalArgumentException("learning state: section " + name + " announces "
              + Integer.toUnsignedString(bytes) + " bytes, " + Math.max(0, b.remaining() - 4)
              + " are left");
        }
        byte[] payload = new byte[bytes];
        b.get(payload);
        sections.add(new Section(name, payload));
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("learning state image: the tensors and sections need "
          + "more than the " + image.length + " bytes announced");
    }
    if (b.remaining() != 4) {
      throw new IllegalArgumentException("learning state image: " + (b.remaining() - 4)
          + " unparsed bytes after " + count + " tensors and " + sectionCount + " sections");
    }
    return new LearningState(inputs, hidden, outputs, outputFrac, surrogateShift, surrogateLength,
        surrogateCrc, tensors, rule, schedule, sections);
  }

  /**
   * Checks that this state belongs to an engine with {@code expected}'s configuration (network
   * shape, learning configuration, rule and schedule, learned tensors and their hyper-parameters,
   * the names and sizes of the sections); throws naming the first field that differs. Counters,
   * codes, masters and section contents are not compared.
   */
  public void requireSameConfiguration(LearningState expected) {
    if (rule != expected.rule) {
      throw new IllegalArgumentException("learning state does not fit this engine: rule is "
          + ruleName(rule) + ", the engine has " + ruleName(expected.rule));
    }
    if (schedule != expected.schedule) {
      throw new IllegalArgumentException("learning state does not fit this engine: schedule is "
          + scheduleName(schedule) + ", the engine has " + scheduleName(expected.schedule));
    }
    long[][] header = {{inputs, expected.inputs}, {hidden, expected.hidden},
        {outputs, expected.outputs}, {outputFracBits, expected.outputFracBits},
        {surrogateShift, expected.surrogateShift}, {surrogateLength, expected.surrogateLength},
        {surrogateCrc, expected.surrogateCrc}, {tensors.size(), expected.tensors.size()}};
    String[] names = {"inputs", "hidden", "outputs", "outputFracBits", "surrogateShift",
        "surrogate entries", "surrogate table CRC", "learned tensors"};
    for (int i = 0; i < header.length; i++) {
      if (header[i][0] != header[i][1]) {
        throw new IllegalArgumentException("learning state does not fit this engine: " + names[i]
            + " is " + header[i][0] + ", the engine has " + header[i][1]);
      }
    }
    for (int k = 0; k < tensors.size(); k++) {
      Tensor t = tensors.get(k);
      Tensor e = expected.tensors.get(k);
      if (!t.name.equals(e.name)) {
        throw new IllegalArgumentException("learning state does not fit this engine: learned "
            + "tensor " + k + " is " + t.name + ", the engine's is " + e.name);
      }
      long[] a = t.configFields();
      long[] x = e.configFields();
      for (int i = 0; i < a.length; i++) {
        if (a[i] != x[i]) {
          throw new IllegalArgumentException("learning state does not fit this engine: tensor "
              + t.name + " " + Tensor.CONFIG_FIELDS[i] + " is " + a[i] + ", the engine has "
              + x[i]);
        }
      }
    }
    for (int k = 0; k < Math.max(sections.size(), expected.sections.size()); k++) {
      Section a = k < sections.size() ? sections.get(k) : null;
      Section e = k < expected.sections.size() ? expected.sections.get(k) : null;
      if (a == null) {
        throw new IllegalArgumentException("learning state does not fit this engine: section "
            + e.name + " is missing (the engine's takes " + e.payload.length + " bytes; the image "
            + "has " + sections.size() + " section" + (sections.size() == 1 ? "" : "s") + ")");
      }
      if (e == null || !a.name.equals(e.name)) {
        throw new IllegalArgumentException("learning state does not fit this engine: section " + k
            + " is " + a.name + ", the engine's is " + (e == null ? "absent" : e.name));
      }
      if (a.payload.length != e.payload.length) {
        throw new IllegalArgumentException("learning state does not fit this engine: section "
            + a.name + " has " + a.payload.length + " bytes, the engine's takes "
            + e.payload.length);
      }
    }
  }

  /**
   * Where two states first differ: {@code tensor} (null for a header field), {@code variable}
   * (a field name, or masters / mCodes / mScales / rCodes / rScales with {@code index} the array
   * index; code arrays index bytes), and both values.
   */
  public record Difference(String tensor, String variable, int index, long a, long b) {
    public String describe() {
      return (tensor == null ? "" : "tensor " + tensor + " ") + variable
          + (index >= 0 ? "[" + index + "]" : "") + ": a = " + a + ", b = " + b;
    }
  }

  /** The first difference from {@code other} in image order, or null when they are equal. */
  public Difference firstDifference(LearningState other) {
    long[] h1 = {inputs, hidden, outputs, outputFracBits, surrogateShift, surrogateLength,
        surrogateCrc, tensors.size(), rule, schedule, sections.size()};
    long[] h2 = {other.inputs, other.hidden, other.outputs, other.outputFracBits,
        other.surrogateShift, other.surrogateLength, other.surrogateCrc, other.tensors.size(),
        other.rule, other.schedule, other.sections.size()};
    String[] hn = {"inputs", "hidden", "outputs", "outputFracBits", "surrogateShift",
        "surrogateLength", "surrogateCrc", "tensorCount", "rule", "schedule", "sectionCount"};
    for (int i = 0; i < h1.length; i++) {
      if (h1[i] != h2[i]) {
        return new Difference(null, hn[i], -1, h1[i], h2[i]);
      }
    }
    for (int k = 0; k < tensors.size(); k++) {
      Tensor a = tensors.get(k);
      Tensor b = other.tensors.get(k);
      if (!a.name.equals(b.name)) {
        return new Difference(a.name, "name (b: " + b.name + ")", -1, k, k);
      }
      long[] fa = a.configFields();
      long[] fb = b.configFields();
      for (int i = 0; i < fa.length; i++) {
        if (fa[i] != fb[i]) {
          return new Difference(a.name, Tensor.CONFIG_FIELDS[i], -1, fa[i], fb[i]);
        }
      }
      long[][] counters = {{a.step, b.step}, {a.beta1Pow, b.beta1Pow}, {a.beta2Pow, b.beta2Pow},
          {a.rng, b.rng}};
      String[] cn = {"step", "beta1Pow", "beta2Pow", "rng"};
      for (int i = 0; i < counters.length; i++) {
        if (counters[i][0] != counters[i][1]) {
          return new Difference(a.name, cn[i], -1, counters[i][0], counters[i][1]);
        }
      }
      int i = Arrays.mismatch(a.masters, b.masters);
      if (i >= 0) {
        return new Difference(a.name, "masters", i, a.masters[i], b.masters[i]);
      }
      byte[][][] arrays = {{a.mCodes, b.mCodes}, {a.mScales, b.mScales}, {a.rCodes, b.rCodes},
          {a.rScales, b.rScales}};
      String[] an = {"mCodes", "mScales", "rCodes", "rScales"};
      for (int j = 0; j < arrays.length; j++) {
        i = Arrays.mismatch(arrays[j][0], arrays[j][1]);
        if (i >= 0) {
          boolean codes = j % 2 == 0;
          return new Difference(a.name, an[j], i, codes ? arrays[j][0][i] & 0xFF : arrays[j][0][i],
              codes ? arrays[j][1][i] & 0xFF : arrays[j][1][i]);
        }
      }
    }
    for (int k = 0; k < sections.size(); k++) {
      Section a = sections.get(k);
      Section b = other.sections.get(k);
      if (!a.name.equals(b.name)) {
        return new Difference(null, "section " + k + " name (a: " + a.name + ", b: " + b.name
            + ")", -1, k, k);
      }
      if (a.payload.length != b.payload.length) {
        return new Difference(null, "section " + a.name + " bytes", -1, a.payload.length,
            b.payload.length);
      }
      int i = Arrays.mismatch(a.payload, b.payload);
      if (i >= 0) {
        return new Difference(null, "section " + a.name + " byte", i, a.payload[i] & 0xFF,
            b.payload[i] & 0xFF);
      }
    }
    return null;
  }

  /** A 64-bit FNV-1a hash of the image (for per-step comparisons). */
  public long hash() {
    long h = 0xcbf29ce484222325L;
    for (byte x : toBytes()) {
      h ^= x & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  @Override
  public String toString() {
    return "LearningState[" + inputs + "-" + hidden + "-" + outputs + ", " + ruleName(rule) + ", "
        + scheduleName(schedule) + ", " + tensors + (sections.isEmpty() ? "" : ", " + sections)
        + "]";
  }
}
