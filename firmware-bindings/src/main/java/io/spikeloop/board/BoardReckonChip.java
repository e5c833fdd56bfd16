package io.spikeloop.board;

import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonProtocol;
import io.spikeloop.target.reckon.ReckonProtocolException;
import io.spikeloop.target.reckon.ReckonRegister;
import io.spikeloop.target.reckon.ReckonState;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonStepResult;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.Arrays;

/**
 * {@code board:reckon} as a {@link ReckonChip}: the verilated RTL behind {@link ReckonBoard},
 * driven through its pins. Protocol misuse is refused on the host before any pin moves, with the
 * same {@link ReckonProtocolException}s as {@code sim:reckon}; the library's own pin-level checks
 * (a core waiting for a label, a timing error) stay as the last line.
 *
 * <p>What the pins cannot show, kept in a host shadow: the configuration (registers are
 * write-only), whether the sample has a label, and which neuron words the chip has written in
 * this sample (its dirty bits, which make an unwritten word read as zero state; see {@link
 * #readState}). {@link ReckonStepResult#cycles()} is the measured count of clock cycles the tick
 * took at the pins (events, tick, ready, bus); {@link ReckonStepResult#synapticOps()} counts the
 * input events' operations only, since hidden spikes are not visible at the pins.
 */
public final class BoardReckonChip implements ReckonChip {
  private static final int NEURON_WORD_CHUNKS = 4;
  private static final int MAX_BUS_BYTES = 32; // 16 outputs x 2 bytes

  private final ReckonBoard board;
  private ReckonNetwork net;
  private int epropEnables;
  private boolean inSample;
  private boolean gotLabel;
  private int ticksInSample;
  private boolean[] wordWritten = new boolean[0]; // the chip's dirty bits per word (see readState)
  private final byte[] events = new byte[256];
  private final byte[] bus = new byte[MAX_BUS_BYTES];

  /** A fresh chip of {@code board:reckon}. */
  public BoardReckonChip() {
    this(ReckonBoard.open());
  }

  /** A chip on a board already opened (owned: closed with this chip). */
  BoardReckonChip(ReckonBoard board) {
    this.board = board;
  }

  /** The underlying board, for pin-level access (parking, registers, raw SRAM words). */
  public ReckonBoard board() {
    return board;
  }

  @Override
  public ReckonNetwork network() {
    return net;
  }

  @Override
  public void configure(ReckonNetwork network) {
    requireBetweenSamples("configure");
    // RST first: a clean FSM (and no latched timing error) whatever the chip did before
    board.reset();
    for (ReckonRegister.Write w : network.registerWrites()) {
      if (w.address() == 0) {
        continue; // SPI_EN_CONF is the driver's (SRAM access, parking)
      }
      board.writeRegister(w.address(), w.value());
    }
    int pairs = network.pairs();
    int[] chunks = new int[pairs * NEURON_WORD_CHUNKS];
    for (int p = 0; p < pairs; p++) {
      System.arraycopy(network.neuronWord(p), 0, chunks, p * NEURON_WORD_CHUNKS,
          NEURON_WORD_CHUNKS);
    }
    board.writeNeuronChunks(0, chunks);
    board.writeOutputMembranes(new short[network.outputs()]);
    this.net = network;
    this.wordWritten = new boolean[network.pairs()];
    this.epropEnables = network.eprop().enables();
  }

  @Override
  public void writeWeights(ReckonTensor tensor, byte[] weights) {
    requireNetwork();
    requireBetweenSamples("writing weights");
    int rows = tensor.rows(net);
    int cols = tensor.columns(net);
    if (weights == null || weights.length != rows * cols) {
      throw new ReckonProtocolException(tensor + " needs " + rows + " x " + cols + " = "
          + rows * cols + " weights, got " + (weights == null ? "null" : weights.length));
    }
    board.writeWeights(tensor.spiCode(), 0, rows, cols, weights);
  }

  @Override
  public byte[] readWeights(ReckonTensor tensor) {
    requireNetwork();
    return board.readWeights(tensor.spiCode(), 0, tensor.rows(net), tensor.columns(net));
  }

  @Override
  public void setEpropEnables(int bits) {
    requireNetwork();
    requireBetweenSamples("setting SPI_DO_EPROP");
    if (bits < 0 || bits > 7) {
      throw new ReckonProtocolException("SPI_DO_EPROP is 3 bits, got " + bits);
    }
    board.writeRegister(ReckonRegister.SPI_DO_EPROP.address(), bits);
    epropEnables = bits;
  }

  @Override
  public int epropEnables() {
    return epropEnables;
  }

  @Override
  public ReckonStepResult step(ReckonStep in) {
    requireNetwork();
    // the same refusals as sim:reckon, before any pin moves
    ReckonProtocol.checkStep(net, in, inSample, gotLabel, epropEnables);
    long cycles0 = board.cycles();
    int n;
    boolean learned = false;
    try {
      if (!inSample) {
        board.beginSample();
        inSample = true;
        gotLabel = false;
        Arrays.fill(wordWritten, false);
      }
      if (in.endOfSample()) {
        inSample = false;
        ticksInSample = 0;
        n = board.endSample(bus);
      } else {
        int count = in.eventCount();
        for (int e = 0; e < count; e++) {
          events[e] = (byte) in.event(e);
        }
        int flags = (in.targetValid() ? ReckonDriver.RECKON_STEP_TARGET_VALID : 0)
            | (in.inferAccumulate() ? ReckonDriver.RECKON_STEP_INFER_ACC : 0);
        boolean firstTick = ticksInSample == 0;
        n = board.step(events, count, in.label(), flags, bus);
        if (in.label() >= 0) {
          gotLabel = true;
        }
        // the first tick only starts the sample; later ticks run STEP, which writes every word
        learned = !firstTick && in.targetValid() && epropEnables != 0;
        ticksInSample++;
        markWrittenWords(firstTick, count);
      }
    } catch (ReckonBoardException e) {
      if (e.code() == ReckonDriver.RECKON_ERR_MISSING_LABEL
          || e.code() == ReckonDriver.RECKON_ERR_LABEL_TOO_EARLY) {
        throw new ReckonProtocolException(e.getMessage());
      }
      throw e;
    }
    int[] sent = new int[n];
    for (int i = 0; i < n; i++) {
      sent[i] = bus[i] & 0xFF;
    }
    long ops = (long) distinctEvents(in) * net.recurrent();
    return new ReckonStepResult(sent, learned, board.cycles() - cycles0, ops);
  }

  // STEP (every tick after the first) writes every word; the first tick's integration writes
  // the words of the recurrent neurons (each event's pass over its postsynaptic neurons) and the
  // word holding each event's input trace.
  private void markWrittenWords(boolean firstTick, int eventCount) {
    if (!firstTick) {
      Arrays.fill(wordWritten, true);
      return;
    }
    if (eventCount == 0) {
      return;
    }
    for (int p = 0; p < net.recurrent() / 2; p++) {
      wordWritten[p] = true;
    }
    for (int e = 0; e < eventCount; e++) {
      wordWritten[(events[e] & 0xFF) / 2] = true;
    }
  }

  private static int distinctEvents(ReckonStep in) {
    long[] seen = new long[4];
    int distinct = 0;
    for (int e = 0; e < in.eventCount(); e++) {
      int id = in.event(e);
      if ((seen[id >> 6] & 1L << (id & 63)) == 0) {
        seen[id >> 6] |= 1L << (id & 63);
        distinct++;
      }
    }
    return distinct;
  }

  @Override
  public boolean inSample() {
    return inSample;
  }

  /**
   * The state between two ticks, read over SPI while the core waits for its next tick (in PROP
   * with nothing left to do, it cannot move or touch its SRAMs without a tick). Effective values:
   * the chip's dirty bits (not readable) make a word it has not written in this sample read as
   * zero state; the host shadows them per word: the first tick's integration writes the words of
   * the recurrent neurons (if it had an input event) and those of the events' input traces; the
   * second tick's STEP writes them all.
   */
  @Override
  public ReckonState readState() {
    requireNetwork();
    int nRec = net.recurrent();
    int nIn = net.inputs();
    short[] u = new short[nRec];
    int[] traceIn = new int[nIn];
    int[] traceRec = new int[nRec];
    int[] traceOut = new int[nRec];
    short[] o = new short[net.outputs()];
    if (inSample && anyWritten()) {
      int words = net.pairs();
      int[] c = board.readNeuronChunks(0, words * NEURON_WORD_CHUNKS);
      for (int p = 0; p < words; p++) {
        if (!wordWritten[p]) {
          continue; // zero state: the chip has not written this word in this sample
        }
        for (int lane = 0; lane < 2; lane++) {
          int neuron = 2 * p + lane;
          long fields = bits(c, p, 50 * lane, 50); // u 15:0, tIn 27:16, tRec 39:28, tOut 49:40
          if (neuron < nRec) {
            u[neuron] = (short) (fields & 0xFFFF);
            traceRec[neuron] = (int) (fields >>> 28 & 0xFFF);
            traceOut[neuron] = (int) (fields >>> 40 & 0x3FF);
          }
          if (neuron < nIn) {
            traceIn[neuron] = (int) (fields >>> 16 & 0xFFF);
          }
        }
      }
      o = board.readOutputMembranes(net.outputs());
    } else if (inSample) {
      o = board.readOutputMembranes(net.outputs());
    }
    return new ReckonState(u, o, traceIn, traceRec, traceOut);
  }

  private boolean anyWritten() {
    for (boolean w : wordWritten) {
      if (w) {
        return true;
      }
    }
    return false;
  }

  /** {@code width} bits of neuron word {@code p} from bit {@code from} (width <= 63). */
  private static long bits(int[] chunks, int p, int from, int width) {
    long value = 0;
    for (int b = 0; b < width; b++) {
      int bit = from + b;
      int chunk = chunks[4 * p + (bit >> 5)];
      value |= (long) (chunk >>> (bit & 31) & 1) << b;
    }
    return value;
  }

  private void requireNetwork() {
    if (net == null) {
      throw new ReckonProtocolException("no network configured: call configure first");
    }
  }

  private void requireBetweenSamples(String what) {
    if (inSample) {
      throw new ReckonProtocolException(what + " inside a sample: the chip takes configuration "
          + "only between samples");
    }
  }

  @Override
  public void close() {
    board.close();
  }

  @Override
  public String toString() {
    return "board:reckon" + (net == null ? "" : " " + net.inputs() + "-" + net.recurrent() + "-"
        + net.outputs()) + (inSample ? " (in a sample)" : "");
  }
}
