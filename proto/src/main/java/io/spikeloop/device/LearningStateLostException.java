package io.spikeloop.device;

/**
 * The device restarted (a device server came back as a new instance) while its learning engine
 * was on: the engine's state and the weights it learned are gone. Calls that would learn on, or
 * read what was learned, are refused until the caller restores the learning state
 * ({@link Device#restoreLearningState}, after writing the weights back) or deliberately starts
 * over ({@link Device#enableLearning}, {@link Device#configure}).
 */
public class LearningStateLostException extends DeviceException {
  private static final long serialVersionUID = 1L;

  public LearningStateLostException(String message) {
    super(message);
  }
}
