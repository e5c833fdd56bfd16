package io.spikeloop.fault;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that understands the {@code spikeloop.v1} framing (4-byte big-endian
 * payload length, payload) and applies a {@link Plan}'s fault to each frame, in each direction.
 * One blocking thread per direction and connection: it is test and soak equipment, not a data
 * path. The target port can change ({@link #retarget}) so a restarted server on a new port is
 * reached through the same proxy address.
 */
public final class FaultyLink implements AutoCloseable {
  /** How long {@link Fault#DELAY} holds a frame. */
  public static final int DELAY_MILLIS = 40;

  /** Which way a frame travels. */
  public enum Direction { TO_SERVER, TO_CLIENT }

  /** Decides the fault for every frame; called from the pump threads. */
  @FunctionalInterface
  public interface Plan {
    Fault next(Direction direction, long frame);

    /** Every frame forwarded unchanged. */
    static Plan none() {
      return (d, f) -> Fault.NONE;
    }

    /**
     * Each frame independently faulty with probability {@code p}, the fault drawn uniformly from
     * {@code kinds}; seeded, but the interleaving of the two directions makes runs differ in
     * detail.
     */
    static Plan random(double p, long seed, Fault... kinds) {
      Random r = new Random(seed);
      return (d, f) -> {
        synchronized (r) {
          return r.nextDouble() < p ? kinds[r.nextInt(kinds.length)] : Fault.NONE;
        }
      };
    }

    /** {@code fault} on the {@code n}-th frame (0-based, over all connections) going {@code dir}. */
    static Plan once(Direction dir, long n, Fault fault) {
      return (d, f) -> d == dir && f == n ? fault : Fault.NONE;
    }
  }

  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong[] frames = {new AtomicLong(), new AtomicLong()};
  private final long[] injected = new long[Fault.values().length];
  private volatile int targetPort;
  private volatile Plan plan;
  private volatile boolean closed;

  public FaultyLink(int targetPort, Plan plan) throws IOException {
    this.targetPort = targetPort;
    this.plan = plan;
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "faulty-link-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** New connections go to {@code port} (existing ones are left as they are). */
  public void retarget(int port) {
    targetPort = port;
  }

  public void plan(Plan p) {
    plan = p;
  }

  /** Faults applied so far, of one kind. */
  public synchronized long injected(Fault kind) {
    return injected[kind.ordinal()];
  }

  /** Faults applied so far, all kinds. */
  public synchronized long injected() {
    long n = 0;
    for (int i = 1; i < injected.length; i++) {
      n += injected[i];
    }
    return n;
  }

  /** Frames seen going {@code d} (forwarded or not). */
  public long frames(Direction d) {
    return frames[d.ordinal()].get();
  }

  /** Closes every connection through the link now (both sides see the connection end). */
  public void cutAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    cutAll();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, Direction.TO_SERVER);
        pump(server, client, Direction.TO_CLIENT);
      } catch (IOException serverGone) {
        closeQuietly(client); // the client sees the connection refused-and-closed
      }
    }
  }

  private void pump(Socket from, Socket to, Direction dir) {
    Thread t = new Thread(() -> {
      try (DataInputStream in = new DataInputStream(from.getInputStream())) {
        OutputStream out = to.getOutputStream();
        boolean stalled = false;
        Random garbage = new Random(dir.ordinal());
        while (true) {
          int length = in.readInt();
          byte[] payload = new byte[length];
          in.readFully(payload);
          long n = frames[dir.ordinal()].getAndIncrement();
          if (stalled) {
            continue;
          }
          Fault f = plan.next(dir, n);
          count(f);
          switch (f) {
            case NONE -> write(out, length, payload);
            case DROP -> { }
            case DELAY -> {
              Thread.sleep(DELAY_MILLIS);
              write(out, length, payload);
            }
            case CORRUPT_LENGTH -> write(out, length | 0x80000000, payload);
            case GARBAGE -> {
              byte[] junk = new byte[8 + garbage.nextInt(24)];
              garbage.nextBytes(junk);
              junk[0] = (byte) 0xFF; // field number 0 ... never a valid protobuf tag
              write(out, junk.length, junk);
              write(out, length, payload);
            }
            case STALL -> stalled = true;
            case CUT -> {
              closeQuietly(from);
              closeQuietly(to);
              return;
            }
          }
        }
      } catch (EOFException | java.net.SocketException ended) {
        // one side closed: close the other so the end propagates
      } catch (IOException | InterruptedException e) {
        // the same: the link is test equipment and ends the connection on any trouble
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "faulty-link-" + dir);
    t.setDaemon(true);
    t.start();
  }

  private synchronized void count(Fault f) {
    injected[f.ordinal()]++;
  }

  private static void write(OutputStream out, int length, byte[] payload) throws IOException {
    byte[] frame = new byte[4 + payload.length];
    frame[0] = (byte) (length >>> 24);
    frame[1] = (byte) (length >>> 16);
    frame[2] = (byte) (length >>> 8);
    frame[3] = (byte) length;
    System.arraycopy(payload, 0, frame, 4, payload.length);
    out.write(frame);
    out.flush();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing on the way out
    }
  }
}
