package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class StallScenarioTest {

  /**
   * Acknowledges one record per millisecond on its own thread; after {@link #kill()} it sends
   * nothing for {@code outageTicks} ticks, as a producer waiting for a new leader, then resumes.
   */
  private static final class FakeProducer implements StallProducer {
    private final int outageTicks;
    private volatile boolean running;
    private volatile boolean killed;
    private volatile long sent;
    private Thread thread;

    FakeProducer(int outageTicks) {
      this.outageTicks = outageTicks;
    }

    @Override
    public void start(AckTimeline timeline) {
      running = true;
      thread =
          new Thread(
              () -> {
                int outage = outageTicks;
                while (running) {
                  if (killed && outage > 0) {
                    outage--;
                  } else {
                    timeline.acknowledged(sent, System.nanoTime());
                    sent++;
                  }
                  LockSupport.parkNanos(1_000_000L);
                }
              });
      thread.start();
    }

    void kill() {
      killed = true;
    }

    /** Node 7 leads until the kill, node 2 after it. */
    int leader() {
      return killed ? 2 : 7;
    }

    @Override
    public long sent() {
      return sent;
    }

    @Override
    public long stop() throws IOException {
      running = false;
      try {
        thread.join();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      return sent;
    }

    long[] all() {
      long[] seqs = new long[(int) sent];
      Arrays.setAll(seqs, i -> i);
      return seqs;
    }
  }

  private final StallScenario scenario =
      new StallScenario(Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofSeconds(30));

  @Test
  void theStallIsMeasuredAfterTheKillAndEveryAcknowledgedRecordIsFoundInTheReadBack()
      throws IOException {
    FakeProducer producer = new FakeProducer(200);

    StallScenario.Result result =
        scenario.run(
            producer,
            () ->
                new StallScenario.Victim(
                    7, "node 7 (partition leader)", producer::kill, producer::leader),
            producer::all);

    assertThat(result.killed()).isEqualTo("node 7 (partition leader)");
    assertThat(result.newLeader()).isEqualTo(2);
    assertThat(result.newLeaderAfterNanos()).isNotNegative();
    assertThat(result.analysis().stallEndNanos()).isGreaterThan(result.analysis().killNanos());
    assertThat(result.analysis().stallNanos())
        .isGreaterThanOrEqualTo(result.analysis().baselineNanos());
    assertThat(result.delivery().noLoss()).isTrue();
    assertThat(result.delivery().acknowledged()).isEqualTo(result.sent());
    assertThat(result.describe()).contains("0 lost");
  }

  @Test
  void aRecordMissingFromTheReadBackIsReportedLost() throws IOException {
    FakeProducer producer = new FakeProducer(10);

    StallScenario.Result result =
        scenario.run(
            producer,
            () -> new StallScenario.Victim(1, "node 1", producer::kill, producer::leader),
            () -> Arrays.copyOfRange(producer.all(), 1, (int) producer.sent()));

    assertThat(result.delivery().lost()).isEqualTo(1);
    assertThat(result.delivery().firstLost()).isZero();
  }

  @Test
  void aProducerThatNeverResumesFailsTheRunAfterTheMaximumOutage() {
    FakeProducer producer = new FakeProducer(Integer.MAX_VALUE);
    StallScenario impatient =
        new StallScenario(Duration.ofMillis(50), Duration.ZERO, Duration.ofMillis(200));

    assertThatThrownBy(
            () ->
                impatient.run(
                    producer,
                    () -> new StallScenario.Victim(1, "node 1", producer::kill, producer::leader),
                    producer::all))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no acknowledgement within PT0.2S of the kill");
  }
}
