package io.spikeloop.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepTest {
  @Test
  void parsesCommaAndSemicolonLists() {
    assertEquals(new Sweep("lr", List.of("1e-4", "3e-4")), Sweep.parse("lr=1e-4,3e-4"));
    assertEquals(new Sweep("betas", List.of("0.9,0.999", "0.99,0.999")),
        Sweep.parse("--betas=0.9,0.999;0.99,0.999"));
    assertEquals("--weight-bits", Sweep.parse("weight-bits=4,8").flag());
  }

  @Test
  void badSweepsFailNamingTheProblem() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sweep.parse("lr"))
        .getMessage().contains("name=v1,v2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sweep.parse("lr=1,,2"))
        .getMessage().contains("non-empty"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sweep.parse("lr=1,1"))
        .getMessage().contains("repeats"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sweep.parse("L R=1"))
        .getMessage().contains("train option name"));
  }

  @Test
  void plotAxesAreCategoricalForSettingsAndLogarithmicForRates() {
    assertEquals(StudyPlots.Axis.LOGARITHMIC, StudyPlots.axis(Sweep.parse("lr=3e-5,1e-4,3e-4")));
    assertEquals(StudyPlots.Axis.CATEGORIES, StudyPlots.axis(Sweep.parse("adam-bits=4,8")));
    assertEquals(StudyPlots.Axis.CATEGORIES, StudyPlots.axis(Sweep.parse("weight-bits=4,8,16")));
    assertEquals(StudyPlots.Axis.CATEGORIES,
        StudyPlots.axis(Sweep.parse("placement=host-float,hil")));
    assertEquals(StudyPlots.Axis.LINEAR, StudyPlots.axis(Sweep.parse("momentum=0,0.5,0.9")));
    assertEquals(StudyPlots.Axis.LOGARITHMIC, StudyPlots.axis(Sweep.parse("hidden=8,64,1024")));
  }
}
