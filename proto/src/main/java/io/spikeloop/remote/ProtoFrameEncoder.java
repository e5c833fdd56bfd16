package io.spikeloop.remote;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Writes a message as a 4-byte big-endian payload length followed by the serialized message. */
@ChannelHandler.Sharable
public final class ProtoFrameEncoder extends MessageToByteEncoder<MessageLite> {
  private final WireMetrics metrics;

  public ProtoFrameEncoder(WireMetrics metrics) {
    super(MessageLite.class);
    this.metrics = metrics;
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, MessageLite msg, boolean preferDirect) {
    int size = ProtoFrameDecoder.HEADER_BYTES + msg.getSerializedSize();
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, MessageLite msg, ByteBuf out) throws IOException {
    int size = msg.getSerializedSize();
    out.writeInt(size);
    out.ensureWritable(size);
    ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
    CodedOutputStream cos = CodedOutputStream.newInstance(target);
    msg.writeTo(cos);
    cos.flush();
    out.writerIndex(out.writerIndex() + size);
    metrics.frameOut(ProtoFrameDecoder.HEADER_BYTES + size);
  }
}
