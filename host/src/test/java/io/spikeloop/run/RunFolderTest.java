package io.spikeloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.train.Readout;
import org.junit.jupiter.api.Test;

class RunFolderTest {
  private static JsonNode options(String json) throws Exception {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void aRunsReadoutIsTheRecordedOneElseItsDatasetsPreset() throws Exception {
    assertEquals(Readout.SUM, RunFolder.readout(options("{\"dataset\":\"synthetic\","
        + "\"readout\":\"sum\"}")));
    assertEquals(Readout.LAST, RunFolder.readout(options("{\"dataset\":\"shd:x.h5\","
        + "\"readout\":\"last\"}")), "what was recorded wins over the preset");
    assertEquals(Readout.SUM, RunFolder.readout(options("{\"dataset\":\"shd:x.h5\"}")),
        "speech trains with the summed readout unless told otherwise");
    assertEquals(Readout.LAST, RunFolder.readout(options("{\"dataset\":\"nmnist:d\"}")));
    assertEquals(Readout.LAST, RunFolder.readout(null), "no config.json");
    assertThrows(IllegalArgumentException.class,
        () -> RunFolder.readout(options("{\"readout\":\"max\"}")));
  }
}
