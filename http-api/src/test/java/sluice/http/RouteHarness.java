package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;
import sluice.actors.consumer.InstanceCommand;
import sluice.actors.consumer.InstanceRefs;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupGateway;

/**
 * The HTTP API bound on a loopback port 0 with {@link TestProbe}s standing in for the gateway and
 * for every consumer instance (the probe records which group and instance was looked up): a test
 * sends a real HTTP request, answers the gateway commands it expects with canned replies and checks
 * the HTTP answer. Metadata caching is off, so every produce asks for its topic.
 *
 * <p>A test class registers one as a JUnit extension, {@code @RegisterExtension static final
 * RouteHarness harness = RouteHarness.perTest(config)}: the class gets one local actor system, and
 * every test a freshly bound server and gateway probe, unbound after it. {@link #another} binds a
 * second server with other settings on the same system.
 */
final class RouteHarness
    implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, AutoCloseable {
  static final String CLUSTER = "cluster-1";
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final ActorTestKit kit;
  final HttpSettings settings;
  TestProbe<Gateway.Command> gateway;
  TestProbe<GroupGateway.Command> groups;

  /** Stands in for every consumer instance; {@link #instanceAsked} says which one was meant. */
  TestProbe<InstanceCommand> instances;

  private final BlockingQueue<String> instancesAsked = new LinkedBlockingQueue<>();

  /** The clock cached topics age on; it moves only when a test advances it. */
  final ManualClock clock = new ManualClock();

  String base;
  private ServerBinding binding;

  private RouteHarness(ActorTestKit kit, String config) {
    this.kit = kit;
    settings =
        HttpSettings.fromConfig(
            ConfigFactory.parseString(config)
                .withFallback(
                    ConfigFactory.parseString(
                        "sluice.http { metadata-max-age = 0s, request-timeout = 5s }"))
                .withFallback(ConfigFactory.load()));
  }

  /**
   * The extension for a test class, on a local actor system of its own; {@code config} may be "".
   */
  static RouteHarness perTest(String config) {
    return new RouteHarness(testKit(), config);
  }

  /** A second server on this harness's actor system with {@code config}, bound now; close it. */
  RouteHarness another(String config) throws Exception {
    RouteHarness other = new RouteHarness(kit, config);
    other.bind();
    return other;
  }

  /**
   * A local (non-cluster) actor system for route tests: the actors module's reference.conf makes
   * every system a cluster node on a fixed port, which route tests neither need nor may bind.
   */
  private static ActorTestKit testKit() {
    return ActorTestKit.create(
        ConfigFactory.parseString("akka.actor.provider = local\nakka.extensions = []")
            .withFallback(ConfigFactory.load()));
  }

  ActorSystem<Void> system() {
    return kit.system();
  }

  private void bind() throws Exception {
    gateway = kit.createTestProbe(Gateway.Command.class);
    groups = kit.createTestProbe(GroupGateway.Command.class);
    instances = kit.createTestProbe(InstanceCommand.class);
    instancesAsked.clear();
    TestProbe<InstanceCommand> instanceProbe = instances;
    InstanceRefs refs =
        (group, instance) -> {
          instancesAsked.add(group + "/" + instance);
          return instanceProbe.ref();
        };
    binding =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                SluiceRoutes.routes(
                    kit.system(), new Backends(gateway.ref(), groups.ref(), refs), settings, clock))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    bind();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    kit.shutdownTestKit();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  CompletableFuture<HttpResponse<String>> send(
      String method, String path, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> postJson(String path, String body) {
    return send("POST", path, "application/json", body);
  }

  static HttpResponse<String> await(CompletableFuture<HttpResponse<String>> response)
      throws Exception {
    return response.get(15, TimeUnit.SECONDS);
  }

  <T extends Gateway.Command> T expect(Class<T> type) {
    return gateway.expectMessageClass(type);
  }

  /** The next message is the administration request {@code type}, which it returns. */
  <T extends AdminRequest<?>> T expectAdmin(Class<T> type) {
    AdminRequest<?> request = expect(Gateway.Admin.class).request();
    assertThat(request).isInstanceOf(type);
    return type.cast(request);
  }

  /**
   * The next message to an instance, of {@code type}, sent to instance {@code instance} of group
   * {@code group}.
   */
  <T extends InstanceCommand> T expectInstance(String group, String instance, Class<T> type)
      throws InterruptedException {
    T message = instances.expectMessageClass(type);
    assertThat(instanceAsked()).isEqualTo(group + "/" + instance);
    return message;
  }

  /** {@code group/instance} of the next instance a route looked up, waiting for it. */
  String instanceAsked() throws InterruptedException {
    String asked = instancesAsked.poll(10, TimeUnit.SECONDS);
    assertThat(asked).as("an instance looked up").isNotNull();
    return asked;
  }

  /** As {@link #assertNothingMoreSent}, for the consumer instances' stand-in. */
  void assertNothingMoreSentToInstances() {
    var marker = new InstanceCommand.Delete(kit.system().ignoreRef());
    instances.ref().tell(marker);
    instances.expectMessage(marker);
    assertThat(instancesAsked).as("instances looked up").isEmpty();
  }

  void answerCluster() {
    expectAdmin(AdminRequest.DescribeCluster.class)
        .replyTo()
        .tell(
            new AdminRequest.ClusterDescription(
                CLUSTER, 1, List.of(new BrokerInfo(1, "127.0.0.1", 8080))));
  }

  /** The next message looks a topic up in the broker's view (a produce or consume check). */
  Gateway.TopicInView expectTopicInView() {
    return expect(Gateway.TopicInView.class);
  }

  /** Answers the view look-up of {@code topic}'s name, which must come next, with it. */
  void answerTopicInView(TopicDescription topic) {
    Gateway.TopicInView lookUp = expectTopicInView();
    assertThat(lookUp.topic()).isEqualTo(topic.name());
    lookUp.replyTo().tell(new AdminRequest.TopicReply(topic, null));
  }

  /** Answers the controller's describe of {@code topic}'s name, which must come next, with it. */
  void answerTopic(TopicDescription topic) {
    AdminRequest.DescribeTopic describe = expectAdmin(AdminRequest.DescribeTopic.class);
    assertThat(describe.name()).isEqualTo(topic.name());
    describe.replyTo().tell(new AdminRequest.TopicReply(topic, null));
  }

  /**
   * Nothing more reached the gateway: a check made after the answer arrived. Every ask the routes
   * made for that answer was in the gateway's mailbox before it, so a marker sent now must be the
   * next message, with no time window to wait out.
   */
  void assertNothingMoreSent() {
    var marker = new Gateway.Admin(new AdminRequest.ListTopics(kit.system().ignoreRef()));
    gateway.ref().tell(marker);
    gateway.expectMessage(marker);
  }

  /** A clock that moves only when told. Thread-safe. */
  static final class ManualClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    void advance(Duration duration) {
      millis.addAndGet(duration.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a manual clock stays in UTC");
    }
  }

  static TopicDescription topic(String name, int partitions) {
    return topic(name, partitions, Map.of());
  }

  static TopicDescription topic(String name, int partitions, Map<String, String> configs) {
    return new TopicDescription(
        name,
        "id-" + name,
        false,
        1,
        configs,
        IntStream.range(0, partitions)
            .mapToObj(p -> new PartitionInfo(p, 1, 0, List.of(1), List.of(1)))
            .toList());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  static void assertError(
      HttpResponse<String> response, int status, int errorCode, String... messageParts)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.get("error_code").intValue()).as(response.body()).isEqualTo(errorCode);
    assertThat(body.get("message").textValue()).contains(messageParts);
  }
}
