package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.ConsumerBodiesTest.refused;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.consumer.InstanceConfig.Format;
import sluice.actors.consumer.Rejection;

class ConsumerRecordsResponseTest {
  private static final ConsumedRecord RECORD =
      new ConsumedRecord(
          "orders",
          1,
          100,
          5,
          false,
          "k".getBytes(StandardCharsets.UTF_8),
          "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
          List.of());

  @Test
  void theContentTypeIsTheInstancesFormat() {
    assertThat(ConsumerRecordsResponse.contentType(Format.BINARY, Optional.empty()))
        .isEqualTo(Json.V2_BINARY);
    assertThat(ConsumerRecordsResponse.contentType(Format.JSON, Optional.of("*/*")))
        .isEqualTo(Json.V2_JSON);
    assertThat(
            ConsumerRecordsResponse.contentType(
                Format.JSON, Optional.of("application/vnd.kafka.json.v2+json; q=1")))
        .isEqualTo(Json.V2_JSON);
  }

  @Test
  void anAcceptOfTheOtherEmbeddedFormatIs40601() {
    RestException e =
        refused(
            () ->
                ConsumerRecordsResponse.contentType(
                    Format.BINARY, Optional.of("application/vnd.kafka.json.v2+json")));

    assertThat(e.status().intValue()).isEqualTo(406);
    assertThat(e.errorCode()).isEqualTo(40601);
    assertThat(e.getMessage()).contains("format binary");
  }

  @Test
  void recordsAreBase64InBinaryAndEmbeddedInJson() {
    assertThat(ConsumerRecordsResponse.body(List.of(RECORD), Format.BINARY).utf8String())
        .startsWith(
            "[{\"topic\":\"orders\",\"key\":\"aw==\",\"value\":\"eyJhIjoxfQ==\","
                + "\"partition\":1,\"offset\":100");
    RestException notJson =
        refused(() -> ConsumerRecordsResponse.body(List.of(RECORD), Format.JSON));
    assertThat(notJson.errorCode()).isEqualTo(40601);
    assertThat(notJson.getMessage()).contains("key of the record at offset 100");
  }

  @Test
  void errorsHaveTheRestProxyCodes() {
    assertThat(ConsumerErrors.instanceNotFound("g", "i").errorCode()).isEqualTo(40403);
    assertThat(ConsumerErrors.instanceNotFound("g", "i").status().intValue()).isEqualTo(404);
    assertThat(ConsumerErrors.alreadyExists("g", "i").errorCode()).isEqualTo(40902);
    assertThat(ConsumerErrors.alreadyExists("g", "i").status().intValue()).isEqualTo(409);
    RestException conflict =
        ConsumerErrors.fromRejection(
            new Rejection(Rejection.Kind.SUBSCRIPTION_CONFLICT, "mutually exclusive"));
    assertThat(conflict.errorCode()).isEqualTo(40903);
    assertThat(conflict.status().intValue()).isEqualTo(409);
    assertThat(conflict.getMessage()).isEqualTo("Illegal state: mutually exclusive");
  }
}
