package io.spikeloop.cli;

import picocli.CommandLine.Command;

/** placeholder */
@Command(name = "images")
public final class ConvertImagesCommand implements Runnable {
  @Override
  public void run() {
  }
}
