package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.Devices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Opening boards by name: the search path, and the errors for what is missing or wrong. */
class BoardDeviceProviderTest {

  @Test
  void boardRefOpensTheReferenceFirmwareFromTheClassPath() {
    try (Device d = Devices.open("board:ref")) {
      assertEquals("sl1-ref-firmware", d.info().kind());
    }
  }

  @Test
  void aMissingLibraryNamesTheFileAndWhereItLooked() {
    var e = assertThrows(DeviceUnavailableException.class, () -> Devices.open("board:nosuch"));
    String m = e.getMessage();
    assertTrue(m.startsWith("board:nosuch: no driver library libspikeloop_nosuch.so in "
        + "spikeloop.board.path/SPIKELOOP_BOARD_PATH ["), m);
    assertTrue(m.contains("test-drivers/libspikeloop_nosuch.so"), m);
    assertTrue(m.contains("JNA's default locations"), m);
  }

  @Test
  void aLibraryBuiltForAnotherAbiVersionIsRefused() {
    var e = assertThrows(DeviceUnavailableException.class, () -> Devices.open("board:wrongabi"));
    assertTrue(e.getMessage().matches("board:wrongabi: .*/libspikeloop_wrongabi\\.so implements "
        + "driver ABI version 1, this build of spikeloop needs version "
        + SpikeloopDriver.SPIKELOOP_DRIVER_ABI_VERSION), e.getMessage());
  }

  @Test
  void theReferenceFirmwareDeclaresTheSl1Target() {
    assertEquals("sl1", BoardLibraries.load("ref").target());
    try (Device d = Devices.open("board:ref")) {
      assertEquals("sl1", d.info().target());
    }
  }

  @Test
  void aLibraryOfATargetWithoutABindingIsRefusedNamingTheTarget() {
    var e = assertThrows(DeviceUnavailableException.class, () -> Devices.open("board:othertarget"));
    assertTrue(e.getMessage().matches("board:othertarget: .*/libspikeloop_othertarget\\.so "
        + "implements target 'nosuch-target', for which no board binding is on the class path "
        + "\\(bindings: \\[sl1, reckon\\]\\)"), e.getMessage());
  }

  @Test
  void aLibraryThatIsNoDriverIsRefused() {
    var e = assertThrows(DeviceUnavailableException.class, () -> Devices.open("board:noabi"));
    assertTrue(e.getMessage().matches("board:noabi: .*/libspikeloop_noabi\\.so is not a spikeloop "
        + "driver \\(it has no spikeloop_driver_abi_version\\)"), e.getMessage());
  }

  @Test
  void aBoardTheDriverDoesNotHaveIsAFailedOpenWithTheFirmwaresText() {
    // the reference firmware under another name: found, right ABI, but it has no such board
    var e = assertThrows(DeviceUnavailableException.class,
        () -> BoardDriver.open(BoardLibraries.load("ref").bind(SpikeloopDriver.class), "board:ref", "other"));
    assertEquals("board:ref: spikeloop_open failed with SPIKELOOP_ERR_NO_DEVICE: no board "
        + "'other': the reference firmware provides only 'ref'", e.getMessage());
  }

  @Test
  void whenEveryCoreIsOpenTheNextOpenIsBusy() {
    List<Device> open = new ArrayList<>();
    try {
      var e = assertThrows(DeviceUnavailableException.class, () -> {
        for (int i = 0; i < 100; i++) {
          open.add(Devices.open("board:ref"));
        }
      });
      assertTrue(e.getMessage().contains("SPIKELOOP_ERR_BUSY: all 4 reference cores are open"),
          e.getMessage());
    } finally {
      open.forEach(Device::close);
    }
    Devices.open("board:ref").close(); // closing freed them
  }

  @Test
  void namesThatCouldEscapeTheSearchPathAreRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> Devices.open("board:../evil"));
    assertTrue(e.getMessage().contains("board name '../evil' must be"), e.getMessage());
  }

  @Test
  void theSearchPathIsThePropertyThenTheEnvironment() {
    List<String> path = BoardLibraries.searchPath();
    assertTrue(path.get(0).endsWith("test-drivers"), path.toString());
  }
}
