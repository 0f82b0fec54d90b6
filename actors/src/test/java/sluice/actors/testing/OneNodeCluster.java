package sluice.actors.testing;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;
import sluice.storage.record.CompressionType;
import sluice.storage.record.RecordBatchBuilder;

/**
 * Test support: an {@link ActorTestKit} that is a one-node cluster on a loopback port chosen by the
 * OS, with serialization checks on and its data under a given directory.
 */
public final class OneNodeCluster {
  private OneNodeCluster() {}

  public static Config config(Path dataDir, int brokerId, String extra) {
    return ConfigFactory.parseString(extra)
        .withFallback(
            ConfigFactory.parseMap(
                Map.of("sluice.data-dir", dataDir.toString(), "sluice.broker-id", brokerId)))
        .withFallback(
            ConfigFactory.parseString(
                """
                akka.loglevel = INFO
                akka.loggers = ["akka.event.slf4j.Slf4jLogger"]
                akka.logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
                akka.actor.provider = cluster
                akka.actor.serialize-messages = on
                akka.remote.artery.canonical.hostname = "127.0.0.1"
                akka.remote.artery.canonical.port = 0
                akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                akka.cluster.distributed-data.durable.keys = []
                akka.coordinated-shutdown.exit-jvm = off
                akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                akka.cluster.run-coordinated-shutdown-when-down = off
                # Leaving a cluster under CI load can take longer than the testkit's default 10s.
                akka.actor.testkit.typed.system-shutdown-default = 30s
                """));
  }

  /** A started kit whose node has joined itself and is up. */
  public static ActorTestKit start(String name, Path dataDir, int brokerId, String extraConfig) {
    ActorTestKit kit = ActorTestKit.create(name, config(dataDir, brokerId, extraConfig));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
          return null;
        });
    return kit;
  }

  /** Writes a topic's metadata into Distributed Data, as the controller would. */
  public static void putTopic(ActorTestKit kit, TopicMetadata topic) {
    TestProbe<Replicator.UpdateResponse<LWWMap<String, TopicMetadata>>> probe =
        kit.createTestProbe();
    SelfUniqueAddress node = DistributedData.get(kit.system()).selfUniqueAddress();
    DistributedData.get(kit.system())
        .replicator()
        .tell(
            new Replicator.Update<>(
                TopicsKey.KEY,
                LWWMap.empty(),
                Replicator.writeLocal(),
                probe.ref(),
                map -> map.put(node, topic.name(), topic)));
    assertThat(probe.receiveMessage()).isInstanceOf(Replicator.UpdateSuccess.class);
  }

  /** A topic whose partitions are all led by {@code leader}, epoch 0. */
  public static TopicMetadata topic(
      String name, int partitions, int leader, Map<String, String> configs) {
    List<PartitionAssignment> assignments = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      assignments.add(new PartitionAssignment(p, List.of(leader), leader, 0, List.of(leader), 0));
    }
    return new TopicMetadata(name, UUID.randomUUID().toString(), false, configs, assignments);
  }

  /** An uncompressed batch of {@code values.length} records, base offset 0, key {@code k<i>}. */
  public static byte[] batch(long timestamp, String... values) {
    RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, 0);
    for (int i = 0; i < values.length; i++) {
      builder.append(timestamp, ("k" + i).getBytes(), values[i].getBytes(), List.of());
    }
    return bytes(builder.build());
  }

  public static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
