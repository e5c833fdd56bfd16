package io.spikeloop.remote;

import io.spikeloop.device.Device;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.wire.v1.Request;
import io.spikeloop.wire.v1.Response;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Small networks, random weights and inputs, and a raw socket client for the transport tests. */
final class TestNetworks {
  private TestNetworks() {}

  static NetworkConfig small() {
    return new NetworkConfig(64, List.of(new LayerConfig(24, true, 8, 0, 16, 40, 3900, 64),
        new LayerConfig(12, false, 8, 0, 16, 30, 3900, 24)), new OutputConfig(5, 8, 0, 20, 4000));
  }

  static void randomWeights(Device d, long seed) {
    Random rnd = new Random(seed);
    for (WeightTensor t : d.config().tensors()) {
      int lim = 1 << (Math.min(t.bits(), 8) - 1);
      d.writeWeights(t.name(), rnd.ints(t.length(), -lim / 2, lim).toArray());
    }
  }

  static List<SpikeFrame> frames(int inputs, int steps, double density, long seed) {
    Random rnd = new Random(seed);
    List<SpikeFrame> out = new ArrayList<>(steps);
    for (int t = 0; t < steps; t++) {
      out.add(new SpikeFrame(IntStream.range(0, inputs).filter(i -> rnd.nextDouble() < density)
          .toArray()));
    }
    return out;
  }

  /** A client that speaks frames by hand, for refusals and bad frames. */
  static final class RawClient implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    RawClient(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(5000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    void send(Request r) throws IOException {
      byte[] b = r.toByteArray();
      out.writeInt(b.length);
      out.write(b);
      out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    Response read() throws IOException {
      int n = in.readInt();
      byte[] b = new byte[n];
      in.readFully(b);
      return Response.parseFrom(b);
    }

    /** True when the server closed the connection (end of stream) within the socket timeout. */
    boolean closedByServer() throws IOException {
      try {
        return in.read() < 0;
      } catch (java.net.SocketException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
