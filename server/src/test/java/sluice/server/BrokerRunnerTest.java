package sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.CoordinatedShutdown;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.typesafe.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link BrokerRunner} on a real one-node broker in this JVM: downing the node makes the runner
 * start a second actor system on the same data directory, which opens the partition logs and the
 * metadata store (LMDB) the first one closed; any other shutdown ends the run. The JVM's shutdown
 * hook returns only after the run has ended.
 */
@Timeout(180)
class BrokerRunnerTest {
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How long the run's last log line is held back, waiting for the JVM exit to be told first. */
  private static final Duration HOLD = Duration.ofSeconds(2);

  @TempDir Path dataDir;

  @Test
  void aDownedBrokerStartsAgainOnItsDataAndAnOrdinaryShutdownEndsTheRun() throws Exception {
    var config = config();
    BlockingQueue<SluiceServer> started = new LinkedBlockingQueue<>();
    var runner = new BrokerRunner(config, SluiceServer::start, started::add, server -> {});
    CompletableFuture<BrokerRunner.Outcome> run = CompletableFuture.supplyAsync(runner::run);

    SluiceServer first = next(started);
    String cluster = first.broker().clusterId();
    String base = "http://127.0.0.1:" + first.httpAddress().getPort();
    assertThat(
            send(
                base,
                "POST",
                "/v3/clusters/" + cluster + "/topics",
                "{\"topic_name\": \"kept\", \"partitions_count\": 1}"))
        .isEqualTo(201);
    assertThat(
            send(
                base,
                "POST",
                "/v3/clusters/" + cluster + "/topics/kept/records?acks=all",
                "{\"partition_id\": 0, \"value\": {\"type\": \"STRING\", \"data\": \"before\"}}"))
        .isEqualTo(200);

    Cluster node = Cluster.get(first.system());
    node.manager().tell(new Down(node.selfMember().address()));

    SluiceServer second = next(started);
    assertThat(CoordinatedShutdown.get(first.system()).getShutdownReason())
        .contains(CoordinatedShutdown.clusterDowningReason());
    assertThat(first.system().getWhenTerminated().toCompletableFuture().isDone()).isTrue();
    assertThat(second.system()).isNotSameAs(first.system());
    assertThat(second.broker().settings().brokerId()).isEqualTo(4);
    assertThat(second.broker().clusterId())
        .as("the cluster id from meta.properties")
        .isEqualTo(cluster);
    String again = "http://127.0.0.1:" + second.httpAddress().getPort();
    var read =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(again + "/topics/kept/partitions/0/records?offset=0&timeout=5000"))
                .timeout(STEP)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(read.body())
        .as("the record written before the downing, read from the reopened log")
        .contains("\"offset\":0")
        .contains("YmVmb3Jl"); // base64 of "before"

    CoordinatedShutdown.get(second.system()).runAll(CoordinatedShutdown.unknownReason());
    assertThat(run.get(STEP.toSeconds(), TimeUnit.SECONDS)).isEqualTo(BrokerRunner.Outcome.STOPPED);
    assertThat(started).as("no third start").isEmpty();
  }

  /**
   * SIGTERM: the JVM halts as soon as its shutdown hooks return, so a hook that returned once the
   * broker had stopped lost the run's last log line (why the broker stopped) whenever the run's
   * thread had not written it yet; {@code PausedLeaderTest} failed on it now and then. Here that
   * line is held back until the JVM exit is told (at most {@link #HOLD}): the hook must wait for
   * it.
   */
  @Test
  void theJvmShutdownHookReturnsOnlyOnceTheRunHasLoggedWhyTheBrokerStopped() throws Exception {
    String lastWords = "Broker 4 stopped (coordinated shutdown reason: JvmExitReason)";
    CountDownLatch exitTold = new CountDownLatch(1);
    List<String> logged = new CopyOnWriteArrayList<>();
    var holdingBack =
        new AppenderBase<ILoggingEvent>() {
          @Override
          protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().equals(lastWords)) {
              try {
                exitTold.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            logged.add(event.getFormattedMessage());
          }
        };
    var runnerLog = (Logger) LoggerFactory.getLogger(BrokerRunner.class);
    holdingBack.start();
    runnerLog.addAppender(holdingBack);
    try {
      BlockingQueue<SluiceServer> started = new LinkedBlockingQueue<>();
      AtomicReference<List<String>> loggedAtExit = new AtomicReference<>();
      var runner =
          new BrokerRunner(
              config(),
              SluiceServer::start,
              started::add,
              server -> {
                loggedAtExit.set(List.copyOf(logged));
                exitTold.countDown();
              });
      CompletableFuture<BrokerRunner.Outcome> run = CompletableFuture.supplyAsync(runner::run);
      next(started);

      runner.onJvmShutdown();

      assertThat(loggedAtExit.get())
          .as("the run's log when the JVM exit was told (the hook returned right after)")
          .contains(lastWords);
      assertThat(run.get(STEP.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo(BrokerRunner.Outcome.STOPPED);
      assertThat(started).as("no second start").isEmpty();
    } finally {
      runnerLog.detachAppender(holdingBack);
      holdingBack.stop();
    }
  }

  @Test
  void onlyClusterDowningCountsAsDowning() {
    assertThat(BrokerRunner.isDowning(Optional.of(CoordinatedShutdown.clusterDowningReason())))
        .isTrue();
    assertThat(BrokerRunner.isDowning(Optional.of(CoordinatedShutdown.jvmExitReason()))).isFalse();
    assertThat(BrokerRunner.isDowning(Optional.of(CoordinatedShutdown.clusterLeavingReason())))
        .isFalse();
    assertThat(BrokerRunner.isDowning(Optional.empty())).isFalse();
  }

  private Config config() {
    return ServerConfig.load(
        LaunchArguments.parse(
            "server",
            "-Dsluice.data-dir=" + dataDir,
            "-Dsluice.broker-id=4",
            "-Dsluice.http.port=0",
            "-Dsluice.kafka.port=0",
            "-Dakka.remote.artery.canonical.port=0",
            "-Dakka.coordinated-shutdown.run-by-jvm-shutdown-hook=off",
            "-Dakka.cluster.jmx.multi-mbeans-in-same-jvm=on"));
  }

  private static SluiceServer next(BlockingQueue<SluiceServer> started)
      throws InterruptedException {
    SluiceServer server = started.poll(STEP.toSeconds(), TimeUnit.SECONDS);
    assertThat(server).as("a broker started within %s", STEP).isNotNull();
    return server;
  }

  private static int send(String base, String method, String path, String body) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(STEP)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }
}
