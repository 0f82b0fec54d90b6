package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;

/**
 * A topic deleted while one of its replicas' brokers was down: when that broker returns, its
 * replica log of the topic is deleted (Kafka deletes such stray logs at start), and its other logs
 * are kept and serve. Usually the returning broker's durable metadata still has the topic and its
 * replica manager sees it go; when it does not, the controller's record of the deletion does it.
 */
@Timeout(300)
class StrayLogTest {
  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void theReplicaLogOfATopicDeletedWhileItsBrokerWasDownIsDeletedWhenItReturns() throws Exception {
    deletedWhileAway(false);
  }

  /**
   * The broker that returns has lost its copy of the metadata: it never sees the topic it holds a
   * log of go, as when gossip merges the removal before its replica manager reads (before this
   * test, the log stayed forever). Only the controller's record of the deletion names the log.
   */
  @Test
  void aBrokerThatNeverSawTheTopicGoDeletesItsLogOnTheRecordOfTheDeletion() throws Exception {
    deletedWhileAway(true);
  }

  private void deletedWhileAway(boolean metadataLost) throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    for (String topic : List.of("doomed", "kept")) {
      admin.createTopic(topic, 1, 3);
      cluster.awaitPartition(topic, 0, s -> s.leader() > 0);
      admin.produce(topic, 0, List.of(topic + "-1"), "all");
      cluster.awaitInSync(topic, 0);
    }
    BrokerProcess away = cluster.broker(3);
    Path doomed = away.dataDir().resolve("doomed-0");
    Path kept = away.dataDir().resolve("kept-0");
    assertThat(doomed).isDirectory();

    away.kill9();
    cluster.awaitBrokers(2);
    deleteTopic(admin, clusterId, "doomed");
    assertThat(doomed).as("broker 3 was down: nothing deleted its replica").isDirectory();
    if (metadataLost) {
      deleteRecursively(away.dataDir().resolve("metadata"));
    }
    away.restart();
    cluster.awaitBrokers(3);

    await("broker 3 deletes its replica log of the deleted topic")
        .atMost(TestCluster.AWAIT)
        .untilAsserted(() -> assertThat(doomed).doesNotExist());
    if (metadataLost) {
      assertThat(away.log()).contains("Deleted the stray replica log", "topic 'doomed'");
    }
    assertThat(kept).isDirectory();
    admin.produce("kept", 0, List.of("kept-2"), "all");
    cluster.awaitInSync("kept", 0);
    assertThat(away.http().readCommitted("kept", 0).stream().map(Consumed::value).toList())
        .containsExactly("kept-1", "kept-2");
  }

  /**
   * Deletes the topic as a client would: a 408 (the controller did not answer in time; the deletion
   * may have been done) is retried, and then a 404 means an earlier try deleted it.
   */
  private static void deleteTopic(BrokerClient admin, String clusterId, String topic) {
    String path = "/v3/clusters/" + clusterId + "/topics/" + topic;
    await("topic " + topic + " is deleted")
        .atMost(TestCluster.AWAIT)
        .until(
            () -> {
              int status = admin.send("DELETE", path, null).status();
              assertThat(status).as("deleting %s", topic).isIn(204, 404, 408, 503);
              return status == 204 || status == 404;
            });
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
