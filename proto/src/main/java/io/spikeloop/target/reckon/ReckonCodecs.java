package io.spikeloop.target.reckon;

import io.spikeloop.target.TargetState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

/**
 * The payload formats of target {@code reckon}, all version 1, big-endian ({@link
 * DataOutputStream}). Every field is written as the raw register or SRAM value it is in
 * {@link ReckonNetwork} (a 32-bit int, or a byte for a switch), so decoding re-runs the design
 * rules of the records. Trailing bytes and short payloads are refused by name.
 *
 * <ul>
 *   <li>{@code network}: sizes, shifts, pair alphas and thresholds, kappa, switches, noise, e-prop
 *       settings ({@link #writeEprop}), readout, seeds.
 *   <li>{@code device-state}: the {@link ReckonState} arrays, each as count then values
 *       (membranes and output membranes as 16-bit, traces as 32-bit).
 *   <li>{@code learning-config}: format v1, the e-prop settings (enable bits first); format v2
 *       (written only when seeds are given, {@link #encodeLearningConfig(ReckonNetwork.Eprop,
 *       ReckonNetwork.Seeds)}), the same settings followed by the nine LFSR seeds of
 *       {@link ReckonNetwork.Seeds}: enabling it programs the seed registers (SPI_SEED_*), which
 *       restarts every generator from them. Both formats are read.
 *   <li>{@code learning-state}: magic {@code RKLS}, then W_in, W_rec, W_out as rows, columns and
 *       {@code [pre][post]} signed bytes, then the CRC-32 of everything before it. E-prop keeps no
 *       state besides the weights (traces are dynamic state; LFSR positions are not readable
 *       over SPI and are not included).
 * </ul>
 */
public final class ReckonCodecs {
  public static final int NETWORK_VERSION = 1;
  public static final int STATE_VERSION = 1;
  public static final int LEARNING_CONFIG_VERSION = 1;
  /** The learning-config format with LFSR seeds after the e-prop settings. */
  public static final int LEARNING_CONFIG_WITH_SEEDS_VERSION = 2;
  public static final int LEARNING_STATE_VERSION = 1;
  /** "RKLS": ReckOn learning state. */
  public static final int LEARNING_STATE_MAGIC = 0x524B4C53;

  private ReckonCodecs() {}

  // ---------------------------------------------------------------- network
  public static TargetState encodeNetwork(ReckonNetwork n) {
    return write(TargetState.KIND_NETWORK, NETWORK_VERSION, out -> {
      out.writeInt(n.inputs());
      out.writeInt(n.recurrent());
      out.writeInt(n.outputs());
      out.writeInt(n.inputWeightShift());
      out.writeInt(n.recurrentWeightShift());
      out.writeInt(n.outputWeightShift());
      writeInts(out, n.pairAlpha());
      writeInts(out, n.pairThreshold());
      out.writeInt(n.kappa());
      out.writeBoolean(n.resetToZero());
      out.writeBoolean(n.stochasticRounding());
      out.writeInt(n.noiseShift());
      writeEprop(out, n.eprop());
      ReckonNetwork.Readout r = n.readout();
      out.writeBoolean(r.sendPerTimestep());
      out.writeBoolean(r.sendLabelOnly());
      out.writeBoolean(r.noOutputActivation());
      writeSeeds(out, n.seeds());
    });
  }

  public static ReckonNetwork decodeNetwork(TargetState state) {
    state.require(ReckonTarget.ID, TargetState.KIND_NETWORK, NETWORK_VERSION);
    return read(state, in -> {
      int inputs = in.readInt(), recurrent = in.readInt(), outputs = in.readInt();
      int ws = in.readInt(), wr = in.readInt(), wo = in.readInt();
      int[] alpha = readInts(in, 128), threshold = readInts(in, 128);
      int kappa = in.readInt();
      boolean resetToZero = in.readBoolean(), stochastic = in.readBoolean();
      int noise = in.readInt();
      ReckonNetwork.Eprop eprop = readEprop(in);
      ReckonNetwork.Readout readout =
          new ReckonNetwork.Readout(in.readBoolean(), in.readBoolean(), in.readBoolean());
      ReckonNetwork.Seeds seeds = readSeeds(in);
      return new ReckonNetwork(inputs, recurrent, outputs, ws, wr, wo, alpha, threshold, kappa,
          resetToZero, stochastic, noise, eprop, readout, seeds);
    });
  }

  // ---------------------------------------------------------------- device state
  public static TargetState encodeState(ReckonState s) {
    return write(TargetState.KIND_DEVICE_STATE, STATE_VERSION, out -> {
      writeShorts(out, s.membranes());
      writeShorts(out, s.outputMembranes());
      writeInts(out, s.inputTraces());
      writeInts(out, s.recurrentTraces());
      writeInts(out, s.outputTraces());
    });
  }

  public static ReckonState decodeState(TargetState state) {
    state.require(ReckonTarget.ID, TargetState.KIND_DEVICE_STATE, STATE_VERSION);
    return read(state, in -> new ReckonState(readShorts(in, 256), readShorts(in, 16),
        readInts(in, 256), readInts(in, 256), readInts(in, 256)));
  }

  // ---------------------------------------------------------------- learning config
  public static TargetState encodeLearningConfig(ReckonNetwork.Eprop e) {
    return write(TargetState.KIND_LEARNING_CONFIG, LEARNING_CONFIG_VERSION,
        out -> writeEprop(out, e));
  }

  /**
   * E-prop settings plus the seeds to program when learning is enabled (format v2): a learner
   * that must restart the chip's update generators at known points (a checkpoint cannot read
   * their positions back over SPI) sends these.
   */
  public static TargetState encodeLearningConfig(ReckonNetwork.Eprop e, ReckonNetwork.Seeds seeds) {
    return write(TargetState.KIND_LEARNING_CONFIG, LEARNING_CONFIG_WITH_SEEDS_VERSION, out -> {
      writeEprop(out, e);
      writeSeeds(out, seeds);
    });
  }

  /** The e-prop settings of a learning configuration of either format. */
  public static ReckonNetwork.Eprop decodeLearningConfig(TargetState state) {
    return readLearningConfig(state).eprop();
  }

  /** The seeds a format-v2 learning configuration programs; null for format v1. */
  public static ReckonNetwork.Seeds decodeLearningConfigSeeds(TargetState state) {
    return readLearningConfig(state).seeds();
  }

  private record LearningConfig(ReckonNetwork.Eprop eprop, ReckonNetwork.Seeds seeds) {}

  private static LearningConfig readLearningConfig(TargetState state) {
    int version = state.formatVersion() == LEARNING_CONFIG_WITH_SEEDS_VERSION
        ? LEARNING_CONFIG_WITH_SEEDS_VERSION : LEARNING_CONFIG_VERSION;
    state.require(ReckonTarget.ID, TargetState.KIND_LEARNING_CONFIG, version);
    return read(state, in -> new LearningConfig(readEprop(in),
        version == LEARNING_CONFIG_WITH_SEEDS_VERSION ? readSeeds(in) : null));
  }

  // ---------------------------------------------------------------- learning state
  /** The weights e-prop learns, {@code [pre][post]} per tensor, in {@link ReckonTensor} order. */
  public record LearningWeights(byte[] input, byte[] recurrent, byte[] output) {
    public byte[] of(ReckonTensor t) {
      return switch (t) {
        case INPUT -> input.clone();
        case RECURRENT -> recurrent.clone();
        case OUTPUT -> output.clone();
      };
    }
  }

  public static TargetState encodeLearningState(ReckonNetwork net, LearningWeights w) {
    return write(TargetState.KIND_LEARNING_STATE, LEARNING_STATE_VERSION, out -> {
      out.writeInt(LEARNING_STATE_MAGIC);
      for (ReckonTensor t : ReckonTensor.values()) {
        byte[] v = w.of(t);
        out.writeInt(t.rows(net));
        out.writeInt(t.columns(net));
        if (v.length != t.rows(net) * t.columns(net)) {
          throw new IllegalArgumentException(t + " has " + v.length + " weights, the network needs "
              + t.rows(net) * t.columns(net));
        }
        out.write(v);
      }
    }, true);
  }

  /** The weights of a learning-state image; the shapes are checked against {@code net}. */
  public static LearningWeights decodeLearningState(TargetState state, ReckonNetwork net) {
    LearningWeights w = decodeLearningState(state);
    for (ReckonTensor t : ReckonTensor.values()) {
      int expected = t.rows(net) * t.columns(net);
      if (w.of(t).length != expected) {
        throw new IllegalArgumentException("reckon learning state: " + t + " holds "
            + w.of(t).length + " weights, this " + net.inputs() + "-" + net.recurrent() + "-"
            + net.outputs() + " network has " + expected);
      }
    }
    return w;
  }

  /** The weights of a learning-state image, checked for magic, length and CRC-32 only. */
  public static LearningWeights decodeLearningState(TargetState state) {
    state.require(ReckonTarget.ID, TargetState.KIND_LEARNING_STATE, LEARNING_STATE_VERSION);
    byte[] b = state.bytes();
    if (b.length < 8) {
      throw new IllegalArgumentException("reckon learning state: " + b.length
          + " bytes, too short for magic and CRC-32");
    }
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    int stored = ((b[b.length - 4] & 0xFF) << 24) | ((b[b.length - 3] & 0xFF) << 16)
        | ((b[b.length - 2] & 0xFF) << 8) | (b[b.length - 1] & 0xFF);
    if ((int) crc.getValue() != stored) {
      throw new IllegalArgumentException("reckon learning state: CRC-32 mismatch (stored 0x"
          + Integer.toHexString(stored) + ", computed 0x" + Long.toHexString(crc.getValue())
          + "): the image is damaged");
    }
    byte[] body = java.util.Arrays.copyOf(b, b.length - 4);
    return read(new TargetState(ReckonTarget.ID, TargetState.KIND_LEARNING_STATE,
        LEARNING_STATE_VERSION, body), in -> {
          int magic = in.readInt();
          if (magic != LEARNING_STATE_MAGIC) {
            throw new IllegalArgumentException("reckon learning state: magic 0x"
                + Integer.toHexString(magic) + ", expected RKLS");
          }
          byte[][] t = new byte[3][];
          for (int i = 0; i < 3; i++) {
            int rows = in.readInt(), cols = in.readInt();
            if (rows < 1 || rows > 256 || cols < 1 || cols > 256) {
              throw new IllegalArgumentException("reckon learning state: tensor " + i
                  + " shape " + rows + "x" + cols + " outside 1..256");
            }
            t[i] = new byte[rows * cols];
            in.readFully(t[i]);
          }
          return new LearningWeights(t[0], t[1], t[2]);
        });
  }

  /**
   * The shapes {@code {rows, columns}} (presynaptic, postsynaptic) of W_in, W_rec, W_out in a
   * learning-state image, after the checks of {@link #decodeLearningState(TargetState)}.
   */
  public static int[][] learningStateShapes(TargetState state) {
    decodeLearningState(state);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(state.bytes());
    in.getInt(); // magic
    int[][] shapes = new int[3][];
    for (int i = 0; i < 3; i++) {
      int rows = in.getInt();
      int cols = in.getInt();
      shapes[i] = new int[] {rows, cols};
      in.position(in.position() + rows * cols);
    }
    return shapes;
  }

  // ---------------------------------------------------------------- pieces
  private static void writeEprop(DataOutputStream out, ReckonNetwork.Eprop e) throws IOException {
    out.writeInt(e.enables());
    out.writeBoolean(e.forceTraces());
    out.writeInt(e.inputTraceShift());
    out.writeInt(e.recurrentTraceShift());
    out.writeInt(e.outputTraceShift());
    out.writeInt(e.learningSignalShift());
    writeInts(out, e.pseudoDerivativeThresholds());
    writeInts(out, e.pseudoDerivativeLevels());
    for (int v : new int[] {e.inputRateRight(), e.inputRateLeft(), e.recurrentRateRight(),
        e.recurrentRateLeft(), e.outputRateRight(), e.outputRateLeft()}) {
      out.writeInt(v);
    }
    ReckonNetwork.Regularization r = e.regularization();
    out.writeBoolean(r.multiplicative());
    out.writeBoolean(r.additive());
    out.writeBoolean(r.inputs());
    out.writeBoolean(r.recurrent());
    for (int v : new int[] {r.f0(), r.kInputRight(), r.kInputLeft(), r.kRecurrentRight(),
        r.kRecurrentLeft(), r.kMultiplicative()}) {
      out.writeInt(v);
    }
  }

  private static ReckonNetwork.Eprop readEprop(DataInputStream in) throws IOException {
    int enables = in.readInt();
    boolean force = in.readBoolean();
    int ti = in.readInt(), tr = in.readInt(), to = in.readInt(), ls = in.readInt();
    int[] thr = readInts(in, 4), levels = readInts(in, 5);
    int iR = in.readInt(), iL = in.readInt(), rR = in.readInt(), rL = in.readInt();
    int oR = in.readInt(), oL = in.readInt();
    ReckonNetwork.Regularization reg = new ReckonNetwork.Regularization(in.readBoolean(),
        in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readInt(), in.readInt(),
        in.readInt(), in.readInt(), in.readInt(), in.readInt());
    return new ReckonNetwork.Eprop(enables, force, ti, tr, to, ls, thr, levels, iR, iL, rR, rL, oR,
        oL, reg);
  }

  private static void writeSeeds(DataOutputStream out, ReckonNetwork.Seeds s) throws IOException {
    for (int v : new int[] {s.inputWeights(), s.recurrentWeights(), s.outputWeights(),
        s.neuronRounding(), s.outputRounding(), s.inputTraceRounding(),
        s.recurrentTraceRounding(), s.outputTraceRounding(), s.noise()}) {
      out.writeInt(v);
    }
  }

  private static ReckonNetwork.Seeds readSeeds(DataInputStream in) throws IOException {
    return new ReckonNetwork.Seeds(in.readInt(), in.readInt(), in.readInt(), in.readInt(),
        in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
  }

  private static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    for (int x : v) {
      out.writeInt(x);
    }
  }

  private static int[] readInts(DataInputStream in, int max) throws IOException {
    int n = count(in, max);
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readInt();
    }
    return v;
  }

  private static void writeShorts(DataOutputStream out, short[] v) throws IOException {
    out.writeInt(v.length);
    for (short x : v) {
      out.writeShort(x);
    }
  }

  private static short[] readShorts(DataInputStream in, int max) throws IOException {
    int n = count(in, max);
    short[] v = new short[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readShort();
    }
    return v;
  }

  private static int count(DataInputStream in, int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new IllegalArgumentException("reckon payload: array length " + n + " outside 0.."
          + max);
    }
    return n;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static TargetState write(String kind, int version, Writer w) {
    return write(kind, version, w, false);
  }

  private static TargetState write(String kind, int version, Writer w, boolean withCrc) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
      if (withCrc) {
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TargetState(ReckonTarget.ID, kind, version, bytes.toByteArray());
  }

  private static <T> T read(TargetState state, Reader<T> r) {
    byte[] b = state.bytes();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      T value = r.read(in);
      if (in.available() > 0) {
        throw new IllegalArgumentException("reckon " + state.kind() + ": " + in.available()
            + " trailing bytes after the payload");
      }
      return value;
    } catch (EOFException e) {
      throw new IllegalArgumentException("reckon " + state.kind() + ": payload of " + b.length
          + " bytes ends early (truncated)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
