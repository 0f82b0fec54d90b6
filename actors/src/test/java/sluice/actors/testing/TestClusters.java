package sluice.actors.testing;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;

/** One-node clusters for tests: port 0, a temp data dir, serialization checks on. */
public final class TestClusters {
  private TestClusters() {}

  /** The broker config for a test node whose data lives in {@code dataDir}. */
  public static Config config(Path dataDir, String extra) {
    return ConfigFactory.load(
        ConfigFactory.parseString(extra)
            .withFallback(
                ConfigFactory.parseString(
                    """
                    sluice.data-dir = "%s"
                    akka.remote.artery.canonical.port = 0
                    akka.actor.serialize-messages = on
                    akka.actor.serialize-creators = off
                    akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                    akka.loggers = ["akka.event.slf4j.Slf4jLogger"]
                    akka.logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
                    akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                    akka.coordinated-shutdown.terminate-actor-system = on
                    # Leaving a cluster under CI load can take longer than the testkit's default 10s.
                    akka.actor.testkit.typed.system-shutdown-default = 30s
                    """
                        .formatted(dataDir.toString().replace("\\", "/")))));
  }

  public static Config config(Path dataDir) {
    return config(dataDir, "");
  }

  /** A test kit whose system has joined itself and is up. */
  public static ActorTestKit startOneNode(String name, Config config) {
    ActorTestKit testKit = ActorTestKit.create(name, config);
    joinSelf(testKit);
    return testKit;
  }

  public static void joinSelf(ActorTestKit testKit) {
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          if (!cluster.selfMember().status().equals(MemberStatus.up())) {
            throw new AssertionError("not up yet: " + cluster.selfMember());
          }
          return null;
        });
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
}
