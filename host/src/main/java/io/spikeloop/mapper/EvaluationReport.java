package io.spikeloop.mapper;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What {@code eval} reports for a mapping run on a device, in the target's own terms
 * ({@link TargetMapper#evaluate}): the mapping and the measured results as text lines, and the
 * same as named JSON fields. Every target reports the fields {@code samples},
 * {@code floatAccuracy} (spikeloop's float model), {@code fixedAccuracy} (the device),
 * {@code predictionAgreement}, {@code sopsPerSample}, {@code cyclesPerSample},
 * {@code energyJoulesPerSample} and {@code clipped}; the rest are the target's.
 *
 * @param samples test samples run
 * @param lines   what {@code eval} prints after its line naming the model and device
 * @param fields  the JSON fields after the command's own (run, device, dataset, ...)
 */
public record EvaluationReport(int samples, List<String> lines, ObjectNode fields) {
  public EvaluationReport {
    lines = List.copyOf(lines);
    fields = fields.deepCopy();
  }

  @Override
  public ObjectNode fields() {
    return fields.deepCopy();
  }
}
