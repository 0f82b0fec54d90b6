package sluice.actors.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.consumer.InstanceHarness.O0;
import static sluice.actors.consumer.InstanceHarness.O1;
import static sluice.actors.consumer.InstanceHarness.O2;
import static sluice.actors.consumer.InstanceHarness.of;
import static sluice.actors.consumer.InstanceHarness.only;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.consumer.InstanceConfig.OffsetReset;

class SubscriptionAndPollTest {
  private final InstanceHarness h =
      new InstanceHarness(InstanceHarness.config().withAutoCommit(false));
  private final ConsumerInstance instance = h.instance;

  @Test
  void topicsPatternAndManualAssignmentExcludeEachOtherButTheSameKindReplaces() {
    assertThat(instance.subscribe(List.of("a"), h.now).ok()).isTrue();
    assertThat(instance.subscribe(List.of("b", "c"), h.now).ok()).isTrue();
    assertThat(instance.subscription()).isEqualTo(new Subscription.TopicList(List.of("b", "c")));

    Outcome pattern = instance.subscribePattern("b.*", h.now);
    Outcome manual = instance.assign(Set.of(O0), h.now);

    assertThat(pattern.rejection().kind()).isEqualTo(Rejection.Kind.SUBSCRIPTION_CONFLICT);
    assertThat(pattern.rejection().message()).contains("topics", "topic_pattern");
    assertThat(manual.rejection().kind()).isEqualTo(Rejection.Kind.SUBSCRIPTION_CONFLICT);
    assertThat(instance.subscription()).isEqualTo(new Subscription.TopicList(List.of("b", "c")));

    instance.unsubscribe(h.now);
    assertThat(instance.assign(Set.of(O0), h.now).ok()).isTrue();
    assertThat(instance.subscribe(List.of("a"), h.now).rejection().kind())
        .isEqualTo(Rejection.Kind.SUBSCRIPTION_CONFLICT);
    assertThat(instance.assign(Set.of(O1), h.now).ok()).isTrue();
    assertThat(instance.assignment()).containsExactly(O1);
  }

  @Test
  void anUnknownPositionComesFromTheCommittedOffsetElseFromAutoOffsetReset() {
    Outcome assigned = instance.assign(Set.of(O0, O1), h.now);

    // asked with the assignment, not again by a poll
    assertThat(only(Effect.FetchCommitted.class, assigned.effects()).partitions())
        .containsExactlyInAnyOrder(O0, O1);
    PollPlan first = instance.poll(h.now, 1000);
    assertThat(of(Effect.FetchCommitted.class, first.effects())).isEmpty();
    assertThat(first.fetches()).isEmpty();

    instance.committedFetched(Map.of(O0, 7L));
    PollPlan second = instance.poll(h.now, 1000);
    assertThat(only(Effect.ListOffsets.class, second.effects()).partitions())
        .isEqualTo(Map.of(O1, OffsetReset.LATEST));
    assertThat(of(Effect.FetchCommitted.class, second.effects())).isEmpty();
    assertThat(second.fetches()).containsExactly(new Effect.Fetch(O0, 7, 1000));

    instance.offsetsListed(Map.of(O1, 100L));
    assertThat(instance.poll(h.now, 1000).fetches())
        .extracting(Effect.Fetch::partition, Effect.Fetch::offset)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(O0, 7L),
            org.assertj.core.groups.Tuple.tuple(O1, 100L));
  }

  @Test
  void earliestResetLooksUpTheLogStart() {
    InstanceHarness earliest =
        new InstanceHarness(InstanceHarness.config().withAutoOffsetReset(OffsetReset.EARLIEST));
    earliest.instance.assign(Set.of(O0), earliest.now);
    earliest.instance.poll(earliest.now, 10);
    earliest.instance.committedFetched(Map.of());

    assertThat(only(Effect.ListOffsets.class, earliest.instance.poll(earliest.now, 10).effects()))
        .isEqualTo(new Effect.ListOffsets(Map.of(O0, OffsetReset.EARLIEST)));
  }

  @Test
  void withAutoOffsetResetNoneAPartitionWithoutCommitFailsThePollUntilASeek() {
    InstanceHarness none =
        new InstanceHarness(InstanceHarness.config().withAutoOffsetReset(OffsetReset.NONE));
    none.instance.assign(Set.of(O0), none.now);
    none.instance.poll(none.now, 10);
    none.instance.committedFetched(Map.of());

    PollPlan failed = none.instance.poll(none.now, 10);
    assertThat(failed.error().kind()).isEqualTo(Rejection.Kind.NO_OFFSET);
    assertThat(failed.error().message()).contains("orders-0");
    assertThat(failed.fetches()).isEmpty();

    none.instance.seek(Map.of(O0, 3L));
    assertThat(none.instance.poll(none.now, 10).fetches())
        .containsExactly(new Effect.Fetch(O0, 3, 10));
  }

  @Test
  void seeksMoveOnlyAssignedPartitionsAndBeginningAndEndAreLookedUp() {
    instance.assign(Set.of(O0, O1), h.now);
    assertThat(instance.seek(Map.of(O2, 5L)).rejection().kind())
        .isEqualTo(Rejection.Kind.NOT_ASSIGNED);
    assertThat(instance.seekToEnd(Set.of(O0, O2)).rejection().message()).contains("orders-2");

    instance.seek(Map.of(O0, 5L));
    instance.seekToBeginning(Set.of(O1));
    PollPlan plan = instance.poll(h.now, 100);

    assertThat(only(Effect.ListOffsets.class, plan.effects()).partitions())
        .isEqualTo(Map.of(O1, OffsetReset.EARLIEST));
    assertThat(of(Effect.FetchCommitted.class, plan.effects())).isEmpty();
    assertThat(plan.fetches()).containsExactly(new Effect.Fetch(O0, 5, 100));
    instance.seekToEnd(Set.of(O0));
    assertThat(only(Effect.ListOffsets.class, instance.poll(h.now, 100).effects()).partitions())
        .isEqualTo(Map.of(O0, OffsetReset.LATEST));
  }

  @Test
  void fetchedRecordsMoveThePositionUnlessASeekCameFirst() {
    instance.assign(Set.of(O0), h.now);
    instance.seek(Map.of(O0, 10L));
    Effect.Fetch fetch = instance.poll(h.now, 100).fetches().get(0);

    instance.recordsFetched(O0, fetch.offset(), 15);
    assertThat(instance.position(O0)).contains(15L);

    Effect.Fetch next = instance.poll(h.now, 100).fetches().get(0);
    instance.seek(Map.of(O0, 2L));
    instance.recordsFetched(O0, next.offset(), 20);
    assertThat(instance.position(O0)).contains(2L);

    instance.fetchOutOfRange(O0, 2);
    assertThat(instance.position(O0)).isEmpty();
  }

  @Test
  void maxBytesIsSplitOverThePartitionsAndTheFirstTurnRotates() {
    instance.assign(Set.of(O0, O1, O2), h.now);
    instance.seek(Map.of(O0, 0L, O1, 0L, O2, 0L));

    assertThat(instance.poll(h.now, 10).fetches())
        .extracting(Effect.Fetch::partition, Effect.Fetch::maxBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(O0, 4),
            org.assertj.core.groups.Tuple.tuple(O1, 3),
            org.assertj.core.groups.Tuple.tuple(O2, 3));
    assertThat(instance.poll(h.now, 10).fetches())
        .extracting(Effect.Fetch::partition)
        .containsExactly(O1, O2, O0);
    assertThat(instance.poll(h.now, 2).fetches())
        .extracting(Effect.Fetch::partition, Effect.Fetch::maxBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(O2, 1), org.assertj.core.groups.Tuple.tuple(O0, 1));
  }

  @Test
  void aPostedOffsetIsTheLastConsumedSoTheCommitIsOneMore() {
    instance.assign(Set.of(O0), h.now);

    Outcome outcome = instance.commit(Map.of(O0, 41L));

    Effect.Commit commit = only(Effect.Commit.class, outcome.effects());
    assertThat(commit.request().offsets().get(O0).offset()).isEqualTo(42);
    assertThat(commit.request().memberId()).isNull();
    assertThat(commit.request().memberEpoch()).isNegative();
    assertThat(instance.commit(Map.of(O1, 1L)).rejection().kind())
        .isEqualTo(Rejection.Kind.NOT_ASSIGNED);
  }

  @Test
  void anEmptyCommitCommitsEverythingFetchedAndNothingWhenNothingWas() {
    instance.assign(Set.of(O0, O1), h.now);
    assertThat(instance.commitAll().effects()).isEmpty();

    instance.seek(Map.of(O0, 0L, O1, 10L));
    h.pollAndConsume(5);
    Effect.Commit commit = only(Effect.Commit.class, instance.commitAll().effects());

    assertThat(commit.request().offsets())
        .containsOnlyKeys(O0, O1)
        .satisfies(m -> assertThat(m.get(O0).offset()).isEqualTo(5))
        .satisfies(m -> assertThat(m.get(O1).offset()).isEqualTo(15));
    instance.commitAnswered(commit.id(), InstanceHarness.acceptedAll(commit), h.now);
    assertThat(instance.committed()).isEqualTo(Map.of(O0, 5L, O1, 15L));
  }
}
