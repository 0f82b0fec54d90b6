package sluice.actors.api;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.serialization.SerializationExtension;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sluice.actors.controller.Controller;
import sluice.actors.gateway.Gateway;

/**
 * Every administration request, inside each actor's wrapper, and every reply survives the network's
 * Jackson CBOR round trip: the wrappers declare the request by its interface, so a request that
 * lost its type name would fail here rather than between brokers.
 */
class AdminRequestSerializationTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(
          ConfigFactory.parseString("akka.actor.provider = local\nakka.extensions = []")
              .withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutDown() {
    KIT.shutdownTestKit();
  }

  private static <T> ActorRef<T> ref() {
    return KIT.<T>createTestProbe().getRef();
  }

  private static List<AdminRequest<?>> requests() {
    return List.of(
        new AdminRequest.CreateTopic("orders", 3, 2, Map.of("cleanup.policy", "compact"), ref()),
        new AdminRequest.CreateTopic("plain", 1, null, null, ref()),
        new AdminRequest.DeleteTopic("orders", ref()),
        new AdminRequest.DescribeTopic("orders", ref()),
        new AdminRequest.CreatePartitions("orders", 6, ref()),
        new AdminRequest.ListTopics(ref()),
        new AdminRequest.DescribeCluster(ref()));
  }

  private static void roundTrips(Object message) {
    assertThat(
            SerializationExtension.get(KIT.system())
                .findSerializerFor(message)
                .getClass()
                .getSimpleName())
        .isEqualTo("JacksonCborSerializer");
    KIT.serializationTestKit().verifySerialization(message, true);
  }

  @Test
  void everyRequestRoundTripsInTheGatewaysAndTheControllersWrapper() {
    for (AdminRequest<?> request : requests()) {
      roundTrips(new Gateway.Admin(request));
      roundTrips(new Controller.Admin(request));
    }
    roundTrips(
        new Controller.CreateInternalTopic(
            new AdminRequest.CreateTopic("__consumer_offsets", 50, 3, Map.of(), ref())));
  }

  @Test
  void everyReplyRoundTrips() {
    var topic =
        new TopicDescription(
            "orders",
            "id-1",
            false,
            2,
            Map.of("cleanup.policy", "compact"),
            List.of(new PartitionInfo(0, 1, 4, List.of(1, 2), List.of(1))));
    roundTrips(new AdminRequest.TopicReply(topic, null));
    roundTrips(
        new AdminRequest.TopicReply(
            null, ApiError.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'x' does not exist")));
    roundTrips(new AdminRequest.TopicList(List.of(topic)));
    roundTrips(
        new AdminRequest.ClusterDescription(
            "cluster-1", 1, List.of(new BrokerInfo(1, "127.0.0.1", 8080))));
  }
}
