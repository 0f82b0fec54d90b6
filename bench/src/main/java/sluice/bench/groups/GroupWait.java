package sluice.bench.groups;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Waits for a group to settle after a change, checking what its members reported every 100 ms:
 * settled is every partition owned by exactly one member, evenly over the members the group should
 * have (and, when asked, a record produced after the change delivered from each by its owner), with
 * no ownership change for {@link GroupsOptions#quiet()}. Stateless; thread-safe.
 */
final class GroupWait {

  private static final Duration CHECK = Duration.ofMillis(100);

  private GroupWait() {}

  /**
   * Waits until the group of {@code timeline} has settled over {@code members} members after the
   * change at {@code changeNanos} and returns its analysis; fails when a member's loop failed, or
   * after {@code options.phaseTimeout()} with what was still missing ({@code what} names the
   * phase).
   */
  static RebalanceAnalysis settle(
      GroupTimeline timeline,
      GroupsOptions options,
      int members,
      long changeNanos,
      boolean fresh,
      List<MemberLoop> loops,
      String what)
      throws IOException {
    long deadline = changeNanos + options.phaseTimeout().toNanos();
    long quiet = options.quiet().toNanos();
    while (true) {
      for (MemberLoop loop : loops) {
        loop.check();
      }
      long now = timeline.now();
      RebalanceAnalysis analysis = timeline.analyse(options.partitions(), members, changeNanos);
      boolean over = fresh ? analysis.complete() : analysis.ownershipComplete();
      if (over && now - analysis.settledNanos() >= quiet) {
        return analysis;
      }
      if (now > deadline) {
        throw new IOException(
            what
                + " did not settle within "
                + options.phaseTimeout().toSeconds()
                + " s: "
                + analysis.describe());
      }
      pause(CHECK);
    }
  }

  static void pause(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
