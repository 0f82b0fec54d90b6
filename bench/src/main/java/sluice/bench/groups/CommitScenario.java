package sluice.bench.groups;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import sluice.bench.http.Latencies;

/**
 * The offset-commit phase: 3 members join a group on an empty topic and wait (without consuming)
 * until each owns its share; then each, on its own thread, commits the offsets of all its
 * partitions in one synchronous call ({@code commitSync(offsets)} / {@code POST offsets}), the k-th
 * commit offset k, one in flight at a time: {@link GroupsOptions#commitWarmup()} commits
 * unmeasured, then all three together {@link GroupsOptions#commits()} measured ones. Each commit is
 * one write to the coordinator's offsets partition, acknowledged by all in-sync replicas on both
 * systems. Not thread-safe: one run at a time.
 */
final class CommitScenario {

  /**
   * What the phase measured.
   *
   * @param latencies the time of each measured commit call
   * @param elapsedNanos from the measured commits' start to the last one's answer
   * @param refused measured commits the group refused
   */
  record Result(Latencies latencies, long elapsedNanos, long refused) {

    double commitsPerSecond() {
      return latencies.count() * 1e9 / elapsedNanos;
    }
  }

  private static final Duration IDLE = Duration.ofMillis(100);

  private final GroupSystem system;
  private final GroupsOptions options;

  CommitScenario(GroupSystem system, GroupsOptions options) {
    this.system = system;
    this.options = options;
  }

  Result run(String topic, String group) throws IOException {
    GroupTimeline timeline = new GroupTimeline(System::nanoTime);
    List<GroupMember> members = new ArrayList<>();
    List<MemberLoop> loops = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(GroupsOptions.MEMBERS);
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
              "the commit group forming");
      for (MemberLoop loop : loops) {
        loop.stop();
      }
      loops.clear();
      AtomicLong start = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      CyclicBarrier measured =
          new CyclicBarrier(members.size(), () -> start.set(System.nanoTime()));
      List<Future<Latencies>> runs = new ArrayList<>();
      for (GroupMember m : members) {
        List<Integer> partitions = new ArrayList<>();
        formed
            .owners()
            .forEach(
                (p, owner) -> {
                  if (owner.equals(m.name())) {
                    partitions.add(p);
                  }
                });
        if (partitions.isEmpty()) {
          throw new IOException("member " + m.name() + " owns no partition: " + formed.describe());
        }
        runs.add(pool.submit(() -> commitLoop(m, partitions, measured, refused)));
      }
      Latencies all = new Latencies();
      long timeout = options.phaseTimeout().toNanos();
      ExecutionException failed = null;
      for (Future<Latencies> run : runs) {
        try {
          long left = Math.max(1, timeout - (System.nanoTime() - joinedAt));
          all.merge(run.get(left, TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
          if (failed == null || failed.getCause() instanceof BrokenBarrierException) {
            failed = e;
          }
        }
      }
      if (failed != null) {
        throw new IOException(failed.getCause().getMessage(), failed.getCause());
      }
      return new Result(all, System.nanoTime() - start.get(), refused.get());
    } catch (TimeoutException e) {
      throw new IOException(
          "the commits did not finish within " + options.phaseTimeout().toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while committing", e);
    } finally {
      pool.shutdownNow();
      RebalanceScenario.stopAndLeave(loops, members);
    }
  }

  private Latencies commitLoop(
      GroupMember member, List<Integer> partitions, CyclicBarrier measured, AtomicLong refused)
      throws IOException, InterruptedException, BrokenBarrierException {
    try {
      long k = 1;
      for (int i = 0; i < options.commitWarmup(); i++, k++) {
        member.commit(offsets(partitions, k));
      }
      measured.await();
      Latencies latencies = new Latencies();
      for (int i = 0; i < options.commits(); i++, k++) {
        Map<Integer, Long> offsets = offsets(partitions, k);
        long sent = System.nanoTime();
        boolean accepted = member.commit(offsets);
        latencies.record(System.nanoTime() - sent);
        if (!accepted) {
          refused.incrementAndGet();
        }
      }
      return latencies;
    } catch (IOException | RuntimeException e) {
      measured.reset(); // the others stop waiting for this one
      throw new IOException("member " + member.name() + " failed committing: " + e, e);
    }
  }

  private static Map<Integer, Long> offsets(List<Integer> partitions, long offset) {
    Map<Integer, Long> offsets = new TreeMap<>();
    partitions.forEach(p -> offsets.put(p, offset));
    return offsets;
  }
}
