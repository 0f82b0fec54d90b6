package sluice.actors.testing;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.BootstrapSetup;
import akka.actor.setup.ActorSystemSetup;
import akka.actor.setup.Setup;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.ReplicatedData;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicEntry;
import sluice.actors.metadata.TopicMetadata;
import sluice.storage.record.CompressionType;
import sluice.storage.record.RecordBatchBuilder;

/**
 * Test support for every actors test: the config of a test node (a cluster node on a loopback port
 * chosen by the OS, serialization checks on, its data under a given directory), a one-node cluster
 * {@link ActorTestKit} that has joined itself and is up, and the Distributed Data entries the
 * broker and the controller would write (broker registrations, topic metadata).
 *
 * <p>Configs are built with {@link ConfigFactory#load(Config)}, so the {@code ${sluice.data-dir}}
 * substitutions of actors' {@code reference.conf} (the durable metadata store's directory) see the
 * test's data directory. Stateless; safe from any thread.
 */
public final class TestClusters {
  private TestClusters() {}

  /** Whether Distributed Data keeps the durable keys of {@code reference.conf} in LMDB. */
  public enum Metadata {
    /** Topic metadata and the cluster id are kept in LMDB under {@code <data-dir>/metadata}. */
    DURABLE,
    /** No durable keys: Distributed Data lives in memory and dies with the system. */
    IN_MEMORY
  }

  private static final String NODE =
      """
      akka.loggers = ["akka.event.slf4j.Slf4jLogger"]
      akka.logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
      akka.actor.serialize-messages = on
      akka.remote.artery.canonical.hostname = "127.0.0.1"
      akka.remote.artery.canonical.port = 0
      akka.cluster.jmx.multi-mbeans-in-same-jvm = on
      akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      # Leaving a cluster under CI load can take longer than the testkit's default 10s.
      akka.actor.testkit.typed.system-shutdown-default = 30s
      """;

  /**
   * The config of test node {@code brokerId} whose data lives in {@code dataDir}; {@code extra}
   * (HOCON) overrides everything else.
   */
  public static Config config(Path dataDir, int brokerId, Metadata metadata, String extra) {
    Config node = ConfigFactory.parseString(NODE);
    if (metadata == Metadata.IN_MEMORY) {
      node =
          ConfigFactory.parseString("akka.cluster.distributed-data.durable.keys = []")
              .withFallback(node);
    }
    return ConfigFactory.load(
        ConfigFactory.parseString(extra)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of("sluice.data-dir", dataDir.toString(), "sluice.broker-id", brokerId)))
            .withFallback(node));
  }

  /** The config of broker 1 with durable metadata in {@code dataDir}, {@code extra} on top. */
  public static Config config(Path dataDir, String extra) {
    return config(dataDir, 1, Metadata.DURABLE, extra);
  }

  /** The config of broker 1 with durable metadata in {@code dataDir}. */
  public static Config config(Path dataDir) {
    return config(dataDir, "");
  }

  /** A test kit whose system has joined itself and is up. */
  public static ActorTestKit startOneNode(String name, Config config) {
    ActorTestKit testKit = ActorTestKit.create(name, config);
    joinSelf(testKit);
    return testKit;
  }

  /**
   * A test kit whose system, set up with {@code setups} (a {@code QuorumSetup}, a {@code
   * LogsSetup}), has joined itself and is up.
   */
  public static ActorTestKit startOneNode(String name, Config config, Setup... setups) {
    ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config));
    for (Setup extra : setups) {
      setup = setup.and(extra);
    }
    ActorTestKit testKit = ActorTestKit.create(ActorSystem.create(Behaviors.empty(), name, setup));
    joinSelf(testKit);
    return testKit;
  }

  /**
   * A one-node cluster test kit for broker {@code brokerId} without durable metadata, joined and
   * up.
   */
  public static ActorTestKit startOneNode(
      String name, Path dataDir, int brokerId, String extraConfig) {
    return startOneNode(name, config(dataDir, brokerId, Metadata.IN_MEMORY, extraConfig));
  }

  /** Makes the kit's node join itself and waits (up to 20s) until it is up. */
  public static void joinSelf(ActorTestKit testKit) {
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
          return null;
        });
  }

  /**
   * Joins {@code node}, already in {@code members}, to the cluster of the first of them (itself if
   * it is the first), waits up to {@code timeout} until every member sees all of them up, and
   * registers it as broker {@code brokerId} with HTTP port {@code 8080 + brokerId}.
   */
  public static void joinCluster(
      ActorTestKit node, Collection<ActorTestKit> members, int brokerId, Duration timeout) {
    ActorTestKit seed = members.iterator().next();
    Cluster.get(node.system())
        .manager()
        .tell(Join.create(Cluster.get(seed.system()).selfMember().address()));
    node.createTestProbe()
        .awaitAssert(
            timeout,
            () -> {
              for (ActorTestKit member : members) {
                long up = 0;
                for (var m : Cluster.get(member.system()).state().getMembers()) {
                  if (m.status().equals(MemberStatus.up())) {
                    up++;
                  }
                }
                assertThat(up).isEqualTo(members.size());
              }
              return null;
            });
    registerBroker(node, brokerId, 8080 + brokerId);
  }

  /** Registers broker {@code brokerId} at this node's address, as the Broker does. */
  public static void registerBroker(ActorTestKit testKit, int brokerId, int httpPort) {
    ActorSystem<?> system = testKit.system();
    var node = DistributedData.get(system).selfUniqueAddress();
    var registration =
        new BrokerRegistration(
            brokerId, "127.0.0.1", httpPort, Cluster.get(system).selfMember().address().toString());
    TestProbe<Replicator.UpdateResponse<LWWMap<String, BrokerRegistration>>> probe =
        testKit.createTestProbe();
    DistributedData.get(system)
        .replicator()
        .tell(
            new Replicator.Update<>(
                BrokersKey.KEY,
                LWWMap.empty(),
                Replicator.writeLocal(),
                probe.getRef(),
                map -> map.put(node, Integer.toString(brokerId), registration)));
    probe.expectMessageClass(Replicator.UpdateSuccess.class, Duration.ofSeconds(10));
  }

  /**
   * Writes a topic's metadata into this node's Distributed Data, as the controller would: every
   * partition register (controller epoch 0), then the topic list entry.
   */
  public static void putTopic(ActorTestKit testKit, TopicMetadata topic) {
    putTopic(testKit, topic, 0);
  }

  /**
   * {@link #putTopic(ActorTestKit, TopicMetadata)} as the controller of {@code controllerEpoch}.
   */
  public static void putTopic(ActorTestKit testKit, TopicMetadata topic, int controllerEpoch) {
    for (PartitionAssignment partition : topic.partitions()) {
      putPartition(testKit, topic.topicId(), partition, controllerEpoch);
    }
    putEntry(testKit, TopicEntry.of(topic));
  }

  /**
   * Writes one partition register, with the register clock of {@code controllerEpoch}, raised past
   * the register's current timestamp if needed: tests rewrite partitions without raising their
   * partition epoch, and the replicator merges an update into the current value, so a write with an
   * equal timestamp would be lost.
   */
  public static void putPartition(
      ActorTestKit testKit, String topicId, PartitionAssignment partition, int controllerEpoch) {
    SelfUniqueAddress node = DistributedData.get(testKit.system()).selfUniqueAddress();
    LWWRegister.Clock<PartitionAssignment> clock =
        (current, value) ->
            Math.max(
                MetadataLayout.timestamp(controllerEpoch, value.partitionEpoch()), current + 1);
    update(
        testKit,
        MetadataLayout.partitionKey(topicId, partition.partition()),
        LWWRegister.create(node, partition, clock),
        register -> register.withValue(node, partition, clock));
  }

  /** Writes one topic list entry. */
  public static void putEntry(ActorTestKit testKit, TopicEntry entry) {
    SelfUniqueAddress node = DistributedData.get(testKit.system()).selfUniqueAddress();
    update(
        testKit,
        MetadataLayout.TOPIC_LIST,
        LWWMap.empty(),
        map -> map.put(node, entry.name(), entry));
  }

  /** Unlists a topic, as the controller's removal does first (its registers stay). */
  public static void removeTopic(ActorTestKit testKit, String name) {
    SelfUniqueAddress node = DistributedData.get(testKit.system()).selfUniqueAddress();
    update(testKit, MetadataLayout.TOPIC_LIST, LWWMap.empty(), map -> map.remove(node, name));
  }

  /** A local update of {@code key} on this node, awaited. */
  public static <A extends ReplicatedData> void update(
      ActorTestKit testKit, Key<A> key, A initial, Function<A, A> modify) {
    TestProbe<Replicator.UpdateResponse<A>> probe = testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(
            new Replicator.Update<>(
                key, initial, Replicator.writeLocal(), probe.ref(), modify::apply));
    assertThat(probe.receiveMessage()).isInstanceOf(Replicator.UpdateSuccess.class);
  }

  /** {@code key}'s value in this node's replica; empty if it has none. */
  @SuppressWarnings("unchecked")
  public static <A extends ReplicatedData> Optional<A> stored(ActorTestKit testKit, Key<A> key) {
    TestProbe<Replicator.GetResponse<A>> probe = testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(new Replicator.Get<>(key, Replicator.readLocal(), probe.ref()));
    Replicator.GetResponse<A> response = probe.receiveMessage();
    return response instanceof Replicator.GetSuccess<A> success
        ? Optional.of(success.get(key))
        : Optional.empty();
  }

  /** A partition's register in this node's replica; empty if it has none. */
  public static Optional<LWWRegister<PartitionAssignment>> storedRegister(
      ActorTestKit testKit, String topicId, int partition) {
    return stored(testKit, MetadataLayout.partitionKey(topicId, partition));
  }

  /** The whole topic as this node's replica holds it; null if unlisted or missing a register. */
  public static TopicMetadata storedTopic(ActorTestKit testKit, String name) {
    TopicEntry entry =
        stored(testKit, MetadataLayout.TOPIC_LIST)
            .map(map -> map.getEntries().get(name))
            .orElse(null);
    if (entry == null) {
      return null;
    }
    List<PartitionAssignment> partitions = new ArrayList<>();
    for (int p = 0; p < entry.partitionCount(); p++) {
      var register = storedRegister(testKit, entry.topicId(), p);
      if (register.isEmpty()) {
        return null;
      }
      partitions.add(register.get().getValue());
    }
    return entry.with(partitions);
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

  /** The remaining bytes of {@code buffer}, leaving its position as it was. */
  public static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
