package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.device.Devices;
import io.spikeloop.target.Equivalence;
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
        + SpikeloopDriver.SPIKELOOP_DRIVER_ABI_VERSION + " \\(or 3 without chip instances, 4 "
        + "without learning rules, 5 without the sample store\\)"),
        e.getMessage());
  }

  @Test
  void aVersion3LibraryOpensAsAPerfectChipAndRefusesChipInstancesNamingTheVersion() {
    try (Device d = Devices.open("board:abi3")) {
      assertEquals("sl1-ref-firmware", d.info().kind());
      assertFalse(d.info().has(Capability.IMPERFECT_CHIP));
      assertEquals(Equivalence.BIT_EXACT, d.equivalence());
    }
    var e = assertThrows(DeviceUnavailableException.class,
        () -> Devices.open("board:abi3,mismatch=0.1,instance=2"));
    assertTrue(e.getMessage().matches("board:abi3,mismatch=0.1,instance=2: .*/libspikeloop_abi3"
        + "\\.so implements driver ABI version 3; chip instances \\(options \\[mismatch, instance, "
        + "noise, drop\\]\\) need version 4 \\(spikeloop_set_chip_instance\\)"), e.getMessage());
  }

  /** A version 3 (or 4) library learns tBPTT1; the e-prop rule needs version 5, named. */
  @Test
  void anOlderLibraryRefusesTheEpropRuleNamingTheVersion() {
    var net = new io.spikeloop.target.sl1.NetworkConfig(4, List.of(
        new io.spikeloop.target.sl1.LayerConfig(3, false, 8, 0, 16, 64, 3800, 4)),
        new io.spikeloop.target.sl1.OutputConfig(2, 8, 0, 16, 3900));
    var tbptt1 = io.spikeloop.target.sl1.LearningConfig.builder(
        java.util.Map.of("out.w", 1 << 16), 1, new int[] {8000, 4000}).build();
    var eprop = tbptt1.toBuilder().rule(io.spikeloop.target.sl1.LearningRule.EPROP)
        .traceShift(14).build();
    try (Device d = Devices.open("board:abi3")) {
      d.configure(net);
      io.spikeloop.target.sl1.Sl1Device.enableLearning(d, tbptt1);
      var e = assertThrows(io.spikeloop.device.UnsupportedCapabilityException.class,
          () -> io.spikeloop.target.sl1.Sl1Device.enableLearning(d, eprop));
      assertTrue(e.getMessage().contains("the eprop learning rule (the library implements driver "
          + "ABI version 3; learning rules need version 5)"), e.getMessage());
    }
    try (Device d = Devices.open("board:ref")) {
      d.configure(net);
      io.spikeloop.target.sl1.Sl1Device.enableLearning(d, eprop); // version 5: accepted
    }
  }

  @Test
  void aVersion4LibraryOpensWithoutTheSampleStore() {
    try (Device d = Devices.open("board:abi4")) {
      assertFalse(d.info().has(Capability.SAMPLE_STORE));
      assertTrue(d.extension(io.spikeloop.device.SampleStore.class).isEmpty());
      assertTrue(d.extension(io.spikeloop.device.OnChipLearning.class).isPresent());
    }
    try (Device d = Devices.open("board:abi3")) {
      assertTrue(d.extension(io.spikeloop.device.SampleStore.class).isEmpty());
    }
    try (Device d = Devices.open("board:ref")) {
      assertTrue(d.info().has(Capability.SAMPLE_STORE));
    }
  }

  @Test
  void aChipInstanceBoardDeclaresItselfImperfect() {
    try (Device d = Devices.open("board:ref,mismatch=0.1,instance=3,noise=2,drop=0.01")) {
      assertTrue(d.info().has(Capability.IMPERFECT_CHIP));
      assertEquals(Equivalence.STATISTICS_ONLY, d.equivalence());
      assertTrue(d.info().version().contains("chip instance 3: mismatch 0.1, noise 2.0 LSB, "
          + "drop 0.01"), d.info().version());
    }
    try (Device d = Devices.open("board:ref,mismatch=0,instance=3")) { // instance 3, but perfect
      assertEquals(Equivalence.BIT_EXACT, d.equivalence());
    }
  }

  @Test
  void badBoardOptionsAreRefusedByName() {
    var e = assertThrows(IllegalArgumentException.class, () -> Devices.open("board:ref,fifo=3"));
    assertTrue(e.getMessage().contains("option 'fifo=3' is not one of an SL-1 board's [mismatch, "
        + "instance, noise, drop]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Devices.open("board:ref,mismatch=2"));
    assertTrue(e.getMessage().contains("option 'mismatch=2': mismatch spread must be in [0, 1], "
        + "got 2.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Devices.open("board:ref,noise"));
    assertTrue(e.getMessage().contains("option 'noise' is not one of"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Devices.open("board:ref,learning=sparse"));
    assertTrue(e.getMessage().contains("device 'board:ref,learning=sparse'")
        && e.getMessage().contains("unknown learning schedule 'sparse'"), e.getMessage());
  }

  @Test
  void theReferenceFirmwareTakesALearningSchedule() {
    // the schedule itself is checked bit for bit against the simulator in hil-tests
    // (BoardSimLearningLockstepTest); here: the option opens, with a chip instance beside it
    try (Device d = Devices.open("board:ref,learning=catchup,mismatch=0.1,instance=2")) {
      assertEquals("board:ref,learning=catchup,mismatch=0.1,instance=2", d.info().name());
      assertTrue(d.info().has(io.spikeloop.device.Capability.IMPERFECT_CHIP));
    }
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
