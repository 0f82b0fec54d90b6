package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.ConsumerBodiesTest.json;
import static sluice.http.ConsumerBodiesTest.refused;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sluice.actors.consumer.InstanceConfig;
import sluice.actors.consumer.InstanceConfig.Format;
import sluice.actors.consumer.InstanceConfig.OffsetReset;

class CreateConsumerRequestTest {
  private static final InstanceConfig BROKER =
      InstanceConfig.defaults().withMaxPollIntervalMs(7_000);

  @Test
  void everySettingIsReadAsTheRestProxyTakesIt() {
    CreateConsumerRequest r =
        CreateConsumerRequest.parse(
            json(
                "{\"name\": \"c-1\", \"format\": \"JSON\", \"auto.offset.reset\": \"earliest\","
                    + " \"auto.commit.enable\": \"false\", \"fetch.min.bytes\": \"512\","
                    + " \"consumer.request.timeout.ms\": 3000}"),
            BROKER);

    assertThat(r.name()).contains("c-1");
    assertThat(r.config())
        .isEqualTo(
            new InstanceConfig(
                Format.JSON,
                OffsetReset.EARLIEST,
                false,
                512,
                3000,
                7_000,
                InstanceConfig.DEFAULT_AUTO_COMMIT_INTERVAL_MS));
  }

  @Test
  void anEmptyBodyTakesTheDefaultsAndLeavesTheNameToTheRoute() {
    CreateConsumerRequest r = CreateConsumerRequest.parse(json("{}"), BROKER);

    assertThat(r.name()).isEmpty();
    assertThat(r.config()).isEqualTo(BROKER);
    assertThat(CreateConsumerRequest.parse(json("{\"id\": \"old\"}"), BROKER).name())
        .isEqualTo(Optional.of("old"));
    assertThat(
            CreateConsumerRequest.parse(json("{\"auto.commit.enable\": false}"), BROKER)
                .config()
                .autoCommitEnable())
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"format\": \"avro\"} | needs Schema Registry",
        "{\"format\": \"xml\"} | format must be binary or json, not the string 'xml'",
        "{\"format\": 1} | format must be binary or json",
        "{\"auto.offset.reset\": \"smallest\"} | auto.offset.reset must be earliest, latest or none",
        "{\"auto.commit.enable\": \"yes\"} | auto.commit.enable must be true or false",
        "{\"fetch.min.bytes\": -1} | fetch.min.bytes must be an integer from 0",
        "{\"fetch.min.bytes\": \"lots\"} | fetch.min.bytes must be an integer",
        "{\"consumer.request.timeout.ms\": 300001} | consumer.request.timeout.ms must be an integer"
            + " from 0 to 300000",
        "{\"name\": \"a/b\"} | name must be 1 to 255 characters",
        "{\"name\": \"\"} | name must be",
        "{\"name\": 5} | name must be"
      })
  void anInvalidSettingIs42204NamingIt(String body, String message) {
    RestException e = refused(() -> CreateConsumerRequest.parse(json(body), BROKER));

    assertThat(e.status().intValue()).isEqualTo(422);
    assertThat(e.errorCode()).isEqualTo(42204);
    assertThat(e.getMessage()).startsWith("Invalid consumer configuration: ").contains(message);
  }

  @Test
  void anUnknownFieldOrANonObjectIs400() {
    assertThat(
            refused(() -> CreateConsumerRequest.parse(json("{\"group\": 1}"), BROKER)).errorCode())
        .isEqualTo(400);
    assertThat(refused(() -> CreateConsumerRequest.parse(json("[]"), BROKER)).errorCode())
        .isEqualTo(400);
  }

  @Test
  void theResponseGivesTheInstanceIdAndItsBaseUri() {
    var created = CreateConsumerRequest.Created.of("http://h:8080", "my group", "c-1");

    assertThat(Json.bytes(created).utf8String())
        .isEqualTo(
            "{\"instance_id\":\"c-1\","
                + "\"base_uri\":\"http://h:8080/consumers/my%20group/instances/c-1\"}");
  }
}
