package sluice.actors.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.ActorRef;
import akka.actor.ExtendedActorSystem;
import akka.actor.Props;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.ddata.DurableStore;
import akka.cluster.ddata.GSet;
import akka.pattern.Patterns;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import scala.jdk.javaapi.CollectionConverters;
import sluice.actors.testing.TestClusters;

class GroupCommitDurableStoreTest {
  @TempDir static Path dataDir;
  @TempDir Path storeDir;
  private static final AtomicInteger STORES = new AtomicInteger();
  private static ActorTestKit kit;

  @BeforeAll
  static void startNode() {
    kit =
        TestClusters.startOneNode(
            "GroupCommitDurableStoreTest", dataDir, 1, "akka.cluster.min-nr-of-members = 1");
  }

  @AfterAll
  static void shutDown() {
    kit.shutdownTestKit();
  }

  private Config config() {
    return ConfigFactory.parseString(
        "lmdb.dir = \"" + storeDir.toString().replace("\\", "/") + "\"\nlmdb.map-size = 10 MiB");
  }

  private ActorRef start(TestProbe<Object> probe) {
    ActorRef store =
        ((ExtendedActorSystem) kit.system().classicSystem())
            .systemActorOf(
                Props.create(GroupCommitDurableStore.class, config()),
                "durable-store-" + STORES.incrementAndGet());
    store.tell(DurableStore.LoadAll$.MODULE$, Adapter.toClassic(probe.ref()));
    return store;
  }

  /** Stops the store and waits until it has: its last commit done, its files closed. */
  private static void stop(ActorRef store) throws Exception {
    assertThat(
            Patterns.gracefulStop(store, Duration.ofSeconds(10))
                .toCompletableFuture()
                .get(15, TimeUnit.SECONDS))
        .isTrue();
  }

  private static DurableStore.DurableDataEnvelope value(int i) {
    return new DurableStore.DurableDataEnvelope(GSet.create().add("value-" + i));
  }

  @Test
  void everyAcknowledgedWriteIsReadBackAfterARestartAndABurstSharesCommits() throws Exception {
    TestProbe<Object> probe = kit.createTestProbe();
    ActorRef store = start(probe);
    probe.expectMessage(DurableStore.LoadAllCompleted$.MODULE$);

    int writes = 100;
    for (int i = 0; i < writes; i++) {
      var reply =
          new DurableStore.StoreReply("stored-" + i, "failed-" + i, Adapter.toClassic(probe.ref()));
      store.tell(
          new DurableStore.Store("key-" + i, value(i), scala.Option.apply(reply)),
          ActorRef.noSender());
    }
    store.tell(new DurableStore.Store("key-0", value(1000), scala.Option.empty()), null);
    for (int i = 0; i < writes; i++) {
      assertThat(probe.receiveMessage()).isEqualTo("stored-" + i);
    }
    stop(store);

    try (Env<ByteBuffer> env =
        Env.create().setMaxDbs(1).open(storeDir.toFile(), EnvFlags.MDB_NOLOCK)) {
      assertThat(env.info().lastTransactionId)
          .as("%d writes sent at once share commits", writes)
          .isLessThan(writes);
    }

    TestProbe<Object> reader = kit.createTestProbe();
    ActorRef restarted = start(reader);
    var loaded = reader.expectMessageClass(DurableStore.LoadData.class);
    reader.expectMessage(DurableStore.LoadAllCompleted$.MODULE$);
    Map<String, DurableStore.DurableDataEnvelope> expected = new HashMap<>();
    for (int i = 0; i < writes; i++) {
      expected.put("key-" + i, value(i == 0 ? 1000 : i));
    }
    assertThat(CollectionConverters.asJava(loaded.data())).isEqualTo(expected);
    stop(restarted);
  }
}
