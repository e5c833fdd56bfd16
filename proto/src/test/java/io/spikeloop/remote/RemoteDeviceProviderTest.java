package io.spikeloop.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteDeviceProviderTest {
  @TempDir
  Path dir;

  @Test
  void namesWithOptionsParse() {
    RemoteDeviceProvider p = new RemoteDeviceProvider();
    assertTrue(p.accepts("remote://lab-pc:7000"));
    assertFalse(p.accepts("sim"));
    RemoteOptions o = RemoteDeviceProvider.parse("remote://lab-pc:7000?timeout-ms=250&window=64&batch=8",
        Map.of());
    assertEquals("lab-pc", o.host());
    assertEquals(7000, o.port());
    assertEquals(Duration.ofMillis(250), o.requestTimeout());
    assertEquals(64, o.window());
    assertEquals(8, o.batchSteps());
    assertNull(o.token());
    assertEquals("remote://lab-pc:7000", o.name());
    RemoteOptions v6 = RemoteDeviceProvider.parse("remote://[::1]:7001", Map.of());
    assertEquals("::1", v6.host());
    assertEquals("remote://[::1]:7001", v6.name());
  }

  @Test
  void theTokenComesFromTheEnvironmentOrItsFile() throws Exception {
    RemoteOptions fromEnv = RemoteDeviceProvider.parse("remote://h:1",
        Map.of(SharedToken.ENV, "abc"));
    assertTrue(fromEnv.token().matches("abc"));
    Path f = dir.resolve("token");
    Files.writeString(f, "  xyz \nignored\n");
    RemoteOptions fromFile = RemoteDeviceProvider.parse("remote://h:1",
        Map.of(SharedToken.ENV_FILE, f.toString()));
    assertTrue(fromFile.token().matches("xyz"));
    Files.writeString(f, "\n");
    var e = assertThrows(IllegalArgumentException.class, () -> SharedToken.fromFile(f));
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
  }

  @Test
  void badNamesAreRefusedNamingTheProblem() {
    for (String bad : new String[] {"remote://nohost", "remote://h:1/path", "remote://h:x",
        "remote://h:1?window=many", "remote://h:1?colour=red", "remote://h:1?window"}) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> RemoteDeviceProvider.parse(bad, Map.of()), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> RemoteDeviceProvider.parse("remote://h:1?tls=" + dir.resolve("none.pem"), Map.of()));
    assertTrue(e.getMessage().contains("none.pem"), e.getMessage());
  }
}
