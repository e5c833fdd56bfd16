package io.spikeloop.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with a certificate made for the test by the JDK's keytool (self-signed, SAN 127.0.0.1),
 * exported to the PEM files a user would pass to {@code serve --tls-cert/--tls-key}.
 */
class TlsTest {
  @TempDir
  static Path dir;
  private static Path[] pem;

  @BeforeAll
  static void makeCertificate() throws Exception {
    pem = selfSigned(dir);
  }

  @Test
  void aClientThatTrustsTheCertificateTalksOverTls() throws Exception {
    try (DeviceServer server = DeviceServer.start(new ToyTestDevice("toy"), ServerOptions.loopback(0)
            .withTls(TlsContexts.server(pem[0], pem[1])).withToken(SharedToken.of("t0k")));
         RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
             .withTls(TlsContexts.client(pem[0])).withToken(SharedToken.of("t0k")))) {
      remote.configure(TestNetworks.small());
      assertEquals(0, remote.step(new SpikeFrame(4), ReadoutLevel.SPIKES).step());
    }
  }

  @Test
  void aPlainClientGetsNothingFromATlsServer() throws Exception {
    try (DeviceServer server = DeviceServer.start(new ToyTestDevice("toy"), ServerOptions.loopback(0)
        .withTls(TlsContexts.server(pem[0], pem[1])))) {
      assertThrows(DeviceUnavailableException.class, () -> RemoteDevice.connect(
          RemoteOptions.of("127.0.0.1", server.port()).withConnectTimeout(Duration.ofSeconds(1))
              .withRequestTimeout(Duration.ofSeconds(1))));
    }
  }

  @Test
  void missingPemFilesAreNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> TlsContexts.server(dir.resolve("no.pem"), dir.resolve("no.key")));
    assertEquals("TLS certificate file " + dir.resolve("no.pem") + " does not exist", e.getMessage());
  }

  /** {cert.pem, key.pem}. */
  static Path[] selfSigned(Path dir) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    assumeTrue(Files.isExecutable(keytool), "no keytool in " + keytool + ": TLS test skipped");
    Path store = dir.resolve("server.p12");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "spikeloop",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore",
        store.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("spikeloop");
    PrivateKey key = (PrivateKey) ks.getKey("spikeloop", "changeit".toCharArray());
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    return new Path[] {certPem, keyPem};
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
