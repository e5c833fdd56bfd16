package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.StoredSample;
import io.spikeloop.target.sl1.Sl1Codecs;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The firmware's sample store (driver ABI 6) at the C boundary: records parsed by the C code
 * (raw bytes, damaged ones refused naming the field, the store unchanged), records moved down when
 * one is removed, and a replay equal to running the frames, with learning. Run under
 * {@code -Psanitize} this covers the parser and the store with ASan and UBSan; the device contract
 * suite in {@code hil-tests} compares it with the simulator and the wire.
 */
class NativeBoardSampleStoreTest {
  private NativeBoardDevice board;
  private SampleStore store;

  @BeforeEach
  void open() {
    BoardDriver driver = BoardDriver.open(BoardLibraries.load("ref").bind(SpikeloopDriver.class),
        "board:ref", "ref");
    board = new NativeBoardDevice("board:ref", driver);
    assertTrue(board.info().has(Capability.SAMPLE_STORE));
    store = board.extension(SampleStore.class).orElseThrow();
    board.configure(NativeBoardLearningTest.NET);
    NativeBoardLearningTest.writeStartWeights(board);
  }

  @AfterEach
  void close() {
    board.close();
  }

  private static StoredSample sample(long seed, int steps, int label) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] offsets = new int[steps + 1];
    int[] ids = new int[steps * 6];
    int n = 0;
    for (int t = 0; t < steps; t++) {
      for (int id : r.ints(0, NativeBoardLearningTest.NET.inputs()).limit(6).sorted().distinct()
          .toArray()) {
        ids[n++] = id;
      }
      offsets[t + 1] = n;
    }
    return new StoredSample(label, offsets, Arrays.copyOf(ids, n));
  }

  @Test
  void removingASampleMovesTheOthersDownAndKeepsThemIntact() {
    StoredSample a = sample(1, 30, 0);
    StoredSample b = sample(2, 20, 1);
    StoredSample c = sample(3, 25, 2);
    assertEquals(0, store.put(a));
    assertEquals(1, store.put(b));
    assertEquals(2, store.put(c));
    store.remove(0); // b and c move to the start of the store
    assertEquals(b.encode().length + c.encode().length, store.usedBytes());
    board.extension(io.spikeloop.device.OnChipLearning.class).orElseThrow()
        .enable(Sl1Codecs.encode(NativeBoardLearningTest.allTensors()));
    List<StepResult> replayed = store.replay(2, ReadoutLevel.FULL);
    int[] learned = board.readWeights("out.w");
    // the same frames run on a second core from the same start
    BoardDriver other = BoardDriver.open(BoardLibraries.load("ref").bind(SpikeloopDriver.class),
        "board:ref", "ref");
    try (NativeBoardDevice twin = new NativeBoardDevice("board:ref", other)) {
      twin.configure(NativeBoardLearningTest.NET);
      NativeBoardLearningTest.writeStartWeights(twin);
      twin.extension(io.spikeloop.device.OnChipLearning.class).orElseThrow()
          .enable(Sl1Codecs.encode(NativeBoardLearningTest.allTensors()));
      List<StepResult> run = twin.run(c.frames(), ReadoutLevel.FULL);
      for (int t = 0; t < run.size(); t++) {
        assertArrayEquals(run.get(t).outputs(), replayed.get(t).outputs(), "outputs " + t);
        assertArrayEquals(run.get(t).membranes()[0], replayed.get(t).membranes()[0], "u " + t);
      }
      assertArrayEquals(twin.readWeights("out.w"), learned, "learned the same");
      assertEquals(twin.telemetry().learningUpdates(), board.telemetry().learningUpdates());
    }
    assertEquals(20, store.replay(1, ReadoutLevel.OUTPUTS).size(), "b intact after the move");
    assertEquals(0, store.put(a), "the freed slot");
  }

  @Test
  void damagedRecordsAreRefusedByTheFirmwareNamingTheFieldAndChangeNothing() {
    byte[] good = sample(4, 10, 1).encode();
    store.put(good);
    long used = store.usedBytes();
    byte[] tooManyEvents = good.clone();
    tooManyEvents[4] = (byte) 0xFF; // more events than the body can hold
    byte[] longVarint = {1, 0, 1, 0, 1, 0, 0, 0, 1, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, 1};
    byte[] tooBig = {1, 0, 1, 0, 1, 0, 0, 0, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, 0x0F};
    for (var c : List.of(
        new Object[] {Arrays.copyOf(good, 7), "shorter than its 8-byte header"},
        new Object[] {Arrays.copyOf(good, good.length - 2), "truncated"},
        new Object[] {tooManyEvents, "events announced"},
        new Object[] {longVarint, "varint longer than 5 bytes"},
        new Object[] {tooBig, "exceeds 2^31 - 1"})) {
      var e = assertThrows(IllegalArgumentException.class, () -> store.put((byte[]) c[0]));
      assertTrue(e.getMessage().contains("spikeloop_put_sample failed with SPIKELOOP_ERR_ARGUMENT")
          && e.getMessage().contains((String) c[1]), e.getMessage());
    }
    assertEquals(used, store.usedBytes());
    assertEquals(1, store.list().size());
    var e = assertThrows(IllegalArgumentException.class, () -> store.replay(7,
        ReadoutLevel.SPIKES));
    assertTrue(e.getMessage().contains("sample slot 7 is empty"), e.getMessage());
  }
}
