package sluice.bench.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroupTimelineTest {

  @Test
  void onlyRealOwnershipChangesAreKeptEachAtTheClocksReading() {
    AtomicLong clock = new AtomicLong(0);
    GroupTimeline timeline = new GroupTimeline(clock::get);

    clock.set(5);
    timeline.owned("a", Set.of()); // nothing owned before either: no change
    clock.set(10);
    timeline.owned("a", Set.of(0, 1));
    clock.set(20);
    timeline.owned("a", Set.of(1, 0)); // the same set: no change
    clock.set(30);
    timeline.owned("b", Set.of(1));
    timeline.owned("a", Set.of(0));

    RebalanceAnalysis a = timeline.analyse(2, 2, 25);

    assertThat(a.settledNanos()).isEqualTo(30);
    assertThat(a.owners()).containsEntry(0, "a").containsEntry(1, "b");
    assertThat(a.moved()).isEqualTo(1);
  }

  @Test
  void deliveriesCarryTheClockAtTheirPollAndTheirProducersStamp() {
    AtomicLong clock = new AtomicLong(0);
    GroupTimeline timeline = new GroupTimeline(clock::get);
    timeline.owned("a", Set.of(0));

    clock.set(50);
    timeline.delivered(
        "a", List.of(new GroupMember.Delivery(0, 7, 40), new GroupMember.Delivery(0, 8, 45)));

    assertThat(timeline.analyse(1, 1, 42).firstFresh()).containsEntry(0, 50L);
    assertThat(timeline.analyse(1, 1, 46).firstFresh()).isEmpty();
  }

  @Test
  void aStampIsTheSendTimeAndAnyOtherValueHasNone() {
    assertThat(StampProducer.stampOf(StampProducer.stamp(123_456_789L))).isEqualTo(123_456_789L);
    assertThat(StampProducer.stampOf(new byte[100])).isEqualTo(-1);
    assertThat(StampProducer.stampOf(null)).isEqualTo(-1);
  }
}
