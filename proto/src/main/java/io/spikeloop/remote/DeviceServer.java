package io.spikeloop.remote;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.Devices;
import io.spikeloop.wire.v1.Request;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves one device to clients over TCP. One client session owns the device at a time (others
 * are refused with {@code BUSY}); the owner's requests run on the device in arrival order on
 * that connection's event loop, and a frame that is malformed, truncated or too large is
 * answered with an error or a clean close of that connection only, and counted in
 * {@link #metrics()}. {@link #close()} stops accepting, tells connected clients the server is
 * shutting down, closes their connections after the request in progress, and closes the device
 * when the server opened it.
 */
public final class DeviceServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DeviceServer.class.getName());

  private final Device device;
  private final boolean ownsDevice;
  private final DeviceInfo info;
  private final ServerOptions options;
  private final long instance = new SecureRandom().nextLong();
  private final WireMetrics metrics;
  private final PreHelloBudget preHello;
  private final EventLoopGroup group;
  private final ChannelGroup sessions = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicReference<Channel> owner = new AtomicReference<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Channel serverChannel;
  private volatile boolean closing;

  private DeviceServer(Device device, boolean ownsDevice, ServerOptions options) {
    this.device = device;
    this.ownsDevice = ownsDevice;
    this.info = device.info();
    this.options = options;
    this.metrics = new WireMetrics(options.registry(), "server",
        "server#" + Integer.toHexString(System.identityHashCode(this)));
    this.preHello = new PreHelloBudget(options.limits().maxWaitingConnections(),
        options.limits().maxWaitingBytes());
    this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ChannelPipeline p = ch.pipeline();
              if (options.tls() != null) {
                p.addLast("tls", options.tls().newHandler(ch.alloc()));
              }
              ProtoFrameDecoder<Request> decoder = new ProtoFrameDecoder<>(Request.parser(),
                  options.maxFrameBytes(), metrics);
              decoder.limitBeforeHello(options.helloFrameLimit(), preHello);
              p.addLast("decoder", decoder);
              p.addLast("encoder", new ProtoFrameEncoder(metrics));
              p.addLast("session", new ServerSession(DeviceServer.this));
            }
          });
      serverChannel = b.bind(new InetSocketAddress(options.bind(), options.port()))
          .syncUninterruptibly().channel();
    } catch (Exception e) {
      // Netty rethrows the bind's checked exceptions (BindException: "Address already in use")
      // undeclared, so this catches Exception, not only RuntimeException.
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      metrics.close();
      throw new IllegalArgumentException("cannot listen on " + options.bind().getHostAddress() + ":"
          + options.port() + ": " + e.getMessage(), e);
    }
    LOG.log(System.Logger.Level.INFO, "serving device {0} ({1}) on {2}{3}{4}", info.name(),
        info.kind(), address(), options.tls() != null ? " with TLS" : "",
        options.token() != null ? ", token required" : "");
  }

  /** Opens the device by name and serves it; {@link #close()} closes it. */
  public static DeviceServer start(String deviceName, ServerOptions options) {
    Device d = Devices.open(deviceName);
    try {
      return new DeviceServer(d, true, options);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** Serves a device the caller keeps ownership of (it stays open after {@link #close()}). */
  public static DeviceServer start(Device device, ServerOptions options) {
    return new DeviceServer(device, false, options);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  public WireMetrics metrics() {
    return metrics;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    serverChannel.close().syncUninterruptibly();
    // Each runs after the request its connection is executing, on that connection's event loop;
    // wait (bounded) for the goodbyes to leave before the event loops stop.
    List<Future<?>> goodbyes = new ArrayList<>();
    for (Channel ch : sessions) {
      goodbyes.add(ch.eventLoop().submit(() -> ServerSession.shutDown(ch)));
    }
    for (Future<?> f : goodbyes) {
      f.awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    for (Channel ch : sessions) {
      ch.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    if (ownsDevice) {
      device.close();
    }
    metrics.close();
    LOG.log(System.Logger.Level.INFO, "device server on {0} closed", serverChannel.localAddress());
    closed.countDown();
  }

  // ---- for the sessions ------------------------------------------------------------------

  Device device() {
    return device;
  }

  DeviceInfo info() {
    return info;
  }

  ServerOptions options() {
    return options;
  }

  long instance() {
    return instance;
  }

  boolean closing() {
    return closing;
  }

  PreHelloBudget preHello() {
    return preHello;
  }

  void register(Channel ch) {
    sessions.add(ch);
  }

  /** The owner's remote address, or null when the device is free and now owned by {@code ch}. */
  String acquire(Channel ch) {
    if (owner.compareAndSet(null, ch)) {
      return null;
    }
    Channel current = owner.get();
    return current == null ? acquire(ch) : String.valueOf(current.remoteAddress());
  }

  void release(Channel ch) {
    owner.compareAndSet(ch, null);
  }
}
