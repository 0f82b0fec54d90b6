package sluice.bench.leader;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.ReplicatedData;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicEntry;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader;

/**
 * The smallest broker a partition leader runs in: an actor system that is a one-node Akka cluster
 * on a loopback port chosen by the OS (it joins itself), with its data in {@code dataDir}, the
 * leaders' sharding started, and topics written into Distributed Data as the controller would write
 * them (this broker leading every partition). No controller, gateway or HTTP: benchmarks talk to
 * leaders through sharding. Distributed Data is not durable here (no LMDB) and messages stay in
 * this JVM, so nothing is serialized.
 *
 * <p>Not thread-safe to start or stop; the entity refs it hands out are thread-safe.
 */
public final class OneNodeBroker implements AutoCloseable {

  static final int BROKER_ID = 1;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;

  private OneNodeBroker(ActorSystem<Void> system) {
    this.system = system;
  }

  /** The configuration: a one-node cluster on 127.0.0.1, quiet logging, fast retention checks. */
  static Config config(Path dataDir) {
    return ConfigFactory.parseMap(
            Map.of("sluice.data-dir", dataDir.toString(), "sluice.broker-id", BROKER_ID))
        .withFallback(
            ConfigFactory.parseString(
                """
                akka.loglevel = WARNING
                akka.loggers = ["akka.event.slf4j.Slf4jLogger"]
                akka.logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
                akka.actor.provider = cluster
                akka.remote.artery.canonical.hostname = "127.0.0.1"
                akka.remote.artery.canonical.port = 0
                akka.cluster.distributed-data.durable.keys = []
                akka.coordinated-shutdown.exit-jvm = off
                akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                sluice.log.retention-check-interval = 1 second
                """))
        .withFallback(ConfigFactory.load());
  }

  /** Starts the node and waits until it is Up. */
  public static OneNodeBroker start(Path dataDir) throws InterruptedException {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", config(dataDir));
    CountDownLatch up = new CountDownLatch(1);
    akka.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(up::countDown);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    if (!up.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      system.terminate();
      throw new IllegalStateException("the one-node cluster was not Up within " + TIMEOUT);
    }
    Logs.get(system);
    PartitionLeader.init(system);
    return new OneNodeBroker(system);
  }

  /**
   * Writes topic {@code name} with {@code partitions} partitions, all led by this broker (epoch 0),
   * and {@code configs}, into Distributed Data.
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    List<PartitionAssignment> assignments =
        java.util.stream.IntStream.range(0, partitions)
            .mapToObj(
                p ->
                    new PartitionAssignment(
                        p, List.of(BROKER_ID), BROKER_ID, 0, List.of(BROKER_ID), 0))
            .toList();
    TopicMetadata topic =
        new TopicMetadata(name, UUID.randomUUID().toString(), false, configs, assignments);
    SelfUniqueAddress node = DistributedData.get(system).selfUniqueAddress();
    // As the controller writes: every partition register, then the topic list entry.
    for (PartitionAssignment assignment : assignments) {
      var clock = MetadataLayout.clock(0);
      update(
          MetadataLayout.partitionKey(topic.topicId(), assignment.partition()),
          LWWRegister.create(node, assignment, clock),
          register -> register.withValue(node, assignment, clock));
    }
    update(
        MetadataLayout.TOPIC_LIST,
        LWWMap.empty(),
        map -> map.put(node, name, TopicEntry.of(topic)));
  }

  private <A extends ReplicatedData> void update(
      Key<A> key, A initial, java.util.function.Function<A, A> modify) {
    Replicator.UpdateResponse<A> response =
        AskPattern.<Replicator.Command, Replicator.UpdateResponse<A>>ask(
                DistributedData.get(system).replicator(),
                replyTo ->
                    new Replicator.Update<>(
                        key, initial, Replicator.writeLocal(), replyTo, modify::apply),
                TIMEOUT,
                system.scheduler())
            .toCompletableFuture()
            .join();
    if (!(response instanceof Replicator.UpdateSuccess)) {
      throw new IllegalStateException("writing " + key.id() + " failed: " + response);
    }
  }

  /** The leader of {@code topic}-{@code partition}, through sharding. */
  public EntityRef<PartitionLeader.Command> leader(String topic, int partition) {
    return ClusterSharding.get(system)
        .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId(topic, partition));
  }

  /** The actor system. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Terminates the actor system (coordinated shutdown closes the logs) and waits for it. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }
}
