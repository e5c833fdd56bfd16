package io.spikeloop.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.wire.WireMapping;
import io.spikeloop.wire.v1.Empty;
import io.spikeloop.wire.v1.Hello;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.StepBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtoFrameCodecTest {
  private final WireMetrics metrics = new WireMetrics(new SimpleMeterRegistry(), "test");

  private EmbeddedChannel decoder(int maxFrame) {
    return new EmbeddedChannel(new ProtoFrameDecoder<>(Request.parser(), maxFrame, metrics));
  }

  private static List<Request> sample() {
    return List.of(
        Request.newBuilder().setId(1).setHello(Hello.newBuilder().setProtocolVersion(1)
            .setClient("c")).build(),
        Request.newBuilder().setId(2).setStep(StepBatch.newBuilder()
            .addPackets(WireMapping.toProto(new SpikeFrame(1, 5, 600), 0))).build(),
        Request.newBuilder().setId(3).setReset(Empty.getDefaultInstance()).build(),
        Request.newBuilder().setId(0).build());  // empty payload: a frame of length 0
  }

  private ByteBuf encode(List<Request> msgs) {
    EmbeddedChannel enc = new EmbeddedChannel(new ProtoFrameEncoder(metrics));
    for (Request r : msgs) {
      enc.writeOutbound(r);
    }
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  @Test
  void framesSplitAtEveryBytePositionDecodeTheSame() {
    List<Request> msgs = sample();
    ByteBuf all = encode(msgs);
    int total = all.readableBytes();
    for (int cut = 0; cut <= total; cut++) {
      EmbeddedChannel ch = decoder(1 << 20);
      ch.writeInbound(all.retainedSlice(0, cut));
      ch.writeInbound(all.retainedSlice(cut, total - cut));
      for (Request expected : msgs) {
        assertEquals(expected, ch.readInbound(), "cut at " + cut);
      }
      assertNull(ch.readInbound());
      assertFalse(ch.finish());
    }
    // And one byte at a time.
    EmbeddedChannel ch = decoder(1 << 20);
    for (int i = 0; i < total; i++) {
      ch.writeInbound(all.retainedSlice(i, 1));
    }
    for (Request expected : msgs) {
      assertEquals(expected, ch.readInbound());
    }
    all.release();
  }

  @Test
  void anOversizedFrameIsReportedOnceAndTheRestDiscarded() {
    EmbeddedChannel ch = decoder(100);
    ByteBuf in = Unpooled.buffer().writeInt(101).writeBytes(new byte[300]);
    ch.writeInbound(in);
    FrameFault f = assertInstanceOf(FrameFault.class, ch.readInbound());
    assertEquals(FrameFault.Kind.OVERSIZED, f.kind());
    assertTrue(f.detail().contains("101") && f.detail().contains("100"), f.detail());
    ch.writeInbound(encode(sample()));
    assertNull(ch.readInbound(), "nothing decodes after an oversized frame");
    assertEquals(1, metrics.faults(FrameFault.Kind.OVERSIZED));
    // A length with the top bit set is a huge unsigned length, not a negative one.
    EmbeddedChannel ch2 = decoder(100);
    ch2.writeInbound(Unpooled.buffer().writeInt(0xFFFFFFF0));
    assertEquals(FrameFault.Kind.OVERSIZED, ((FrameFault) ch2.readInbound()).kind());
  }

  @Test
  void aMalformedPayloadIsReportedAndTheNextFrameStillDecodes() {
    EmbeddedChannel ch = decoder(1000);
    ByteBuf in = Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f});
    in.writeBytes(encode(sample()));
    ch.writeInbound(in);
    assertEquals(FrameFault.Kind.MALFORMED, ((FrameFault) ch.readInbound()).kind());
    for (Request expected : sample()) {
      assertEquals(expected, ch.readInbound());
    }
    assertEquals(1, metrics.faults(FrameFault.Kind.MALFORMED));
  }

  @Test
  void aConnectionEndingMidFrameIsReportedAsTruncated() {
    EmbeddedChannel ch = decoder(1000);
    ByteBuf all = encode(sample());
    ch.writeInbound(all.retainedSlice(0, all.readableBytes() - 2));
    ch.finish();
    List<Object> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      out.add(o);
    }
    assertEquals(FrameFault.Kind.TRUNCATED, ((FrameFault) out.get(out.size() - 1)).kind());
    assertEquals(1, metrics.faults(FrameFault.Kind.TRUNCATED));
    all.release();
  }

  @Test
  void randomBytesNeverThrowAndEveryFrameIsAccountedFor() {
    Random rnd = new Random(5);
    long deadline = System.nanoTime() + 2_000_000_000L;
    for (int trial = 0; trial < 2000 && System.nanoTime() < deadline; trial++) {
      EmbeddedChannel ch = decoder(1 + rnd.nextInt(4096));
      byte[] junk = new byte[rnd.nextInt(600)];
      rnd.nextBytes(junk);
      if (rnd.nextBoolean() && junk.length >= 4) {
        // A plausible small length, so that payload parsing is exercised too.
        junk[0] = 0;
        junk[1] = 0;
        junk[2] = 0;
        junk[3] = (byte) rnd.nextInt(junk.length - 3);
      }
      int pos = 0;
      while (pos < junk.length) {
        int n = 1 + rnd.nextInt(junk.length - pos);
        ch.writeInbound(Unpooled.wrappedBuffer(junk, pos, n));
        pos += n;
      }
      ch.finish();
      for (Object o; (o = ch.readInbound()) != null; ) {
        assertTrue(o instanceof Request || o instanceof FrameFault, String.valueOf(o));
      }
    }
  }

  @Test
  void encoderWritesTheLengthPrefixAndCountsBytes() {
    WireMetrics m = new WireMetrics(new SimpleMeterRegistry(), "enc");
    EmbeddedChannel enc = new EmbeddedChannel(new ProtoFrameEncoder(m));
    Request r = sample().get(1);
    enc.writeOutbound(r);
    ByteBuf b = enc.readOutbound();
    assertEquals(r.getSerializedSize(), b.readInt());
    assertEquals(r.getSerializedSize(), b.readableBytes());
    assertEquals(1, m.framesOut());
    assertEquals(4 + r.getSerializedSize(), m.bytesOut());
    b.release();
  }
}
