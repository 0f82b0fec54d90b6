package sluice.actors.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.SerializationExtension;
import akka.serialization.SerializerWithStringManifest;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A broker registration crosses brokers of different versions during a rolling upgrade: one written
 * before the Kafka listener's fields existed must still read, as a broker without one.
 */
class BrokerRegistrationTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aRegistrationWrittenBeforeTheKafkaPortExistedReadsAsABrokerWithoutOne() throws Exception {
    var current = new BrokerRegistration(3, "10.0.0.3", 8082, "akka://sluice@10.0.0.3:25522");
    var serializer =
        (SerializerWithStringManifest)
            SerializationExtension.get(KIT.system()).findSerializerFor(current);
    byte[] old =
        JacksonObjectMapperProvider.get(KIT.system())
            .getOrCreate("jackson-cbor", Optional.empty())
            .writeValueAsBytes(
                Map.of(
                    "brokerId",
                    3,
                    "host",
                    "10.0.0.3",
                    "httpPort",
                    8082,
                    "address",
                    "akka://sluice@10.0.0.3:25522",
                    "offlineDirs",
                    List.of()));

    var read = (BrokerRegistration) serializer.fromBinary(old, serializer.manifest(current));

    assertThat(read).isEqualTo(current);
    assertThat(read.kafkaHost()).isNull();
    assertThat(read.kafkaPort()).isZero();
    assertThat(read.info().servesKafka()).isFalse();
  }

  @Test
  void aRegistrationWithAKafkaListenerCarriesItIntoBrokerInfo() {
    var registration =
        new BrokerRegistration(1, "h", 8080, "akka://sluice@h:25520", List.of(), "h", 9092);

    assertThat(registration.info().servesKafka()).isTrue();
    assertThat(registration.info().kafkaPort()).isEqualTo(9092);
    KIT.serializationTestKit().verifySerialization(registration, true);
  }

  @Test
  void aKafkaPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> new BrokerRegistration(1, "h", 8080, "a", List.of(), "h", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
  }
}
