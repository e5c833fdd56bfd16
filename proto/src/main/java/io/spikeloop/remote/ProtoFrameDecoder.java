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
 */
public final class ProtoFrameDecoder<T extends MessageLite> extends ByteToMessageDecoder {
  /** Bytes of the length prefix. */
  public static final int HEADER_BYTES = 4;

  private final Parser<T> parser;
  private final int maxFrameBytes;
  private final WireMetrics metrics;
  private boolean discarding;

  public ProtoFrameDecoder(Parser<T> parser, int maxFrameBytes, WireMetrics metrics) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("max frame bytes must be positive, got " + maxFrameBytes);
    }
    this.parser = parser;
    this.maxFrameBytes = maxFrameBytes;
    this.metrics = metrics;
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
            + " bytes exceeds the limit of " + maxFrameBytes + " bytes"));
        continue;
      }
      if (in.readableBytes() < HEADER_BYTES + length) {
        return;
      }
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
