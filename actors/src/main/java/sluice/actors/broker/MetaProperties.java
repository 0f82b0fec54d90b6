package sluice.actors.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The identity of a data directory, {@code <data-dir>/meta.properties}, as Kafka's: a Java
 * properties file with {@code version=1}, {@code broker.id} and {@code cluster.id}. Written once,
 * when a broker first starts on an empty directory and has learnt the cluster id; every later start
 * checks it, so a broker never serves another broker's or another cluster's data.
 *
 * <p>Crash safety: written to a temporary file, fsynced, atomically renamed over the old name, then
 * the directory is fsynced; a crash leaves either no file or the whole file.
 */
public record MetaProperties(int version, int brokerId, String clusterId) {
  public static final String FILE_NAME = "meta.properties";
  public static final int CURRENT_VERSION = 1;

  /** The file in {@code dataDir}, or empty if there is none yet. */
  public static Optional<MetaProperties> read(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    int version = intProperty(file, properties, "version");
    if (version != CURRENT_VERSION) {
      throw new IllegalStateException(
          file + " has version=" + version + "; this broker reads version " + CURRENT_VERSION);
    }
    String clusterId = properties.getProperty("cluster.id");
    if (clusterId == null || clusterId.isBlank()) {
      throw new IllegalStateException(file + " has no cluster.id");
    }
    return Optional.of(
        new MetaProperties(version, intProperty(file, properties, "broker.id"), clusterId.trim()));
  }

  /** Writes this as {@code dataDir/meta.properties}, replacing any old file atomically. */
  public void write(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    Path temp = dataDir.resolve(FILE_NAME + ".tmp");
    Properties properties = new Properties();
    properties.setProperty("version", Integer.toString(version));
    properties.setProperty("broker.id", Integer.toString(brokerId));
    properties.setProperty("cluster.id", clusterId);
    try {
      Files.createDirectories(dataDir);
      try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        properties.store(writer, "Sluice broker identity: do not edit");
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel directory = FileChannel.open(dataDir, StandardOpenOption.READ)) {
        directory.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /**
   * Refuses a data directory recorded for another broker id.
   *
   * @throws DataDirMismatchException naming the file, both ids and what to do
   */
  public void checkBrokerId(Path dataDir, int configuredBrokerId) {
    if (brokerId != configuredBrokerId) {
      throw new DataDirMismatchException(
          String.format(
              "%s belongs to broker %d, but this broker is configured with sluice.broker-id=%d;"
                  + " refusing to start on another broker's data (use that broker id or another"
                  + " sluice.data-dir)",
              dataDir.resolve(FILE_NAME), brokerId, configuredBrokerId));
    }
  }

  /**
   * Refuses a data directory recorded for another cluster.
   *
   * @throws DataDirMismatchException naming the file, both cluster ids and what to do
   */
  public void checkClusterId(Path dataDir, String clusterIdOfCluster) {
    if (!clusterId.equals(clusterIdOfCluster)) {
      throw new DataDirMismatchException(
          String.format(
              "%s belongs to cluster %s, but this broker joined cluster %s; refusing to start on"
                  + " another cluster's data (point sluice.data-dir at an empty directory or at"
                  + " this cluster's data)",
              dataDir.resolve(FILE_NAME), clusterId, clusterIdOfCluster));
    }
  }

  private static int intProperty(Path file, Properties properties, String key) {
    String value = properties.getProperty(key);
    try {
      return Integer.parseInt(value == null ? "" : value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          file + " has " + key + "=" + value + "; an integer is required", e);
    }
  }
}
