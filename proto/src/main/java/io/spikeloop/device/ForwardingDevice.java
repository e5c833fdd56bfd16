package io.spikeloop.device;

import io.spikeloop.target.Target;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A device that passes every call to another one: the base of decorators (a device that stops
 * its server when closed, one that injects a fault, one that hides capabilities). Subclasses
 * override only the calls they change. {@link #run} goes to the delegate's batched run: a
 * subclass that changes {@link #step} overrides {@code run} with {@link #stepEach} so that
 * batched calls see the change too.
 */
public abstract class ForwardingDevice implements Device {
  private final Device delegate;

  protected ForwardingDevice(Device delegate) {
    if (delegate == null) {
      throw new IllegalArgumentException("a forwarding device needs a device to forward to");
    }
    this.delegate = delegate;
  }

  /** The device the calls go to. */
  protected final Device delegate() {
    return delegate;
  }

  @Override
  public DeviceInfo info() {
    return delegate.info();
  }

  @Override
  public Target target() {
    return delegate.target();
  }

  @Override
  public void configure(TargetNetwork config) {
    delegate.configure(config);
  }

  @Override
  public TargetNetwork config() {
    return delegate.config();
  }

  @Override
  public void writeWeights(String tensor, int[] values) {
    delegate.writeWeights(tensor, values);
  }

  @Override
  public int[] readWeights(String tensor) {
    return delegate.readWeights(tensor);
  }

  @Override
  public StepResult step(SpikeFrame input, ReadoutLevel readout) {
    return delegate.step(input, readout);
  }

  @Override
  public List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
    return delegate.run(inputs, readout);
  }

  /** Runs the frames one {@link #step} at a time (through this device's own step). */
  protected final List<StepResult> stepEach(List<SpikeFrame> inputs, ReadoutLevel readout) {
    List<StepResult> out = new ArrayList<>(inputs.size());
    for (SpikeFrame f : inputs) {
      out.add(step(f, readout));
    }
    return out;
  }

  @Override
  public void reset() {
    delegate.reset();
  }

  @Override
  public TargetState state() {
    return delegate.state();
  }

  @Override
  public void restore(TargetState state) {
    delegate.restore(state);
  }

  @Override
  public io.spikeloop.target.Equivalence equivalence() {
    return delegate.equivalence();
  }

  /**
   * The delegate's extensions. A decorator that changes what an extension does (fault
   * injection into learning, hiding it) overrides this.
   */
  @Override
  public <T> Optional<T> extension(Class<T> type) {
    return delegate.extension(type);
  }

  @Override
  public Telemetry telemetry() {
    return delegate.telemetry();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
