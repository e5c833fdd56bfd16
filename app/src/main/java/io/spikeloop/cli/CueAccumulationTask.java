package io.spikeloop.cli;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.sim.reckon.CueAccumulation;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonPresets;
import io.spikeloop.target.reckon.ReckonTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ReckOn's cue-accumulation task ({@code upstream/src/tbench.sv}) as inputs for {@code diff
 * --task cue-accumulation}: the testbench's 40-100-2 network, its initial weights (generic
 * {@code [post][pre]}) and the training samples as a dataset of 2,249 steps each. The
 * testbench's 2,250th tick is the one that ends the sample, which a device's {@code reset()}
 * sends (without TARGET_VALID and INFER_ACC, unlike the testbench: the device contract's
 * end-of-sample tick neither learns nor counts).
 */
record CueAccumulationTask(ReckonNetwork network, Map<String, int[]> weights,
                           SpikeDataset samples) {
  static CueAccumulationTask read(Path dataDir) {
    ReckonNetwork net = ReckonPresets.cueAccumulation();
    Map<String, int[]> weights = new LinkedHashMap<>();
    String[] files = {"init_rand_weights_inp_cueAcc.dat", "init_rand_weights_rec_cueAcc.dat",
        "init_rand_weights_out_cueAcc.dat"};
    for (ReckonTensor t : ReckonTensor.values()) {
      int pre = t.rows(net);
      int post = t.columns(net);
      byte[] chipOrder = CueAccumulation.readWeights(dataDir.resolve(files[t.ordinal()]),
          pre * post);
      int[] generic = new int[pre * post];
      for (int i = 0; i < pre; i++) {
        for (int j = 0; j < post; j++) {
          generic[j * pre + i] = chipOrder[i * post + j];
        }
      }
      weights.put(t.tensorName(), generic);
    }
    List<SpikeSample> samples = new ArrayList<>();
    int steps = CueAccumulation.TICKS - 1;
    for (CueAccumulation.Sample s : CueAccumulation.readDataset(
        dataDir.resolve("dataset_cueAcc_train.dat"))) {
      int[] offsets = new int[steps + 1];
      List<Integer> channels = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        // the chip latches one bit per input and integrates in index order: sorted, distinct
        for (int id : Arrays.stream(s.eventsPerStep()[t]).sorted().distinct().toArray()) {
          channels.add(id);
        }
        offsets[t + 1] = channels.size();
      }
      samples.add(new SpikeSample(s.label(), offsets,
          channels.stream().mapToInt(Integer::intValue).toArray(), -1));
    }
    return new CueAccumulationTask(net, weights, new InMemoryDataset("cue-accumulation/train",
        net.inputs(), net.outputs(), steps, samples));
  }
}
