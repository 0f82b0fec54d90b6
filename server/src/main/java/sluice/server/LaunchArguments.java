package sluice.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of {@code ./sluice}: a command, then {@code --config FILE} and any number of
 * {@code -Dkey=value} overrides (Typesafe Config paths, as with JVM system properties).
 */
public record LaunchArguments(
    String command, Optional<Path> configFile, Map<String, String> overrides) {

  public static final String USAGE = "usage: sluice server [--config FILE] [-Dkey=value ...]";

  public LaunchArguments {
    overrides = Map.copyOf(overrides);
  }

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException naming the argument that is wrong
   */
  public static LaunchArguments parse(String... args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("no command given; " + USAGE);
    }
    var command = args[0];
    if (!command.equals("server")) {
      throw new IllegalArgumentException("unknown command '" + command + "'; " + USAGE);
    }
    Optional<Path> config = Optional.empty();
    var overrides = new LinkedHashMap<String, String>();
    var rest = new ArrayList<>(List.of(args).subList(1, args.length));
    for (int i = 0; i < rest.size(); i++) {
      var arg = rest.get(i);
      if (arg.equals("--config")) {
        if (i + 1 >= rest.size()) {
          throw new IllegalArgumentException("--config needs a file; " + USAGE);
        }
        config = Optional.of(Path.of(rest.get(++i)));
      } else if (arg.startsWith("--config=")) {
        config = Optional.of(Path.of(arg.substring("--config=".length())));
      } else if (arg.startsWith("-D")) {
        var eq = arg.indexOf('=');
        if (eq <= 2) {
          throw new IllegalArgumentException(
              "override '" + arg + "' must look like -Dkey=value; " + USAGE);
        }
        overrides.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; " + USAGE);
      }
    }
    return new LaunchArguments(command, config, overrides);
  }
}
