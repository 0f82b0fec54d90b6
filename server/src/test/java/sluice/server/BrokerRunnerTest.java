package sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.CoordinatedShutdown;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BrokerRunner} on a real one-node broker in this JVM: downing the node makes the runner
 * start a second actor system on the same data directory, which opens the partition logs and the
 * metadata store (LMDB) the first one closed; any other shutdown ends the run.
 */
@Timeout(180)
class BrokerRunnerTest {
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dataDir;

  @Test
  void aDownedBrokerStartsAgainOnItsDataAndAnOrdinaryShutdownEndsTheRun() throws Exception {
    var config =
        ServerConfig.load(
            LaunchArguments.parse(
                "server",
                "-Dsluice.data-dir=" + dataDir,
                "-Dsluice.broker-id=4",
                "-Dsluice.http.port=0",
                "-Dakka.remote.artery.canonical.port=0",
                "-Dakka.coordinated-shutdown.run-by-jvm-shutdown-hook=off",
                "-Dakka.cluster.jmx.multi-mbeans-in-same-jvm=on"));
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

  @Test
  void onlyClusterDowningCountsAsDowning() {
    assertThat(BrokerRunner.isDowning(Optional.of(CoordinatedShutdown.clusterDowningReason())))
        .isTrue();
    assertThat(BrokerRunner.isDowning(Optional.of(CoordinatedShutdown.jvmExitReason()))).isFalse();
    assertThat(BrokerRunner.isDowning(Optional.of(CoordinatedShutdown.clusterLeavingReason())))
        .isFalse();
    assertThat(BrokerRunner.isDowning(Optional.empty())).isFalse();
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
