package sluice.multijvm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client thread for crash tests that asks one broker for new producer ids over HTTP ({@code POST
 * /v3/clusters/{id}/producers}), one request at a time, for as long as it runs, and keeps every id
 * it was given. A failed request (the broker is down, cut off, or has no id to give: 503) is
 * counted and followed by a short backoff.
 *
 * <p>Thread-safe: the test thread reads the ids while the client thread adds them. {@link #close()}
 * stops the thread and waits for it.
 */
public final class ProducerIdClient implements AutoCloseable {
  private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
  private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

  private final int brokerId;
  private final BrokerClient broker;
  private final String path;
  private final List<Long> ids = new CopyOnWriteArrayList<>();
  private final List<String> failureSamples = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;

  private ProducerIdClient(int brokerId, BrokerClient broker, String clusterId) {
    this.brokerId = brokerId;
    this.broker = broker;
    this.path = "/v3/clusters/" + clusterId + "/producers";
    this.thread = new Thread(this::run, "producer-ids-via-" + brokerId);
    thread.setDaemon(true);
  }

  /** Starts asking broker {@code brokerId} through {@code broker}. */
  public static ProducerIdClient start(int brokerId, BrokerClient broker, String clusterId) {
    ProducerIdClient client = new ProducerIdClient(brokerId, broker, clusterId);
    client.thread.start();
    return client;
  }

  private void run() {
    while (stopped.getCount() > 0) {
      try {
        BrokerClient.Response response = broker.send("POST", path, "{}", REQUEST_DEADLINE);
        if (response.status() == 200) {
          ids.add(response.json().get("producer_id").asLong());
          continue;
        }
        failed(response.status() + " " + response.body());
      } catch (RuntimeException e) {
        failed(e.toString());
      }
      try {
        stopped.await(RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void failed(String what) {
    failures.incrementAndGet();
    if (failureSamples.size() < 5) {
      failureSamples.add(what);
    }
  }

  public int brokerId() {
    return brokerId;
  }

  /** Every id handed out so far, in the order this client got them. */
  public List<Long> ids() {
    return List.copyOf(ids);
  }

  public int count() {
    return ids.size();
  }

  public long failures() {
    return failures.get();
  }

  public List<String> failureSamples() {
    return List.copyOf(failureSamples);
  }

  @Override
  public void close() throws InterruptedException {
    stopped.countDown();
    thread.join(REQUEST_DEADLINE.plusSeconds(5).toMillis());
  }
}
