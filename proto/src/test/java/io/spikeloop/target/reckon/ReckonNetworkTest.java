package io.spikeloop.target.reckon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.DesignRuleViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReckonNetworkTest {

  @Test
  void refusesSizesBeyondTheChipNamingRuleAndNumbers() {
    DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
        () -> ReckonNetwork.builder(40, 258, 2).build());
    assertEquals("RK-SIZES", v.rule());
    assertTrue(v.getMessage().contains("recurrent is 258, allowed 2..256"), v.getMessage());
    assertEquals("RK-SIZES",
        assertThrows(DesignRuleViolation.class, () -> ReckonNetwork.builder(40, 100, 17).build()).rule());
    assertEquals("RK-PAIRS",
        assertThrows(DesignRuleViolation.class, () -> ReckonNetwork.builder(41, 100, 2).build()).rule());
  }

  @Test
  void refusesAlphaOutsideTheHardwareRange() {
    DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
        () -> ReckonNetwork.builder(4, 4, 1).alpha(0x6FFF).build());
    assertEquals("RK-ALPHA", v.rule());
    assertTrue(v.getMessage().contains("0x6fff"), v.getMessage());
    ReckonNetwork.builder(4, 4, 1).alpha(0x7000).build();
    ReckonNetwork.builder(4, 4, 1).alpha(0x8FFF).build();
    assertEquals("RK-ALPHA", assertThrows(DesignRuleViolation.class,
        () -> ReckonNetwork.builder(4, 4, 1).alpha(0x9000).build()).rule());
  }

  @Test
  void refusesShiftsAndLevelsOutOfRegisterWidth() {
    assertEquals("RK-SHIFT", assertThrows(DesignRuleViolation.class,
        () -> ReckonNetwork.builder(4, 4, 1).weightShifts(8, 0, 0).build()).rule());
    assertEquals("RK-PSEUDO-DERIVATIVE", assertThrows(DesignRuleViolation.class,
        () -> new ReckonNetwork.Eprop(0, false, 0, 0, 0, 0, new int[4], new int[] {0, 0, 0, 0, 16},
            0, 0, 0, 0, 0, 0, ReckonNetwork.Regularization.NONE)).rule());
  }

  @Test
  void registerWritesFollowTheTestbenchEncoding() {
    ReckonNetwork cue = ReckonPresets.cueAccumulation();
    List<ReckonRegister.Write> writes = cue.registerWrites();
    assertEquals(new ReckonRegister.Write(ReckonRegister.SPI_EN_CONF, 0, 1), writes.get(0));
    assertTrue(writes.contains(new ReckonRegister.Write(ReckonRegister.SPI_NUM_REC_NEUR, 95, 99)));
    assertTrue(writes.contains(new ReckonRegister.Write(ReckonRegister.SPI_SEED_STRND_ONEUR, 89, 0x74F4)));
    assertTrue(writes.contains(new ReckonRegister.Write(ReckonRegister.SPI_REGUL_MODE, 19, 2)));
    assertTrue(writes.contains(new ReckonRegister.Write(ReckonRegister.SPI_H_4, 78, 1)));
    // tbench.sv: prog_val128 = {12'hFEF, 16'd614, 100'b0}
    assertArrayEquals(new int[] {0, 0, 0, (0xFEF << 20) | (614 << 4)}, cue.neuronWord(7));
    assertArrayEquals(new int[4], cue.alphaConf());
    int[] conf = ReckonNetwork.builder(80, 80, 2).alpha(0x8001).build().alphaConf();
    assertArrayEquals(new int[] {-1, 0xFF, 0, 0}, conf);
  }

  @Test
  void costModelMatchesTheMeasuredFormula() {
    ReckonNetwork full = ReckonNetwork.builder(256, 256, 16).build();
    assertEquals(514, ReckonCostModel.cycles(full, 0, 0, false));
    assertEquals(514 + 258 * 10, ReckonCostModel.cycles(full, 10, 0, false));
    assertEquals(514 + 16 * (32 + 514), ReckonCostModel.cycles(full, 0, 0, true));
    assertEquals(10 * 256 + 2 * 272, ReckonCostModel.synapticOps(full, 10, 2));
  }

  @Test
  void stepResultDecodesMembranesLowByteFirst() {
    ReckonStepResult r = new ReckonStepResult(new int[] {0x34, 0x12, 0xFF, 0xFF}, false, 0, 0);
    assertArrayEquals(new short[] {0x1234, -1}, r.outputMembranes());
    assertEquals(-1, r.label());
    assertEquals(3, new ReckonStepResult(new int[] {3}, false, 0, 0).label());
    assertThrows(IllegalArgumentException.class,
        () -> new ReckonStep(new int[] {1}, -1, false, false, true));
  }
}
