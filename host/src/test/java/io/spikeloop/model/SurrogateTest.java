package io.spikeloop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SurrogateTest {
  @Test
  void doubleGaussianFollowsTheFormula() {
    Surrogate s = Surrogate.DEFAULT;
    // At 0: gamma [(1+h) N(0;0,s) - 2 h N(s;0,6s)] with N written out.
    double n0 = 1 / (0.5 * Math.sqrt(2 * Math.PI));
    double wide = Math.exp(-0.5 / 36) / (3 * Math.sqrt(2 * Math.PI));
    assertEquals(0.5 * (1.15 * n0 - 2 * 0.15 * wide), s.derivative(0), 1e-15);
    assertEquals(s.derivative(0.7), s.derivative(-0.7), 1e-15);
    assertTrue(s.derivative(2.0) < 0, "the side lobes go negative");
    assertEquals(1.0, s.value(0.0));
    assertEquals(0.0, s.value(-1e-12));
  }

  @Test
  void tableMatchesTheExactSurrogateEverywhere() {
    Surrogate s = Surrogate.DEFAULT;
    SurrogateTable table = new SurrogateTable(s);
    double worst = 0;
    for (double x = -80; x <= 80; x += 0.000731) {
      worst = Math.max(worst, Math.abs(table.at((float) x) - s.derivative((float) x)));
    }
    assertTrue(worst < 1e-6, "worst absolute error " + worst);
  }
}
