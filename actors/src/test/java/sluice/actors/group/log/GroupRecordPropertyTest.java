package sluice.actors.group.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every record, with arbitrary strings (empty, ASCII, any Unicode code point) and partition sets:
 * decoding what was encoded gives the record back, and a key's bytes depend on its fields only.
 */
class GroupRecordPropertyTest {

  @Property(tries = 500)
  void everyRecordDecodesToItself(@ForAll("records") GroupRecord record) {
    GroupRecord decoded = GroupRecord.decode(record.keyBytes(), record.valueBytes());
    assertThat(decoded).isEqualTo(record);
    assertThat(decoded.valueBytes()).as("value bytes again").isEqualTo(record.valueBytes());
  }

  @Property(tries = 500)
  void aTombstoneDecodesToItsKeyWithNoValue(@ForAll("keys") RecordKey key) {
    GroupRecord decoded = GroupRecord.decode(GroupRecord.tombstone(key).keyBytes(), null);
    assertThat(decoded.isTombstone()).isTrue();
    assertThat(decoded.key()).isEqualTo(key);
  }

  @Property(tries = 500)
  void equalKeysHaveEqualBytesAndUnequalKeysDiffer(
      @ForAll("keys") RecordKey a, @ForAll("keys") RecordKey b) {
    RecordKey copyOfA = KeyFormat.decode(KeyFormat.encode(a));
    assertThat(KeyFormat.encode(copyOfA)).isEqualTo(KeyFormat.encode(a));
    assertThat(Arrays.equals(KeyFormat.encode(a), KeyFormat.encode(b)))
        .as("%s and %s", a, b)
        .isEqualTo(a.equals(b));
  }

  @Provide
  Arbitrary<GroupRecord> records() {
    return Arbitraries.oneOf(
        Combinators.combine(offsetCommitKeys(), offsetCommits()).as(GroupRecord::new),
        Combinators.combine(strings(), Arbitraries.integers().map(RecordValue.GroupMetadata::new))
            .as((g, v) -> new GroupRecord(new RecordKey.GroupMetadata(g), v)),
        Combinators.combine(strings(), subscriptions())
            .as((g, v) -> new GroupRecord(new RecordKey.SubscriptionMetadata(g), v)),
        Combinators.combine(strings(), strings(), members())
            .as((g, m, v) -> new GroupRecord(new RecordKey.MemberMetadata(g, m), v)),
        Combinators.combine(
                strings(), Arbitraries.integers().map(RecordValue.TargetAssignmentMetadata::new))
            .as((g, v) -> new GroupRecord(new RecordKey.TargetAssignmentMetadata(g), v)),
        Combinators.combine(
                strings(),
                strings(),
                partitionsByTopic().map(RecordValue.TargetAssignmentMember::new))
            .as((g, m, v) -> new GroupRecord(new RecordKey.TargetAssignmentMember(g, m), v)),
        Combinators.combine(strings(), strings(), currentAssignments())
            .as((g, m, v) -> new GroupRecord(new RecordKey.CurrentMemberAssignment(g, m), v)),
        Combinators.combine(strings(), strings(), consumerInstances())
            .as((g, i, v) -> new GroupRecord(new RecordKey.ConsumerInstance(g, i), v)));
  }

  @Provide
  Arbitrary<RecordKey> keys() {
    return records().map(GroupRecord::key);
  }

  private static Arbitrary<RecordKey> offsetCommitKeys() {
    return Combinators.combine(strings(), strings(), Arbitraries.integers().greaterOrEqual(0))
        .as(RecordKey.OffsetCommit::new);
  }

  private static Arbitrary<RecordValue> offsetCommits() {
    return Combinators.combine(
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.integers().greaterOrEqual(-1),
            strings(),
            Arbitraries.longs())
        .as(RecordValue.OffsetCommit::new);
  }

  private static Arbitrary<RecordValue> subscriptions() {
    Arbitrary<RecordValue.SubscribedTopic> topic =
        Combinators.combine(strings(), Arbitraries.integers().between(0, 100_000))
            .as(RecordValue.SubscribedTopic::new);
    return Arbitraries.maps(strings(), topic)
        .ofMaxSize(20)
        .map(RecordValue.SubscriptionMetadata::new);
  }

  private static Arbitrary<RecordValue> members() {
    return Combinators.combine(
            strings().injectNull(0.3),
            strings().injectNull(0.3),
            strings(),
            strings(),
            strings().set().ofMaxSize(20),
            strings().injectNull(0.5),
            Arbitraries.integers(),
            strings().injectNull(0.3))
        .as(RecordValue.MemberMetadata::new);
  }

  private static Arbitrary<RecordValue> currentAssignments() {
    return Combinators.combine(
            Arbitraries.integers(),
            Arbitraries.integers(),
            Arbitraries.of(MemberState.class),
            partitionsByTopic(),
            partitionsByTopic())
        .as(RecordValue.CurrentMemberAssignment::new);
  }

  /** At most one of the three is non-null, as in an instance's record. */
  private record Subscription(
      List<String> topics, String pattern, List<RecordValue.AssignedPartition> assigned) {}

  private static Arbitrary<RecordValue> consumerInstances() {
    Arbitrary<RecordValue.AssignedPartition> partition =
        Combinators.combine(strings(), Arbitraries.integers().greaterOrEqual(0))
            .as(RecordValue.AssignedPartition::new);
    Arbitrary<Subscription> subscription =
        Arbitraries.oneOf(
            Arbitraries.just(new Subscription(null, null, null)),
            strings().list().ofMaxSize(10).map(t -> new Subscription(t, null, null)),
            strings().map(p -> new Subscription(null, p, null)),
            partition.list().ofMaxSize(10).map(a -> new Subscription(null, null, a)));
    return Combinators.combine(
            strings(),
            strings(),
            strings(),
            Arbitraries.of(true, false),
            Arbitraries.integers(),
            Arbitraries.integers(),
            subscription,
            Arbitraries.longs())
        .as(
            (member, format, reset, autoCommit, minBytes, timeout, s, touched) ->
                new RecordValue.ConsumerInstance(
                    member,
                    format,
                    reset,
                    autoCommit,
                    minBytes,
                    timeout,
                    s.topics(),
                    s.pattern(),
                    s.assigned(),
                    touched));
  }

  /** Partitions by topic, sometimes thousands of partitions in one topic. */
  private static Arbitrary<Map<String, Set<Integer>>> partitionsByTopic() {
    Arbitrary<Set<Integer>> partitions =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 64).set().ofMaxSize(64),
            Arbitraries.integers().greaterOrEqual(0).set().ofMaxSize(5_000));
    return Arbitraries.maps(strings(), partitions).ofMaxSize(8);
  }

  /** Empty, ASCII, or any code points outside the surrogates (astral ones included). */
  private static Arbitrary<String> strings() {
    Arbitrary<String> unicode =
        Arbitraries.integers()
            .between(0, Character.MAX_CODE_POINT)
            .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
            .list()
            .ofMaxSize(24)
            .map(
                cps ->
                    new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
    return Arbitraries.oneOf(
        Arbitraries.just(""), Arbitraries.strings().ascii().ofMaxLength(24), unicode);
  }
}
