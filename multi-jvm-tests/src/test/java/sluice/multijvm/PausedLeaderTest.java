package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.PartitionState;
import sluice.multijvm.BrokerClient.Response;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * Issue 3, multi-JVM test 6: a partition leader paused with SIGSTOP past the failure detector's and
 * the Split Brain Resolver's timeouts is replaced; after SIGCONT it acknowledges nothing more,
 * truncates its divergent suffix and follows the new leader.
 *
 * <p><b>The divergent suffix.</b> Both followers are paused first (SIGSTOP), and {@value
 * #DIVERGENT_BATCHES} records of 600 kB are produced to the leader with acks=1, one batch each, so
 * they are written to its log only, above the high watermark; then the leader is paused and the
 * followers run again, well within the failure detector's 3 s (the leader alone would down itself
 * about 2 s after that). Whatever the timing, a follower can have only the first of these records,
 * if any: a paused follower has at most one fetch outstanding, and its answer holds at most {@code
 * sluice.replication.fetch-max-bytes} (1 MiB), so one of these batches. The new leader may hold the
 * first (then it is committed and kept everywhere), never the others: they are the deposed leader's
 * divergent suffix, cut by its follower once it asks the new leader where its last epoch ends.
 *
 * <p><b>Stale requests.</b> acks=all requests sent to the paused broker are queued in its socket
 * and handled the moment it runs again, by a leader that no longer is one: none may be
 * acknowledged. The downed broker's shutdown closes their connections unanswered; its leader may
 * have appended some of them first (seen: the cut then starts above the divergent records), and
 * those are cut too.
 *
 * <p><b>Rejoin.</b> The cluster has downed the broker, so it restarts in-process and rejoins with
 * its broker id ({@code BrokerRunner}); its replica cuts the suffix (its log says from and to which
 * offset), follows the new leader back into the ISR, and leadership returns to it (it is the
 * preferred leader), so reads come from its own log. Last, SIGTERM stops it for good and the test
 * opens its partition directory with {@link PartitionLog}: the same offsets, epochs and values as
 * the cluster served, every batch above the surviving records written in a later leader epoch. This
 * is also the multi-JVM test of the in-process rejoin; {@code BrokerRunnerTest} tests the restart
 * on a one-node broker in-process, {@code PartitionFollowerTest} the cut itself.
 */
@Timeout(300)
class PausedLeaderTest {
  private static final String TOPIC = "paused";
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);
  private static final Duration STALE_ANSWER_DEADLINE = Duration.ofSeconds(90);
  private static final int STALE_REQUESTS = 3;

  /** Records written to the leader alone; at most the first can reach a paused follower. */
  private static final int DIVERGENT_BATCHES = 3;

  /** More than half of {@code sluice.replication.fetch-max-bytes}: one such batch per answer. */
  private static final int DIVERGENT_VALUE_BYTES = 600_000;

  private static final Pattern CUT =
      Pattern.compile(
          "Follower of "
              + TOPIC
              + "-0 cut its log from end offset (\\d+) to (\\d+) \\(truncated\\)");

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void aLeaderPausedPastTheTimeoutsIsReplacedAcknowledgesNothingMoreAndCutsItsDivergentSuffix()
      throws Exception {
    // The leader writes its divergent suffix alone, with both followers paused: only until its
    // failure detector marks them unreachable, when it loses its quorum and refuses writes. A
    // longer acceptable pause gives those few large writes room on a loaded 2-core machine.
    TestCluster cluster =
        clusters.start(3, "-Dakka.cluster.failure-detector.acceptable-heartbeat-pause=6s");
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic(TOPIC, 1, 3, 2);
    PartitionState before = cluster.awaitInSync(TOPIC, 0);
    int leaderId = before.leader();
    BrokerProcess leader = cluster.broker(leaderId);
    List<BrokerProcess> followers = cluster.brokers().stream().filter(b -> b != leader).toList();
    BrokerProcess other = followers.get(0);
    List<String> beforeValues = produce(leader, "before", 20);
    long divergedAt = cluster.awaitInSync(TOPIC, 0).logEndOffset();
    assertThat(divergedAt).as("the log end once every replica has the records").isEqualTo(20);

    BrokerClient toLeader = new BrokerClient(leader.baseUrl(), clusterId);
    for (BrokerProcess follower : followers) {
      follower.pause();
    }
    List<String> divergent = new ArrayList<>();
    for (int i = 0; i < DIVERGENT_BATCHES; i++) {
      String value = "divergent-" + i + ":" + "x".repeat(DIVERGENT_VALUE_BYTES);
      assertThat(toLeader.produce(TOPIC, 0, List.of(value), "1"))
          .as("divergent-%d, written by the leader alone", i)
          .containsExactly(divergedAt + i);
      divergent.add(value);
    }
    leader.pause();
    List<CompletableFuture<Response>> stale = new ArrayList<>();
    for (int i = 0; i < STALE_REQUESTS; i++) {
      stale.add(
          toLeader.produceAsync(TOPIC, 0, List.of("stale-" + i), "all", STALE_ANSWER_DEADLINE));
    }
    for (BrokerProcess follower : followers) {
      follower.resume();
    }

    PartitionState replaced = cluster.awaitNewLeader(TOPIC, 0, before, FAILOVER_DEADLINE);
    assertThat(replaced.isr()).as("the paused broker left the ISR").doesNotContain(leaderId);
    List<String> afterValues = produce(other, "after", 20);

    // What the new leader kept of the divergent records: a prefix, at most the one batch a paused
    // follower's outstanding fetch could carry.
    List<String> committed = values(cluster.http().readCommitted(TOPIC, 0));
    List<String> survivors = committed.stream().filter(v -> v.startsWith("divergent-")).toList();
    System.out.println(
        "paused leader: the new leader, broker "
            + replaced.leader()
            + ", kept "
            + survivors.size()
            + " of the "
            + DIVERGENT_BATCHES
            + " records only the old leader had");
    assertThat(survivors.size())
        .as("divergent records a paused follower got")
        .isLessThanOrEqualTo(1);
    assertThat(labels(survivors))
        .as("the divergent records the new leader kept")
        .isEqualTo(labels(divergent.subList(0, survivors.size())));
    List<String> expected = new ArrayList<>(beforeValues);
    expected.addAll(survivors);
    expected.addAll(afterValues);
    assertThat(labels(committed))
        .as("records committed by the new leader")
        .isEqualTo(labels(expected));
    long cutTo = divergedAt + survivors.size();

    leader.resume();
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < STALE_REQUESTS; i++) {
      String answer;
      try {
        Response response =
            stale.get(i).get(STALE_ANSWER_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
        assertThat(BrokerClient.acknowledgedOffsets(response, 1))
            .as("stale-%d sent to the deposed leader must not be acknowledged: %s", i, response)
            .isEmpty();
        answer = response.toString();
      } catch (ExecutionException e) {
        answer = "no answer: " + e.getCause();
      }
      answers.add(answer);
    }
    System.out.println("paused leader: answers to the stale requests: " + answers);

    cluster.awaitBrokers(3);
    assertThat(leader.isAlive()).as("the same process, restarted in-process").isTrue();
    assertThat(leader.log())
        .as("broker %d knows it was downed and rejoined", leaderId)
        .contains("was downed by the cluster")
        .contains("rejoined the cluster in a new actor system");
    cluster.awaitPartition(
        TOPIC,
        0,
        "has broker %d back in the ISR, in sync".formatted(leaderId),
        s -> s.isr().contains(leaderId) && s.fullyInSync(),
        TestCluster.AWAIT);
    checkReads(cluster, expected, "with broker " + replaced.leader() + " leading");
    assertCutOnce(leader, divergedAt + DIVERGENT_BATCHES, cutTo);

    cluster.awaitPartition(
        TOPIC,
        0,
        "is led by broker %d, its preferred leader, again".formatted(leaderId),
        s -> s.leader() == leaderId && s.fullyInSync(),
        TestCluster.AWAIT);
    checkReads(cluster, expected, "from broker " + leaderId + "'s own log, leading again");

    assertThat(leader.terminate(Duration.ofSeconds(60)))
        .as("SIGTERM still stops the rejoined broker (the JVM's status after SIGTERM: 128 + 15)")
        .isEqualTo(143);
    assertThat(leader.log())
        .contains("Broker " + leaderId + " stopped (coordinated shutdown reason: JvmExitReason)")
        .contains("Sluice broker " + leaderId + " stopped");
    checkLogOnDisk(leader.dataDir().resolve(TOPIC + "-0"), expected, cutTo, before.leaderEpoch());
  }

  /**
   * The deposed leader's follower cut its log exactly once, from at least {@code minimumFrom} (its
   * divergent records, and stale ones if it appended them) to {@code cutTo}: the suffix only, not
   * everything and not less.
   */
  private static void assertCutOnce(BrokerProcess broker, long minimumFrom, long cutTo)
      throws Exception {
    List<Cut> cuts = new ArrayList<>();
    Matcher cut = CUT.matcher(broker.log());
    while (cut.find()) {
      cuts.add(new Cut(Long.parseLong(cut.group(1)), Long.parseLong(cut.group(2))));
    }
    assertThat(cuts)
        .as("broker %d's cuts of its log", broker.brokerId())
        .hasSize(1)
        .allSatisfy(
            c -> {
              assertThat(c.from()).as("cut from").isGreaterThanOrEqualTo(minimumFrom);
              assertThat(c.to()).as("cut to").isEqualTo(cutTo);
            });
  }

  /** A follower's cut of its log, from its end offset to {@code to}, as its broker logged it. */
  private record Cut(long from, long to) {}

  /**
   * The stopped broker's partition log, opened from its directory: every record from offset 0 is
   * {@code expected}, at dense offsets, and every batch from {@code cutTo} on was written in a
   * leader epoch after {@code deposedEpoch}.
   */
  private static void checkLogOnDisk(
      Path dir, List<String> expected, long cutTo, int deposedEpoch) {
    List<String> values = new ArrayList<>();
    try (PartitionLog log = PartitionLog.open(dir, LogConfig.defaults(), Clock.systemUTC())) {
      assertThat(log.logStartOffset()).as("log start offset of %s", dir).isZero();
      assertThat(log.logEndOffset()).as("log end offset of %s", dir).isEqualTo(expected.size());
      long offset = 0;
      while (offset < log.logEndOffset()) {
        ByteBuffer bytes = log.read(offset, Integer.MAX_VALUE, log.logEndOffset()).readFully();
        for (RecordBatch batch : Batches.iterate(bytes)) {
          batch.ensureValid();
          assertThat(batch.baseOffset()).as("batch base offset in %s", dir).isEqualTo(offset);
          if (batch.baseOffset() >= cutTo) {
            assertThat(batch.partitionLeaderEpoch())
                .as("leader epoch of the batch at offset %d, above the cut", offset)
                .isGreaterThan(deposedEpoch);
          }
          for (Record record : batch.records()) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
          }
          offset = batch.nextOffset();
        }
      }
    }
    assertThat(labels(values)).as("the records in %s", dir).isEqualTo(labels(expected));
  }

  private static void checkReads(TestCluster cluster, List<String> expected, String when) {
    for (BrokerProcess broker : cluster.brokers()) {
      List<Consumed> read = broker.http().readCommitted(TOPIC, 0);
      assertThat(read.stream().map(Consumed::offset).toList())
          .as("offsets read through broker %d %s", broker.brokerId(), when)
          .isEqualTo(LongStream.range(0, expected.size()).boxed().toList());
      assertThat(labels(values(read)))
          .as("records read through broker %d %s", broker.brokerId(), when)
          .isEqualTo(labels(expected));
    }
  }

  private static List<String> values(List<Consumed> records) {
    return records.stream().map(Consumed::value).toList();
  }

  /**
   * Values as assertion messages can show them: a long one by its start, length and hash, so that a
   * failure does not print megabytes.
   */
  private static List<String> labels(List<String> values) {
    return values.stream()
        .map(
            v ->
                v.length() <= 40
                    ? v
                    : "%s... (%d chars, hash %08x)"
                        .formatted(v.substring(0, 12), v.length(), v.hashCode()))
        .toList();
  }

  private static List<String> produce(BrokerProcess via, String tag, int count) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(tag + "-" + i);
    }
    via.http().produce(TOPIC, 0, values, "all");
    return values;
  }
}
