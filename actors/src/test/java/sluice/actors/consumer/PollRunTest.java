package sluice.actors.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ConsumedRecord;

class PollRunTest {
  private static final long DEADLINE = 10_000;

  private static PollRun run(int minBytes) {
    return new PollRun(new InstanceCommand.Poll(500, 1_000_000, null), DEADLINE, minBytes, 1_000);
  }

  private static List<ConsumedRecord> records(int partition, long... offsets) {
    return Arrays.stream(offsets)
        .mapToObj(
            o ->
                new ConsumedRecord(
                    "orders", partition, o, 0L, false, null, new byte[] {1, 2}, List.of()))
        .toList();
  }

  @Test
  void aRoundThatDoesNotWaitIsAnsweredOnlyOnceEveryFetchOfItHasAnswered() {
    PollRun run = run(0);
    run.fetching(0, 3, false);

    run.answered(records(0, 5, 6));
    assertThat(run.done(0)).isFalse();
    run.answered(List.of());
    assertThat(run.done(0)).isFalse();
    run.answered(records(2, 9));

    assertThat(run.done(0)).isTrue();
    assertThat(run.records())
        .extracting(r -> r.partition() + ":" + r.offset())
        .containsExactly("0:5", "0:6", "2:9");
  }

  @Test
  void aWaitingRoundIsAnsweredByTheFirstFetchThatBringsEnough() {
    PollRun run = run(3);
    run.fetching(0, 2, false);
    run.answered(List.of());
    run.answered(List.of());
    assertThat(run.done(0)).isFalse();
    assertThat(run.worthAnotherRound()).isTrue();
    assertThat(run.nextRoundWaits()).isTrue();

    run.fetching(1, 2, true);
    run.answered(records(1, 7));
    assertThat(run.done(0)).as("2 bytes, fetch.min.bytes 3").isFalse();
    run.answered(records(0, 4));

    assertThat(run.done(0)).isTrue();
  }

  @Test
  void pastItsDeadlineAPollWithRecordsDoesNotWaitForTheFetchesStillOut() {
    PollRun run = run(0);
    run.fetching(0, 2, false);
    run.answered(records(0, 1));

    assertThat(run.done(DEADLINE - 1)).isFalse();
    assertThat(run.done(DEADLINE)).isTrue();
  }

  @Test
  void withoutRecordsAPollWaitsPastItsDeadlineForTheFetchesStillOut() {
    PollRun run = run(0);
    run.fetching(0, 1, true);

    assertThat(run.done(DEADLINE + 1)).isFalse();
    run.answered(List.of());
    assertThat(run.done(DEADLINE + 1)).isTrue();
  }
}
