package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.Devices;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spikeloop devices}: opens every device the providers can find (the simulator, the board
 * libraries packaged or on the search path) and those given with {@code --remote}, and lists
 * what each says about itself; one that cannot be opened is listed with the reason.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"List the devices found: sim, board libraries (board:ref packaged, "
        + "libspikeloop_NAME.so on -Dspikeloop.board.path, $SPIKELOOP_BOARD_PATH or "
        + "jna.library.path) and remote servers given with --remote, with their kind, version "
        + "and capabilities.", ""},
    footer = {"", "Examples:", "  ./spikeloop devices",
        "  ./spikeloop devices --remote 127.0.0.1:7000 --json"})
public final class DevicesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--remote", paramLabel = "HOST:PORT", description = "Also ask the server at "
      + "this address (repeatable).")
  List<String> remotes = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON array (one object per device).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<String> names = new ArrayList<>(Devices.discover());
    remotes.forEach(r -> names.add(r.startsWith("remote://") ? r : "remote://" + r));
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode all = mapper.createArrayNode();
    for (String name : names) {
      ObjectNode node = all.addObject().put("name", name);
      try (Device device = Devices.open(name)) {
        describe(device.info(), node);
      } catch (RuntimeException e) {
        node.put("available", false).put("error", String.valueOf(e.getMessage()));
      }
    }
    if (json) {
      out.println(mapper.writeValueAsString(all));
    } else {
      for (var node : all) {
        if (node.path("available").asBoolean()) {
          double clockHz = node.get("clockHz").asDouble();
          out.printf("%-24s target %s, %s %s, protocol %d%s; capabilities %s; limits %s%n",
              node.get("name").asText(), node.get("target").asText(), node.get("kind").asText(),
              node.get("version").asText(), node.get("protocolVersion").asInt(),
              clockHz > 0 ? String.format(", %.0f MHz", clockHz / 1e6) : "",
              node.get("capabilities"), node.get("limits"));
        } else {
          out.printf("%-24s unavailable: %s%n", node.get("name").asText(),
              node.get("error").asText());
        }
      }
    }
    out.flush();
    return 0;
  }

  private static void describe(DeviceInfo info, ObjectNode node) {
    node.put("available", true).put("target", info.target()).put("kind", info.kind())
        .put("version", info.version())
        .put("protocolVersion", info.protocolVersion()).put("clockHz", info.clockHz())
        .put("stepPeriodSeconds", info.stepPeriodSeconds());
    ArrayNode caps = node.putArray("capabilities");
    info.capabilities().stream().sorted().forEach(caps::add);
    ObjectNode limits = node.putObject("limits");
    info.limits().forEach(limits::put);
  }
}
