package sluice.bench.groups;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rebalance phase: while a {@link StampPacer} writes {@link GroupsOptions#stampRate()} records
 * a second over the topic's partitions, 3 members join an empty group, then a 4th joins, then one
 * of the first three leaves. After each change the bench waits for the group to settle ({@link
 * GroupWait}) and keeps the {@link RebalanceAnalysis}: the time from the join request (the 4th
 * member's subscribe) or the leave request (Kafka's {@code close()}, Sluice's {@code DELETE}) until
 * every partition is owned by exactly one member and has delivered a record produced after the
 * change. Every member polls in a loop, commits what it polled after each poll that returned
 * records (so a partition that moves resumes near where it was), and reports its ownership. Not
 * thread-safe: one run at a time.
 */
final class RebalanceScenario {

  /**
   * What the phase measured.
   *
   * @param formed three members joining an empty group
   * @param joined a 4th member joining the group of three
   * @param left one of the first three leaving the group of four
   * @param duplicates deliveries of records already delivered, over the whole phase
   * @param refusedCommits commits the group refused (the partitions had moved on)
   * @param producerNote the light producer's failures, empty when none
   */
  record Result(
      RebalanceAnalysis formed,
      RebalanceAnalysis joined,
      RebalanceAnalysis left,
      long duplicates,
      long refusedCommits,
      String producerNote) {}

  private final GroupSystem system;
  private final GroupsOptions options;

  RebalanceScenario(GroupSystem system, GroupsOptions options) {
    this.system = system;
    this.options = options;
  }

  Result run(String topic, String group) throws IOException {
    GroupTimeline timeline = new GroupTimeline(System::nanoTime);
    DeliveryLedger ledger = new DeliveryLedger(options.partitions());
    AtomicLong refused = new AtomicLong();
    MemberLoop.Step step =
        member -> {
          List<GroupMember.Delivery> got = member.poll(options.pollTimeout());
          timeline.delivered(member.name(), got);
          got.forEach(d -> ledger.record(d.partition(), d.offset()));
          if (!got.isEmpty() && !member.commitPolled()) {
            refused.incrementAndGet();
          }
          member.checkOwnership();
        };
    List<GroupMember> members = new ArrayList<>();
    List<MemberLoop> loops = new ArrayList<>();
    StampPacer pacer =
        StampPacer.start(system.stampProducer(topic), options.stampRate(), options.partitions());
    String producerNote = "";
    try {
      long formedAt = timeline.now();
      for (int i = 0; i < GroupsOptions.MEMBERS; i++) {
        GroupMember m = system.member(group, topic, "c" + (i + 1), i, true, timeline);
        members.add(m);
        m.join();
        loops.add(MemberLoop.start(m, step));
      }
      RebalanceAnalysis formed =
          GroupWait.settle(
              timeline, options, GroupsOptions.MEMBERS, formedAt, true, loops, "the group forming");
      System.out.println("  3 members form the group: " + formed.describe());

      GroupMember fourth = system.member(group, topic, "c4", GroupsOptions.MEMBERS, true, timeline);
      members.add(fourth);
      long joinedAt = timeline.now();
      fourth.join();
      loops.add(MemberLoop.start(fourth, step));
      RebalanceAnalysis joined =
          GroupWait.settle(
              timeline,
              options,
              GroupsOptions.MEMBERS + 1,
              joinedAt,
              true,
              loops,
              "the 4th member's join");
      System.out.println("  a 4th member joins:       " + joined.describe());

      MemberLoop leaving = loops.remove(0);
      leaving.stop();
      GroupMember leaver = leaving.member();
      members.remove(leaver);
      long leftAt = timeline.now();
      timeline.owned(leaver.name(), Set.of());
      leaver.leave();
      RebalanceAnalysis left =
          GroupWait.settle(
              timeline, options, GroupsOptions.MEMBERS, leftAt, true, loops, "member c1's leave");
      System.out.println("  member c1 leaves:         " + left.describe());

      producerNote = pacer.stop();
      pacer = null;
      return new Result(formed, joined, left, ledger.duplicates(), refused.get(), producerNote);
    } finally {
      if (pacer != null) {
        pacer.stop();
      }
      stopAndLeave(loops, members);
    }
  }

  /**
   * Stops every loop and makes every member leave, whatever failed: a Kafka consumer left open
   * keeps its threads and its membership.
   */
  static void stopAndLeave(List<MemberLoop> loops, List<GroupMember> members) {
    for (MemberLoop loop : loops) {
      try {
        loop.stop();
      } catch (IOException e) {
        System.out.println("  (" + e.getMessage() + ")");
      }
    }
    for (GroupMember m : members) {
      try {
        m.leave();
      } catch (IOException | RuntimeException e) {
        System.out.println("  (member " + m.name() + " did not leave cleanly: " + e + ")");
      }
    }
  }
}
