package sluice.bench.groups;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consume phase: on a topic preloaded with {@code records} records, 3 members join a group and
 * wait, without consuming, until each owns its share (Kafka's members poll with their partitions
 * paused; Sluice's instances are not polled); then all start at once and poll as fast as they can,
 * each committing what it polled once a second ({@code commitSync()} / {@code POST offsets} without
 * a body). The throughput is the records divided by the time from the start until every one of them
 * had been delivered at least once; a record delivered more than once counts as a duplicate ({@link
 * DeliveryLedger}). Forming the group first keeps the first rebalance, and the duplicates a moved
 * partition brings, out of the figure. Not thread-safe: one run at a time.
 */
final class ConsumeScenario {

  /**
   * What the phase measured.
   *
   * @param records records in the topic, each delivered at least once
   * @param elapsedNanos from the start to the last of them delivered for the first time
   * @param delivered deliveries in all (duplicates included)
   * @param duplicates deliveries of a record already delivered
   * @param refusedCommits commits the group refused
   */
  record Result(
      long records, long elapsedNanos, long delivered, long duplicates, long refusedCommits) {

    double recordsPerSecond() {
      return records * 1e9 / elapsedNanos;
    }
  }

  private static final Duration IDLE = Duration.ofMillis(100);
  private static final long COMMIT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
  private static final Duration CHECK = Duration.ofMillis(20);

  private final GroupSystem system;
  private final GroupsOptions options;

  ConsumeScenario(GroupSystem system, GroupsOptions options) {
    this.system = system;
    this.options = options;
  }

  Result run(String topic, String group, long records) throws IOException {
    GroupTimeline timeline = new GroupTimeline(System::nanoTime);
    DeliveryLedger ledger = new DeliveryLedger(options.partitions());
    List<GroupMember> members = new ArrayList<>();
    List<MemberLoop> loops = new ArrayList<>();
    try {
      long joinedAt = timeline.now();
      for (int i = 0; i < GroupsOptions.MEMBERS; i++) {
        GroupMember m = system.member(group, topic, "c" + (i + 1), i, false, timeline);
        members.add(m);
        m.join();
        loops.add(MemberLoop.start(m, member -> member.idle(IDLE)));
      }
      RebalanceAnalysis formed =
          GroupWait.settle(
              timeline,
              options,
              GroupsOptions.MEMBERS,
              joinedAt,
              false,
              loops,
              "the consume group forming");
      System.out.println("  the group formed: " + formed.partitionsPerMember());
      for (MemberLoop loop : loops) {
        loop.stop();
      }
      loops.clear();

      AtomicLong doneAt = new AtomicLong();
      AtomicLong delivered = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      long start = timeline.now();
      for (GroupMember m : members) {
        long[] lastCommit = {start};
        loops.add(
            MemberLoop.start(
                m,
                member -> {
                  List<GroupMember.Delivery> got = member.poll(options.pollTimeout());
                  delivered.addAndGet(got.size());
                  got.forEach(d -> ledger.record(d.partition(), d.offset()));
                  long now = System.nanoTime();
                  if (ledger.distinct() >= records) {
                    doneAt.compareAndSet(0, now);
                  }
                  if (now - lastCommit[0] >= COMMIT_INTERVAL_NANOS) {
                    lastCommit[0] = now;
                    if (!member.commitPolled()) {
                      refused.incrementAndGet();
                    }
                  }
                }));
      }
      long deadline = start + options.phaseTimeout().toNanos();
      while (doneAt.get() == 0) {
        for (MemberLoop loop : loops) {
          loop.check();
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              String.format(
                  Locale.ROOT,
                  "the group consumed %,d of %,d records in %d s",
                  ledger.distinct(),
                  records,
                  options.phaseTimeout().toSeconds()));
        }
        GroupWait.pause(CHECK);
      }
      return new Result(
          records, doneAt.get() - start, delivered.get(), ledger.duplicates(), refused.get());
    } finally {
      RebalanceScenario.stopAndLeave(loops, members);
    }
  }
}
