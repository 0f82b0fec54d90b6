package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.json;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.broker.Broker;
import sluice.storage.record.Batches;
import sluice.storage.record.RecordBatch;

/**
 * Consuming over real HTTP from a one-node broker whose closed segment has a byte flipped on disk:
 * the records before the corrupt batch are served, and only a consume starting at it fails, naming
 * the partition, the offset and both CRCs.
 */
class CorruptSegmentConsumeTest {
  @TempDir Path dataDir;
  private ActorTestKit kit;
  private ServerBinding binding;
  private String base;
  private String clusterId;

  @BeforeEach
  void startBroker() throws Exception {
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseString(
                """
                sluice.data-dir = "%s"
                sluice.broker.start-timeout = 20s
                sluice.http.metadata-max-age = 0s
                akka.remote.artery.canonical.port = 0
                akka.actor.serialize-messages = on
                akka.actor.serialize-creators = off
                akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                akka.loggers = ["akka.event.slf4j.Slf4jLogger"]
                akka.logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
                """
                    .formatted(dataDir.toString().replace("\\", "/"))));
    kit = ActorTestKit.create("CorruptSegmentConsumeTest", config);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
          return null;
        });
    Broker.BrokerHandle broker =
        Broker.start(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    clusterId = broker.clusterId();
    binding =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                SluiceRoutes.routes(
                    kit.system(), broker.gateway(), HttpSettings.fromConfig(config)))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterEach
  void stopBroker() throws Exception {
    if (binding != null) {
      binding.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    request.header("Content-Type", contentType);
    return RouteHarness.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return RouteHarness.HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void recordsBeforeACorruptBatchAreConsumedAndAConsumeStartingAtItFailsNamingIt()
      throws Exception {
    // two batches of two 200-byte records fit a 1100-byte segment, a third rolls it
    var created =
        send(
            "POST",
            "/v3/clusters/" + clusterId + "/topics",
            "application/json",
            """
            {"topic_name": "flipped", "partitions_count": 1,
             "configs": [{"name": "segment.bytes", "value": "1100"}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String value = Base64.getEncoder().encodeToString(new byte[200]);
    for (int b = 0; b < 3; b++) {
      var produced =
          send(
              "POST",
              "/topics/flipped/partitions/0",
              "application/vnd.kafka.binary.v2+json",
              "{\"records\": [{\"value\": \"%s\"}, {\"value\": \"%s\"}]}".formatted(value, value));
      assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);
    }
    Path partitionDir = dataDir.resolve("flipped-0");
    assertThat(partitionDir.resolve("00000000000000000004.log")).exists();
    String crcs = flipTheLastByteOfTheBatchAt(partitionDir.resolve("00000000000000000000.log"), 2);

    var prefix = get("/topics/flipped/partitions/0/records?offset=0&max_bytes=10000000");
    assertThat(prefix.statusCode()).as(prefix.body()).isEqualTo(200);
    assertThat(offsets(json(prefix))).containsExactly(0L, 1L);

    assertError(
        get("/topics/flipped/partitions/0/records?offset=2&max_bytes=10000000"),
        503,
        RestException.KAFKA_RETRIABLE_ERROR,
        "Partition flipped-0",
        "offset 2",
        crcs);
  }

  private static List<Long> offsets(JsonNode records) {
    List<Long> offsets = new ArrayList<>();
    records.forEach(record -> offsets.add(record.get("offset").longValue()));
    return offsets;
  }

  /**
   * Flips the last byte of the batch at {@code baseOffset} in {@code segment} under the running
   * leader, which reads the file; returns the CRCs the batch now shows, as the error must name
   * them.
   */
  private static String flipTheLastByteOfTheBatchAt(Path segment, long baseOffset)
      throws Exception {
    byte[] bytes = Files.readAllBytes(segment);
    int position = 0;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
      if (batch.baseOffset() == baseOffset) {
        int last = position + batch.sizeInBytes() - 1;
        bytes[last] ^= 0x40;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(bytes, last, 1), last);
        }
        RecordBatch flipped =
            RecordBatch.wrap(ByteBuffer.wrap(bytes, position, batch.sizeInBytes()));
        return String.format(
            "stored CRC32C 0x%08x, computed 0x%08x", flipped.checksum(), flipped.computeChecksum());
      }
      position += batch.sizeInBytes();
    }
    throw new AssertionError("no batch at offset " + baseOffset + " in " + segment);
  }
}
