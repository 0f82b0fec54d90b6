package sluice.actors.group.assign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import sluice.actors.group.assign.AssignmentChecks.Partition;

/**
 * Random groups (see {@link RandomGroups}) through the uniform assignor; each invariant a named
 * check. jqwik prints the seed of a failing group.
 */
class UniformAssignorPropertyTest {
  private final Assignor uniform = new UniformAssignor();

  @Property(tries = 200)
  void everyPartitionHasOneSubscribedOwnerAndTheBalanceIsTheBestPossible(
      @ForAll long seed, @ForAll boolean homogeneous) {
    GroupSpec group = RandomGroups.group(new Random(seed), homogeneous);
    TargetAssignment target = uniform.assign(group);
    AssignmentChecks.holdsForAnyAssignor(group, target);
    AssignmentChecks.noChainOfMovesHelps(group, target);
    if (homogeneous) {
      AssignmentChecks.countsDifferByAtMostOne(group, target);
    }
  }

  @Property(tries = 200)
  void theAssignmentDoesNotDependOnTheInputsOrder(@ForAll long seed, @ForAll boolean homogeneous) {
    Random random = new Random(seed);
    GroupSpec group = RandomGroups.group(random, homogeneous);
    assertThat(uniform.assign(RandomGroups.shuffled(group, random)))
        .isEqualTo(uniform.assign(group));
  }

  @Property(tries = 200)
  void aGroupThatOwnsItsTargetIsLeftAsItIs(@ForAll long seed, @ForAll boolean homogeneous) {
    GroupSpec group = RandomGroups.group(new Random(seed), homogeneous);
    TargetAssignment target = uniform.assign(group);
    assertThat(uniform.assign(RandomGroups.withCurrent(group, target))).isEqualTo(target);
  }

  /** Homogeneous: a member keeps all its valid claims, or gets no partition it did not claim. */
  @Property(tries = 200)
  void aMemberGivesUpClaimsOnlyWhenItGetsNothingNew(@ForAll long seed) {
    GroupSpec group = RandomGroups.group(new Random(seed), true);
    TargetAssignment target = uniform.assign(group);
    Map<String, Set<Partition>> claims = AssignmentChecks.validClaims(group);
    Map<Partition, String> owners = AssignmentChecks.owners(target);
    for (AssignmentMember member : group.members()) {
      Set<Partition> claimed = claims.get(member.memberId());
      long kept = claimed.stream().filter(p -> member.memberId().equals(owners.get(p))).count();
      assertThat(kept)
          .as(
              "%s claimed %d (%s), now owns %d",
              member.memberId(), claimed.size(), claimed, target.count(member.memberId()))
          .isEqualTo(Math.min(claimed.size(), target.count(member.memberId())));
    }
  }

  /**
   * Homogeneous: the claims given up are as few as a balanced assignment allows. With P partitions
   * and N members the quotas are P / N, and P / N + 1 for P mod N of them; the fewest claims are
   * given up when the larger quotas go to the members claiming most.
   */
  @Property(tries = 200)
  void aHomogeneousGroupGivesUpAsFewClaimsAsBalancePermits(@ForAll long seed) {
    GroupSpec group = RandomGroups.group(new Random(seed), true);
    TargetAssignment target = uniform.assign(group);
    Map<String, Set<Partition>> claims = AssignmentChecks.validClaims(group);
    Map<Partition, String> owners = AssignmentChecks.owners(target);
    int partitions = owners.size();
    int members = group.members().size();
    List<Integer> claimed =
        claims.values().stream().map(Set::size).sorted(Comparator.reverseOrder()).toList();
    int fewest = 0;
    for (int i = 0; i < members; i++) {
      int quota = partitions / members + (i < partitions % members ? 1 : 0);
      fewest += Math.max(0, claimed.get(i) - quota);
    }
    long givenUp =
        claims.entrySet().stream()
            .flatMap(e -> e.getValue().stream().filter(p -> !e.getKey().equals(owners.get(p))))
            .count();
    assertThat(givenUp).as("claims given up; claimed %s", claimed).isEqualTo(fewest);
  }

  @Property(tries = 200)
  void aJoiningMemberTakesAtMostItsShareAndOnlyWhatItTakesMoves(@ForAll long seed) {
    Random random = new Random(seed);
    GroupSpec generated = RandomGroups.group(random, true);
    GroupSpec stable = RandomGroups.withCurrent(generated, uniform.assign(generated));
    TargetAssignment before = uniform.assign(stable);
    GroupSpec joined = RandomGroups.joined(stable, stable.members().get(0), random);
    Set<String> joiner = new HashSet<>(RandomGroups.ids(joined.members()));
    joiner.removeAll(RandomGroups.ids(stable.members()));
    TargetAssignment after = uniform.assign(joined);

    Map<Partition, String> moved = AssignmentChecks.moved(before, after);
    int partitions = AssignmentChecks.owners(after).size();
    int members = joined.members().size();
    assertThat(moved.size())
        .as("moved of %d partitions among %d members", partitions, members)
        .isLessThanOrEqualTo((partitions + members - 1) / members);
    assertThat(new HashSet<>(moved.values()))
        .as("who received moved partitions")
        .isSubsetOf(joiner);
    AssignmentChecks.countsDifferByAtMostOne(joined, after);
  }

  @Property(tries = 200)
  void whenAMemberLeavesOnlyItsPartitionsMove(@ForAll long seed) {
    Random random = new Random(seed);
    GroupSpec generated = RandomGroups.group(random, true);
    GroupSpec stable = RandomGroups.withCurrent(generated, uniform.assign(generated));
    TargetAssignment before = uniform.assign(stable);
    Assume.that(stable.members().size() >= 2);
    int leaving = random.nextInt(stable.members().size());
    String leaver = stable.members().get(leaving).memberId();
    TargetAssignment after = uniform.assign(RandomGroups.left(stable, leaving));

    Map<Partition, String> ownersAfter = AssignmentChecks.owners(after);
    AssignmentChecks.owners(before)
        .forEach(
            (partition, owner) -> {
              if (!owner.equals(leaver)) {
                assertThat(ownersAfter.get(partition))
                    .as("owner of %s", partition)
                    .isEqualTo(owner);
              }
            });
    AssignmentChecks.countsDifferByAtMostOne(RandomGroups.left(stable, leaving), after);
  }
}
