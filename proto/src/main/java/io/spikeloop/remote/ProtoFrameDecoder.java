package io.spikeloop.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames of a 4-byte big-endian payload length followed by the
 * payload, and parses each payload with {@code parser}. Emits the parsed message, or a
 * {@link FrameFault} for a payload that does not parse, a length above {@code maxFrameBytes}
 * (after which the rest of the stream is discarded: there is no way to find the next frame), or
 * a connection that ends mid-frame. Never throws for bad input.
 *
 * <p>A server narrows the limit until a connection's Hello is accepted ({@link #limitBeforeHello})
 * and makes its partly received frames draw on a {@link PreHelloBudget} shared by all such
 * connections: a frame that does not fit is a {@link FrameFault.Kind#OVER_BUDGET} fault, after
 * which the rest of the stream is discarded as well.
 */
public final class ProtoFrameDecoder<T extends MessageLite> extends ByteToMessageDecoder {
  /** Bytes of the length prefix. */
  public static final int HEADER_BYTES = 4;

  private final Parser<T> parser;
  private final WireMetrics metrics;
  private int maxFrameBytes;
  private boolean discarding;
  /** Before Hello: where partly received frames reserve their bytes; null once accepted. */
  private PreHelloBudget budget;
  /** Bytes of the frame being received that are reserved in {@link #budget}. */
  private long reserved;

  public ProtoFrameDecoder(Parser<T> parser, int maxFrameBytes, WireMetrics metrics) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("max frame bytes must be positive, got " + maxFrameBytes);
    }
    this.parser = parser;
    this.maxFrameBytes = maxFrameBytes;
    this.metrics = metrics;
  }

  /**
   * Until {@link #helloAccepted} frames may be at most {@code helloFrameBytes} long, and a frame
   * that arrives in pieces reserves its length in {@code budget} while it is incomplete.
   */
  void limitBeforeHello(int helloFrameBytes, PreHelloBudget budget) {
    this.maxFrameBytes = Math.min(maxFrameBytes, helloFrameBytes);
    this.budget = budget;
  }

  /** The session is authenticated: frames up to {@code maxFrameBytes}, no shared budget. */
  void helloAccepted(int maxFrameBytes) {
    releaseReservation();
    this.budget = null;
    this.maxFrameBytes = maxFrameBytes;
  }

  private void releaseReservation() {
    if (reserved > 0) {
      budget.release(reserved);
      reserved = 0;
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseReservation();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      if (discarding) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (in.readableBytes() < HEADER_BYTES) {
        return;
      }
      long length = in.getUnsignedInt(in.readerIndex());
      if (length > maxFrameBytes) {
        discarding = true;
        metrics.fault(FrameFault.Kind.OVERSIZED);
        out.add(new FrameFault(FrameFault.Kind.OVERSIZED, "frame of " + length
            + " bytes exceeds the limit of " + maxFrameBytes + " bytes"
            + (budget != null ? " before Hello" : "")));
        continue;
      }
      if (in.readableBytes() < HEADER_BYTES + length) {
        if (budget != null && reserved == 0) {
          if (!budget.reserve(length)) {
            discarding = true;
            metrics.fault(FrameFault.Kind.OVER_BUDGET);
            out.add(new FrameFault(FrameFault.Kind.OVER_BUDGET, "the server holds "
                + budget.maxWaitingBytes() + " bytes at most of frames from connections without"
                + " an accepted Hello, and they are in use; frame of " + length
                + " bytes refused, try again later"));
            continue;
          }
          reserved = length;
        }
        return;
      }
      releaseReservation();
      in.skipBytes(HEADER_BYTES);
      int len = (int) length;
      metrics.frameIn(HEADER_BYTES + len);
      try {
        out.add(parser.parseFrom(in.nioBuffer(in.readerIndex(), len)));
      } catch (InvalidProtocolBufferException e) {
        metrics.fault(FrameFault.Kind.MALFORMED);
        out.add(new FrameFault(FrameFault.Kind.MALFORMED,
            "frame of " + len + " bytes is not a valid message: " + e.getMessage()));
      } finally {
        in.skipBytes(len);
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decode(ctx, in, out);
    if (!discarding && in.isReadable()) {
      int have = in.readableBytes();
      in.skipBytes(have);
      metrics.fault(FrameFault.Kind.TRUNCATED);
      out.add(new FrameFault(FrameFault.Kind.TRUNCATED,
          "connection ended " + have + " bytes into a frame"));
    }
  }
}
