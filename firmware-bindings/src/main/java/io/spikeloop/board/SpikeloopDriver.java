package io.spikeloop.board;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI of {@code spikeloop_driver.h}, one to one: same function names, same argument order,
 * structures with the same fields. No logic here; {@link BoardDriver} checks the return codes.
 * Keep in step with the header and {@link #SPIKELOOP_DRIVER_ABI_VERSION}.
 */
public interface SpikeloopDriver extends Library {
  int SPIKELOOP_DRIVER_ABI_VERSION = 6;
  /**
   * The oldest version this build opens: version 4 only added {@code spikeloop_set_chip_instance},
   * so a version 3 library is a perfect chip (chip-instance options on it are refused); version 5
   * only added the sample store, so a version 3 or 4 library opens without it.
   */
  int SPIKELOOP_DRIVER_ABI_OLDEST = 3;
  /** The first version whose learning configuration names a rule (e-prop needs it). */
  int SPIKELOOP_DRIVER_ABI_LEARNING_RULES = 5;
  int SPIKELOOP_RULE_TBPTT1 = 0;
  int SPIKELOOP_RULE_EPROP = 1;

  int SPIKELOOP_OK = 0;
  int SPIKELOOP_ERR_ARGUMENT = -1;
  int SPIKELOOP_ERR_STATE = -2;
  int SPIKELOOP_ERR_DESIGN_RULE = -3;
  int SPIKELOOP_ERR_NO_DEVICE = -4;
  int SPIKELOOP_ERR_BUSY = -5;
  int SPIKELOOP_ERR_UNSUPPORTED = -6;
  int SPIKELOOP_ERR_HARDWARE = -7;

  int SPIKELOOP_CAP_FORWARD = 1;
  int SPIKELOOP_CAP_MEMBRANE_READOUT = 1 << 1;
  int SPIKELOOP_CAP_SNAPSHOT = 1 << 2;
  int SPIKELOOP_CAP_CYCLE_MODEL = 1 << 3;
  int SPIKELOOP_CAP_ENERGY_MODEL = 1 << 4;
  int SPIKELOOP_CAP_ON_CHIP_LEARNING = 1 << 5;
  int SPIKELOOP_CAP_WEIGHT_READBACK = 1 << 6;
  int SPIKELOOP_CAP_LEARNING_STATE = 1 << 7;
  int SPIKELOOP_CAP_CHIP_INSTANCE = 1 << 8;
  int SPIKELOOP_CAP_SAMPLE_STORE = 1 << 9;
  /** The first version with the sample store. */
  int SPIKELOOP_DRIVER_ABI_SAMPLE_STORE = 6;
  int SPIKELOOP_SAMPLE_ENTRY_INTS = 5;

  int SPIKELOOP_READOUT_OUTPUTS = 0;
  int SPIKELOOP_READOUT_SPIKES = 1;
  int SPIKELOOP_READOUT_FULL = 2;

  int SPIKELOOP_TEXT_LEN = 64;

  /** {@code spikeloop_limits}. */
  @Structure.FieldOrder({"max_inputs", "max_layers", "max_neurons_per_layer", "max_neurons",
      "max_fan_in", "max_weight_bits", "max_membrane_bits", "max_output_bits",
      "synapse_memory_bits", "max_outputs", "reserved"})
  class spikeloop_limits extends Structure {
    public int max_inputs;
    public int max_layers;
    public int max_neurons_per_layer;
    public int max_neurons;
    public int max_fan_in;
    public int max_weight_bits;
    public int max_membrane_bits;
    public int max_output_bits;
    public long synapse_memory_bits;
    public int max_outputs;
    public int reserved;
  }

  /** {@code spikeloop_device_info}. */
  @Structure.FieldOrder({"abi_version", "capabilities", "kind", "version", "clock_hz",
      "step_period_s", "limits"})
  class spikeloop_device_info extends Structure {
    public int abi_version;
    public int capabilities;
    public byte[] kind = new byte[SPIKELOOP_TEXT_LEN];
    public byte[] version = new byte[SPIKELOOP_TEXT_LEN];
    public double clock_hz;
    public double step_period_s;
    public spikeloop_limits limits;
  }

  /** {@code spikeloop_layer_config}; arrays of it must come from {@link Structure#toArray}. */
  @Structure.FieldOrder({"size", "recurrent", "w_bits", "w_exp", "u_bits", "theta", "alpha",
      "inputs"})
  class spikeloop_layer_config extends Structure {
    public int size;
    public int recurrent;
    public int w_bits;
    public int w_exp;
    public int u_bits;
    public int theta;
    public int alpha;
    public int inputs;
  }

  /** {@code spikeloop_output_config}. */
  @Structure.FieldOrder({"size", "w_bits", "w_exp", "o_bits", "kappa"})
  class spikeloop_output_config extends Structure {
    public int size;
    public int w_bits;
    public int w_exp;
    public int o_bits;
    public int kappa;
  }

  /** {@code spikeloop_telemetry}. */
  @Structure.FieldOrder({"steps", "sops", "cycles", "neuron_updates", "hidden_spikes",
      "saturations", "fifo_overflows", "deadline_misses", "learning_updates", "energy_joules"})
  class spikeloop_telemetry extends Structure {
    public long steps;
    public long sops;
    public long cycles;
    public long neuron_updates;
    public long hidden_spikes;
    public long saturations;
    public long fifo_overflows;
    public long deadline_misses;
    public long learning_updates;
    public double energy_joules;
  }

  @Structure.FieldOrder({"state_bits", "block_size", "beta1_q20", "beta2_q20", "eps_exp",
      "master_frac_bits", "seed", "output_frac_bits", "surrogate_shift", "rule", "trace_shift"})
  class spikeloop_learning_config extends Structure {
    public int state_bits;
    public int block_size;
    public int beta1_q20;
    public int beta2_q20;
    public int eps_exp;
    public int master_frac_bits;
    public long seed;
    public int output_frac_bits;
    public int surrogate_shift;
    /** Version 5: a version 3 or 4 library reads the fields above only. */
    public int rule;
    public int trace_shift;
  }

  /** {@code spikeloop_chip_instance} (version 4). */
  @Structure.FieldOrder({"instance", "spread_q24", "noise_q8", "drop_q32"})
  class spikeloop_chip_instance extends Structure {
    public long instance;
    public long spread_q24;
    public long noise_q8;
    public long drop_q32;
  }

  int spikeloop_driver_abi_version();

  String spikeloop_last_error(Pointer board);

  int spikeloop_open(String name, PointerByReference out);

  int spikeloop_close(Pointer board);

  int spikeloop_device_info_get(Pointer board, spikeloop_device_info out);

  int spikeloop_configure(Pointer board, int inputs, spikeloop_layer_config[] layers, int n_layers,
                          spikeloop_output_config output);

  int spikeloop_write_weights(Pointer board, String tensor, int[] values, int count);

  int spikeloop_read_weights(Pointer board, String tensor, int[] values, int count);

  int spikeloop_enable_learning(Pointer board, spikeloop_learning_config config, int n_tensors,
                                String[] tensors, int[] learning_rates, int[] surrogate_table,
                                int surrogate_len);

  int spikeloop_disable_learning(Pointer board);

  int spikeloop_run(Pointer board, int n_steps, Pointer axons, Pointer step_offsets,
                    Pointer labels, int readout,
                    LongByReference first_step, Pointer outputs, Pointer sops, Pointer spike_ids,
                    int spike_capacity, Pointer spike_offsets, Pointer membranes);

  int spikeloop_reset(Pointer board);

  int spikeloop_read_state(Pointer board, LongByReference step, int[] membranes,
                           byte[] last_spikes, int[] outputs, spikeloop_telemetry telemetry);

  int spikeloop_restore_state(Pointer board, long step, int[] membranes, byte[] last_spikes,
                              int[] outputs, spikeloop_telemetry telemetry);

  int spikeloop_read_telemetry(Pointer board, spikeloop_telemetry out);

  int spikeloop_learning_state_size(Pointer board, IntByReference bytes);

  int spikeloop_read_learning_state(Pointer board, byte[] image, int capacity,
                                    IntByReference bytes);

  int spikeloop_restore_learning_state(Pointer board, byte[] image, int bytes);

  /** Version 4; absent from a version 3 library. */
  int spikeloop_set_chip_instance(Pointer board, spikeloop_chip_instance chip);

  /** {@code spikeloop_sample_store_info} (version 6). */
  @Structure.FieldOrder({"capacity_bytes", "used_bytes", "slots", "used_slots"})
  class spikeloop_sample_store_info extends Structure {
    public long capacity_bytes;
    public long used_bytes;
    public int slots;
    public int used_slots;
  }

  /** Version 6 (the sample store); absent from older libraries. */
  int spikeloop_sample_store_get(Pointer board, spikeloop_sample_store_info out);

  int spikeloop_put_sample(Pointer board, byte[] record, int bytes, IntByReference slot);

  int spikeloop_remove_sample(Pointer board, int slot);

  int spikeloop_clear_samples(Pointer board);

  int spikeloop_list_samples(Pointer board, int[] entries, int capacity, IntByReference count);

  int spikeloop_replay_sample(Pointer board, int slot, int n_steps, int readout,
                              LongByReference first_step, Pointer outputs, Pointer sops,
                              Pointer spike_ids, int spike_capacity, Pointer spike_offsets,
                              Pointer membranes);
}
