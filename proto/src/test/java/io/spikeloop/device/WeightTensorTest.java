package io.spikeloop.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeightTensorTest {
  @Test
  void aValidShapeIsKeptAndChecksValuesAgainstItsWidth() {
    WeightTensor t = new WeightTensor("layer0.in", 2, 3, 4);
    assertEquals(6, t.length());
    t.check(new int[] {-8, 7, 0, 1, 2, 3});
    var e = assertThrows(IllegalArgumentException.class,
        () -> t.check(new int[] {0, 0, 0, 0, 8, 0}));
    assertTrue(e.getMessage().contains("[1][1]") && e.getMessage().contains("4 signed bits"),
        e.getMessage());
  }

  @Test
  void badShapesAreRefusedNamingTheTensorAndTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new WeightTensor(" ", 1, 1, 8)).getMessage().contains("needs a name"));
    var rows = assertThrows(IllegalArgumentException.class,
        () -> new WeightTensor("out.w", 0, 3, 8));
    assertTrue(rows.getMessage().contains("out.w rows") && rows.getMessage().contains("got 0"),
        rows.getMessage());
    var big = assertThrows(IllegalArgumentException.class,
        () -> new WeightTensor("layer0.rec", 1 << 16, 1 << 16, 8));
    assertTrue(big.getMessage().contains("element count"), big.getMessage());
    var bits = assertThrows(IllegalArgumentException.class,
        () -> new WeightTensor("layer0.bias", 4, 1, 33));
    assertTrue(bits.getMessage().contains("layer0.bias bits") && bits.getMessage().contains("33"),
        bits.getMessage());
  }
}
