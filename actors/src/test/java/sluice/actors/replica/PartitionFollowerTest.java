package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.replica.ReplicaTestNode.FOLLOWER;
import static sluice.actors.replica.ReplicaTestNode.LEADER;
import static sluice.actors.replica.ReplicaTestNode.WAIT;
import static sluice.actors.replica.ReplicaTestNode.append;
import static sluice.actors.replica.ReplicaTestNode.contents;
import static sluice.actors.replica.ReplicaTestNode.topic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;

class PartitionFollowerTest {
  @TempDir Path dataDir;
  @TempDir Path leaderDir;
  private PartitionLog leaderLog;
  private ReplicaTestNode node;
  private final String topicId = UUID.randomUUID().toString();

  @BeforeEach
  void openLeaderLog() {
    leaderLog = ReplicaTestNode.openLog(leaderDir);
  }

  @AfterEach
  void shutDown() {
    if (node != null) {
      node.close();
    }
    leaderLog.close();
  }

  private ReplicaTestNode start(FakeLeader.Control control, String extraConfig) {
    node = new ReplicaTestNode(dataDir, control, extraConfig);
    return node;
  }

  @Test
  void aFollowerCopiesTheLeadersBatchesAtTheSameOffsetsAndEpochsWithItsHighWatermarkAtTheLeaders() {
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c");
    append(leaderLog, 3, "d", "e", "f");
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 3);
    control.highWatermark.set(3);
    start(control, "");
    node.putTopic(topic(topicId, LEADER, 3));

    PartitionLog follower = node.awaitCaughtUp();
    assertThat(follower.logEndOffset()).isEqualTo(6);
    ReplicaFetch first = node.fetches.receiveMessage(WAIT);
    assertThat(first.replicaId()).isEqualTo(FOLLOWER);
    assertThat(first.currentLeaderEpoch()).isEqualTo(3);
    assertThat(first.fetchOffset()).isZero();
    assertThat(first.lastFetchedEpoch()).isEqualTo(-1);
    node.kit
        .createTestProbe()
        .awaitAssert(WAIT, () -> assertThat(follower.highWatermark()).isEqualTo(3));

    append(leaderLog, 3, "g");
    control.highWatermark.set(7);
    node.awaitCaughtUp();
    node.kit
        .createTestProbe()
        .awaitAssert(WAIT, () -> assertThat(follower.highWatermark()).isEqualTo(7));
  }

  @Test
  void aFollowerTruncatesOnlyASuffixWrittenInAnEpochTheLeaderNeverHad() {
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c", "d");
    append(leaderLog, 3, "e", "f");
    append(leaderLog, 3, "g", "h");
    try (PartitionLog own = ReplicaTestNode.openLog(dataDir)) {
      append(own, 1, "a", "b");
      append(own, 1, "c", "d");
      append(own, 2, "x", "y");
      append(own, 2, "z");
      append(own, 2, "w", "v", "u");
      own.updateHighWatermark(2);
    }

    List<ReplicaFetch> fetches = followUntilCaughtUp();

    assertThat(fetches.get(0).fetchOffset()).isEqualTo(10);
    assertThat(fetches.get(0).lastFetchedEpoch()).isEqualTo(2);
    assertThat(fetches).allSatisfy(fetch -> assertThat(fetch.fetchOffset()).isGreaterThan(2));
    assertThat(fetches)
        .anySatisfy(
            fetch -> {
              assertThat(fetch.fetchOffset()).isEqualTo(4);
              assertThat(fetch.lastFetchedEpoch()).isEqualTo(1);
            });
  }

  @Test
  void aFollowerTruncatesOnlyTheEndOfALongerRunOfTheSameEpoch() {
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c", "d");
    append(leaderLog, 4, "e");
    try (PartitionLog own = ReplicaTestNode.openLog(dataDir)) {
      append(own, 1, "a", "b");
      append(own, 1, "c", "d");
      append(own, 1, "x", "y");
      append(own, 1, "z");
      own.updateHighWatermark(2);
    }

    List<ReplicaFetch> fetches = followUntilCaughtUp();

    assertThat(fetches.get(0).fetchOffset()).isEqualTo(7);
    assertThat(fetches).allSatisfy(fetch -> assertThat(fetch.fetchOffset()).isGreaterThan(2));
    assertThat(fetches).anySatisfy(fetch -> assertThat(fetch.fetchOffset()).isEqualTo(4));
  }

  @Test
  void anEpochAssignedAtTheLogEndThatNeverWroteIsDroppedWithoutStoppingTheFollower() {
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c", "d");
    append(leaderLog, 6, "e");
    try (PartitionLog own = ReplicaTestNode.openLog(dataDir)) {
      append(own, 1, "a", "b");
      append(own, 1, "c", "d");
    }

    // As a leader demoted in this process leaves it: recovery would drop an epoch that never wrote.
    List<ReplicaFetch> fetches =
        followUntilCaughtUp(
            started ->
                Logs.get(started.kit.system())
                    .open("t-0", topicId, LogConfig.defaults())
                    .assignLeaderEpoch(5));

    assertThat(fetches.get(0).fetchOffset()).isEqualTo(4);
    assertThat(fetches.get(0).lastFetchedEpoch()).isEqualTo(5);
    assertThat(fetches).allSatisfy(fetch -> assertThat(fetch.fetchOffset()).isGreaterThan(3));
    node.follower(1);
  }

  /** Follows the leader in epoch 4 until the logs match; the fetches the leader saw. */
  private List<ReplicaFetch> followUntilCaughtUp() {
    return followUntilCaughtUp(started -> {});
  }

  /** As {@link #followUntilCaughtUp()}, running {@code beforeMetadata} before the topic exists. */
  private List<ReplicaFetch> followUntilCaughtUp(Consumer<ReplicaTestNode> beforeMetadata) {
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 4);
    control.highWatermark.set(leaderLog.logEndOffset());
    start(control, "");
    beforeMetadata.accept(node);
    node.putTopic(topic(topicId, LEADER, 4));
    PartitionLog follower = node.awaitCaughtUp();
    node.kit
        .createTestProbe()
        .awaitAssert(
            WAIT, () -> assertThat(follower.highWatermark()).isEqualTo(leaderLog.logEndOffset()));
    node.syncWithLeader();
    return new ArrayList<>(control.received);
  }

  @Test
  void aRestartedFollowerResumesFromItsLogEnd() {
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c");
    append(leaderLog, 2, "d");
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 2);
    TopicMetadata topic = topic(topicId, LEADER, 2);
    start(control, "sluice.partition.snapshot-every = 2");
    node.putTopic(topic);
    node.awaitCaughtUp();
    node.close();
    node = null;

    append(leaderLog, 2, "e", "f");
    control.received.clear();
    start(control, "sluice.partition.snapshot-every = 2");
    node.putTopic(topic);

    node.awaitCaughtUp();
    assertThat(node.fetches.receiveMessage(WAIT).fetchOffset()).isEqualTo(4);
    assertThat(control.received)
        .allSatisfy(fetch -> assertThat(fetch.fetchOffset()).isGreaterThanOrEqualTo(4L));
  }

  @Test
  void aFollowerBelowTheLeadersLogStartRestartsItsLogEmptyThere() {
    leaderLog.truncateFullyAndStartAt(100);
    append(leaderLog, 5, "a", "b");
    append(leaderLog, 5, "c");
    try (PartitionLog own = ReplicaTestNode.openLog(dataDir)) {
      append(own, 1, "old");
    }
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 5);
    control.highWatermark.set(103);
    start(control, "");
    node.putTopic(topic(topicId, LEADER, 5));

    PartitionLog follower = node.awaitCaughtUp();
    assertThat(follower.logStartOffset()).isEqualTo(100);
    assertThat(contents(follower)).isEqualTo(contents(leaderLog));
  }

  @Test
  void aLogRestartedEmptyDropsTheSnapshotsOfItsFormerBatchesAndRecoversAtTheRestart()
      throws Exception {
    for (String value : List.of("a", "b", "c", "d")) {
      append(leaderLog, 1, value);
    }
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 1);
    start(control, "sluice.partition.snapshot-every = 2");
    node.putTopic(topic(topicId, LEADER, 1));
    node.awaitCaughtUp();
    node.close();
    node = null;
    Path snapshots = dataDir.resolve(ReplicaTestNode.TOPIC_PARTITION).resolve("snapshots");
    assertThat(snapshotSequences(snapshots)).contains(4L);

    // While the broker is down, its own retention removes every batch (the active segment rolls,
    // then goes): the log is empty at offset 4 but keeps batch sequence 4, and the snapshot at 4
    // (log end 4) still matches it. Then the leader's retention moves past the follower's end.
    try (PartitionLog own =
        PartitionLog.open(
            dataDir.resolve(ReplicaTestNode.TOPIC_PARTITION),
            LogConfig.from(Map.of("segment.ms", "1")),
            Clock.systemUTC())) {
      assertThat(own.deleteRetainedSegments()).isPositive();
      assertThat(own.logStartOffset()).isEqualTo(4);
      assertThat(own.logEndOffset()).isEqualTo(4);
      assertThat(own.lastSequence()).isEqualTo(4);
    }
    leaderLog.truncateFullyAndStartAt(100);
    append(leaderLog, 1, "e", "f");
    append(leaderLog, 1, "g");

    // The follower restarts its log empty at 100, at batch sequence 4 again: a snapshot taken
    // before (log end 4) must not be what it recovers from.
    start(control, "sluice.partition.snapshot-every = 2");
    node.putTopic(topic(topicId, LEADER, 1));
    PartitionLog follower = node.awaitCaughtUp();
    assertThat(follower.logStartOffset()).isEqualTo(100);
    // Numbered from 1 again; the one snapshot left is the one taken after the restart.
    assertThat(follower.lastSequence()).isEqualTo(2);
    node.kit
        .createTestProbe()
        .awaitAssert(WAIT, () -> assertThat(snapshotSequences(snapshots)).containsExactly(2L));
    node.close();
    node = null;

    // And the follower recovers from that one.
    append(leaderLog, 1, "h");
    start(control, "sluice.partition.snapshot-every = 2");
    node.putTopic(topic(topicId, LEADER, 1));
    assertThat(node.awaitCaughtUp().lastSequence()).isEqualTo(3);
  }

  /** The batch sequence numbers of the snapshot files in {@code dir}, in order. */
  private static List<Long> snapshotSequences(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".snap"))
          .map(
              name ->
                  Long.parseLong(name.substring("snapshot-".length(), "snapshot-".length() + 20)))
          .sorted()
          .toList();
    }
  }

  @Test
  void aBatchCorruptedOnTheWayIsNeverWrittenAndIsFetchedAgainFromItsOffset() {
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c");
    append(leaderLog, 1, "d", "e");
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 1);
    control.highWatermark.set(5);
    control.corruptOffset.set(2);
    control.corruptServes.set(2);
    start(control, "");
    node.putTopic(topic(topicId, LEADER, 1));

    PartitionLog follower = node.awaitCaughtUp();
    assertThat(control.corruptServes).hasValue(0);
    // 0: [0-1 good, 2 corrupt, 3-4 good] writes 0-1 only; 2: corrupt first, nothing written;
    // 2: good at last. A corrupt batch written would have moved the next fetch past it.
    assertThat(node.fetches.receiveSeveralMessages(3, WAIT))
        .extracting(ReplicaFetch::fetchOffset)
        .containsExactly(0L, 2L, 2L);
    assertThat(contents(follower)).isEqualTo(contents(leaderLog));
    assertThat(control.corruptReports)
        .as("each bad batch is reported to the leader, which checks its own copy")
        .extracting(PartitionLeader.CorruptBatchSeen::offset)
        .containsExactly(2L, 2L);
  }

  @Test
  void retriableErrorsAreRetriedAfterABackoffUntilTheLeaderAnswers() {
    append(leaderLog, 1, "a", "b");
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 1);
    control.errors.add(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    control.errors.add(ErrorCode.FENCED_LEADER_EPOCH);
    control.errors.add(ErrorCode.UNKNOWN_LEADER_EPOCH);
    control.errors.add(ErrorCode.REQUEST_TIMED_OUT);
    start(control, "");
    node.putTopic(topic(topicId, LEADER, 1));

    node.awaitCaughtUp();
    List<ReplicaFetch> first = node.fetches.receiveSeveralMessages(5, WAIT);
    assertThat(first).allSatisfy(fetch -> assertThat(fetch.fetchOffset()).isZero());
    assertThat(control.errors).isEmpty();
  }

  @Test
  void aFetchLostBeforeTheLeaderFirstAnsweredIsSentAgainSoonAndLaterOnesAreWaitedOutLonger() {
    append(leaderLog, 1, "a", "b");
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 1);
    control.unanswered.set(1);
    start(
        control,
        """
        sluice.replication.fetch-ask-margin = 5s
        sluice.replication.first-fetch-ask-margin = 100ms
        """);
    node.putTopic(topic(topicId, LEADER, 1));

    ReplicaFetch lost = node.fetches.receiveMessage(WAIT);
    assertThat(node.awaitCaughtUp().logEndOffset()).isEqualTo(2);
    assertThat(lost.fetchOffset()).isZero();

    // The leader has answered: a fetch it drops now is waited out for fetch-ask-margin (5 s).
    control.unanswered.set(1);
    node.kit
        .createTestProbe()
        .awaitAssert(WAIT, () -> assertThat(control.unanswered.get()).isZero());
    append(leaderLog, 1, "c");
    assertThat(node.awaitCaughtUp().logEndOffset()).isEqualTo(3);

    // No clock to read in the follower, so its wait is bounded from below: a timer never fires
    // early, and the fetch is sent before it arrives, so it is waited out at least
    // (5 s + fetch-max-wait) minus the dropped fetch's trip to the leader.
    List<FakeLeader.Arrival> arrivals = new ArrayList<>(control.arrivals);
    List<Long> gaps = new ArrayList<>();
    for (int i = 0; i < arrivals.size(); i++) {
      if (arrivals.get(i).dropped()) {
        FakeLeader.Arrival next = arrivals.get(i + 1);
        assertThat(next.fetch().fetchOffset()).isEqualTo(arrivals.get(i).fetch().fetchOffset());
        gaps.add(Duration.ofNanos(next.atNanos() - arrivals.get(i).atNanos()).toMillis());
      }
    }
    assertThat(gaps).hasSize(2);
    assertThat(gaps.get(1)).as("ms to the fetch after the later drop").isGreaterThan(3_000);
    assertThat(gaps.get(0)).as("ms to the fetch after the first drop").isLessThan(gaps.get(1));
  }

  @Test
  void aFollowerInAnOlderEpochIsFencedUntilTheMetadataNamesTheLeadersEpoch() {
    append(leaderLog, 3, "a");
    FakeLeader.Control control = new FakeLeader.Control(leaderLog, 3);
    start(control, "");
    node.putTopic(topic(topicId, LEADER, 2));
    ReplicaFetch fenced = node.fetches.receiveMessage(WAIT);
    assertThat(fenced.currentLeaderEpoch()).isEqualTo(2);
    assertThat(node.followerLog().orElseThrow().logEndOffset()).isZero();

    node.putTopic(topic(topicId, LEADER, 3));

    node.awaitCaughtUp();
  }
}
