package sluice.bench.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaServerConfigTest {

  @TempDir Path dir;

  @Test
  void aOneNodeKraftConfigListensOnLoopbackOnlyWithItsOwnControllerQuorum() {
    KafkaServerConfig config = new KafkaServerConfig(1, 19092, 19093, dir.resolve("logs"));

    assertThat(config.properties())
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("log.dirs", dir.resolve("logs").toAbsolutePath().toString());
    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:19092");
  }

  @Test
  void kafkasOwnStorageToolAcceptsAndFormatsTheGeneratedConfig() throws IOException {
    KafkaServerConfig config = new KafkaServerConfig(1, 19092, 19093, dir.resolve("logs"));
    Path file = config.writeTo(dir.resolve("server.properties"));

    KafkaCluster.format(file, "MkU3OEVBNTcwNTJENDM2Qk");

    Properties meta = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve("logs").resolve("meta.properties"))) {
      meta.load(r);
    }
    assertThat(meta.getProperty("node.id")).isEqualTo("1");
    assertThat(meta.getProperty("cluster.id")).isNotBlank();
  }

  @Test
  void overridesReplaceTheGeneratedPropertiesInTheWrittenFile() throws IOException {
    KafkaServerConfig config = new KafkaServerConfig(1, 19092, 19093, dir.resolve("logs"));
    Path file =
        config.writeTo(
            dir.resolve("server.properties"),
            Map.of(
                "offsets.topic.replication.factor", "3",
                "group.consumer.heartbeat.interval.ms", "1000"));

    Properties written = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      written.load(r);
    }
    assertThat(written.getProperty("offsets.topic.replication.factor")).isEqualTo("3");
    assertThat(written.getProperty("group.consumer.heartbeat.interval.ms")).isEqualTo("1000");
    assertThat(written.getProperty("node.id")).isEqualTo("1");
  }

  @Test
  void aNodeOfAThreeNodeClusterNamesEveryVoterAndMustBeOneOfThem() {
    String voters = "1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093";
    KafkaServerConfig config = new KafkaServerConfig(2, 29092, 29093, dir.resolve("logs"), voters);

    assertThat(config.properties())
        .containsEntry("node.id", "2")
        .containsEntry("controller.quorum.voters", voters)
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093");
    assertThatThrownBy(() -> new KafkaServerConfig(4, 49092, 49093, dir, voters))
        .hasMessageContaining("4@127.0.0.1:49093");
  }

  @Test
  void badPortsAreRejectedWithTheirValues() {
    assertThatThrownBy(() -> new KafkaServerConfig(1, 0, 19093, dir))
        .hasMessageContaining("brokerPort")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> new KafkaServerConfig(1, 19092, 19092, dir))
        .hasMessageContaining("19092");
  }
}
