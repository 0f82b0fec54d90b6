package sluice.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;

/**
 * Loads a broker's configuration the Typesafe Config way: {@code -Dkey=value} arguments win over
 * JVM system properties, which win over the {@code --config} file, which wins over every module's
 * {@code reference.conf}. Substitutions resolve after layering, so a {@code reference.conf} key
 * defined from {@code ${sluice.data-dir}} follows the data directory actually configured.
 */
public final class ServerConfig {
  private ServerConfig() {}

  /**
   * Loads and resolves the configuration.
   *
   * @throws IllegalArgumentException when the config file is missing or cannot be parsed
   */
  public static Config load(LaunchArguments args) {
    var file = ConfigFactory.empty();
    if (args.configFile().isPresent()) {
      var path = args.configFile().get();
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("config file " + path.toAbsolutePath() + " not found");
      }
      try {
        file =
            ConfigFactory.parseFile(
                path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new IllegalArgumentException(
            "cannot read config file " + path + ": " + e.getMessage(), e);
      }
    }
    try {
      return ConfigFactory.parseMap(args.overrides(), "command line -D arguments")
          .withFallback(ConfigFactory.systemProperties())
          .withFallback(file)
          .withFallback(ConfigFactory.defaultReferenceUnresolved())
          .resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
    }
  }
}
