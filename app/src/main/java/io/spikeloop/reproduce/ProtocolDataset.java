package io.spikeloop.reproduce;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset of the paper's protocol: its row name, the dataset spec given to train, and the train
 * options of the full protocol and of {@code --quick} (smaller network, fewer epochs).
 *
 * @param key        folder name of its study, e.g. {@code shd}
 * @param title      row name in the table, e.g. {@code SHD}
 * @param spec       the train dataset, e.g. {@code shd:/data/shd}
 * @param fullArgs   train options of the full protocol
 * @param quickArgs  train options of the quick run
 */
public record ProtocolDataset(String key, String title, String spec, List<String> fullArgs,
                              List<String> quickArgs) {
  public ProtocolDataset {
    fullArgs = List.copyOf(fullArgs);
    quickArgs = List.copyOf(quickArgs);
  }

  /**
   * SHD or converted Heidelberg Digits (700 channels, 20 classes): issue R1's setting, 700-450-20,
   * 10 ms bins, T = 100, tau_mem = tau_out = 50 ms, batch 32, 30 epochs, summed-output readout.
   */
  public static ProtocolDataset shd(String pathOrSpec) {
    String spec = pathOrSpec.startsWith("shd:") ? pathOrSpec : "shd:" + pathOrSpec;
    List<String> common = List.of("--dt", "10", "--steps", "100", "--tau-mem", "50",
        "--tau-out", "50", "--batch", "32", "--readout", "sum");
    return new ProtocolDataset("shd", "SHD", spec,
        concat(common, "--hidden", "450", "--epochs", "30"),
        concat(common, "--hidden", "64", "--epochs", "4"));
  }

  /**
   * N-MNIST (2312 channels, 10 classes): issue L1's 2312-200-10, 3 ms bins, 105 steps. {@code
   * folder} may carry the dataset's options ({@code DIR#hold-out=200}, {@code docs/datasets.md}).
   */
  public static ProtocolDataset nmnist(Path folder) {
    return new ProtocolDataset("nmnist", "N-MNIST", "nmnist:" + folder,
        List.of("--hidden", "200", "--epochs", "30", "--batch", "32"),
        List.of("--hidden", "64", "--epochs", "4", "--batch", "32"));
  }

  /** The embedded synthetic temporal-order task (700 channels, 20 classes, needs memory). */
  public static ProtocolDataset synthetic() {
    return new ProtocolDataset("synthetic", "synthetic (stand-in)", "synthetic",
        List.of("--hidden", "450", "--epochs", "10", "--batch", "32"),
        List.of("--hidden", "64", "--steps", "50", "--epochs", "4", "--batch", "32"));
  }

  /**
   * The datasets available: SHD when {@code shd} is given, N-MNIST when {@code nmnist} is a
   * folder; synthetic when neither is (or when {@code withSynthetic}).
   */
  public static List<ProtocolDataset> available(String shd, Path nmnist, boolean withSynthetic) {
    List<ProtocolDataset> sets = new ArrayList<>();
    if (shd != null) {
      sets.add(shd(shd));
    }
    if (nmnist != null && Files.isDirectory(nmnistFolder(nmnist))) {
      sets.add(nmnist(nmnist));
    }
    if (sets.isEmpty() || withSynthetic) {
      sets.add(synthetic());
    }
    return sets;
  }

  /** The folder of an N-MNIST argument, without its options ({@code DIR#OPTIONS}). */
  public static Path nmnistFolder(Path nmnist) {
    String s = nmnist.toString();
    int hash = s.indexOf('#');
    return hash < 0 ? nmnist : Path.of(s.substring(0, hash));
  }

  public List<String> args(boolean quick) {
    return quick ? quickArgs : fullArgs;
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }
}
