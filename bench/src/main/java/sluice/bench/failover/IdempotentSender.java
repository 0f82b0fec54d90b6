package sluice.bench.failover;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import sluice.bench.http.RestProxyClient;
import sluice.bench.http.RestProxyClient.ProducerId;

/**
 * One stall-producer worker as an idempotent HTTP producer (Sluice's opt-in, {@code
 * docs/http-api.md} "idempotent produce"): it holds a producer id and epoch and its next sequence
 * on the partition, sends each request with them and, whatever goes wrong, sends the very same
 * request again until every record of it is acknowledged, so a request whose answer was lost is
 * stored once. A 409 (its sequence or epoch no longer accepted) bumps the epoch and starts the
 * partition at sequence 0 again, as a Kafka producer does; only then may a resend be written twice.
 * Not thread-safe: one worker's.
 */
final class IdempotentSender {
  private static final long BACKOFF_MILLIS = 100;

  /** What one request's reports said. */
  private record Outcome(int acknowledged, String firstError) {}

  private final RestProxyClient client;
  private final String clusterId;
  private final String basePath;
  private final int partition;
  private ProducerId producer;
  private int sequence;
  private int epochBumps;

  /**
   * @param basePath the produce path with its acks parameter ({@link RestProxyClient#producePath})
   */
  IdempotentSender(RestProxyClient client, String clusterId, String basePath, int partition) {
    this.client = client;
    this.clusterId = clusterId;
    this.basePath = basePath;
    this.partition = partition;
  }

  /** How often this worker had to bump its epoch after a 409. */
  int epochBumps() {
    return epochBumps;
  }

  /**
   * Sends {@code body} (the records {@code seqs}, all for the partition) until all are acknowledged
   * or {@code running} turns false; acknowledgements and failures go to {@code timeline}.
   */
  void send(byte[] body, List<Long> seqs, AckTimeline timeline, BooleanSupplier running)
      throws InterruptedException {
    while (running.getAsBoolean()) {
      if (producer == null && !initProducer(timeline)) {
        Thread.sleep(BACKOFF_MILLIS);
        continue;
      }
      Outcome outcome = attempt(body, seqs.size());
      if (outcome.acknowledged() == seqs.size()) {
        long now = System.nanoTime();
        seqs.forEach(seq -> timeline.acknowledged(seq, now));
        sequence += seqs.size();
        return;
      }
      timeline.failed(outcome.firstError());
      if (outcome.firstError() != null
          && (outcome.firstError().startsWith("40904")
              || outcome.firstError().startsWith("40905"))) {
        bumpEpoch(timeline);
      }
      Thread.sleep(BACKOFF_MILLIS);
    }
  }

  private Outcome attempt(byte[] body, int records) {
    String path = RestProxyClient.idempotentPath(basePath, producer, partition, sequence);
    int[] acknowledged = {0};
    String[] firstError = {null};
    try {
      client.produce(
          path,
          body,
          (ok, p, offset, message) -> {
            if (ok) {
              acknowledged[0]++;
            } else if (firstError[0] == null) {
              firstError[0] = message;
            }
          });
    } catch (IOException | RuntimeException e) {
      return new Outcome(0, e.toString());
    }
    return new Outcome(
        acknowledged[0],
        firstError[0] != null || acknowledged[0] == records
            ? firstError[0]
            : acknowledged[0] + " of " + records + " records reported");
  }

  private boolean initProducer(AckTimeline timeline) {
    try {
      producer = client.initProducer(clusterId, null);
      return true;
    } catch (IOException | RuntimeException e) {
      timeline.failed("no producer id yet: " + e);
      return false;
    }
  }

  private void bumpEpoch(AckTimeline timeline) {
    try {
      producer = client.initProducer(clusterId, producer);
      sequence = 0;
      epochBumps++;
    } catch (IOException | RuntimeException e) {
      timeline.failed("epoch bump failed: " + e);
    }
  }
}
