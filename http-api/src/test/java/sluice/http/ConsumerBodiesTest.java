package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sluice.actors.group.state.TopicPartition;

class ConsumerBodiesTest {
  private static final TopicPartition O0 = new TopicPartition("orders", 0);
  private static final TopicPartition O1 = new TopicPartition("orders", 1);

  static JsonNode json(String text) {
    return Json.parse(ByteString.fromString(text));
  }

  static RestException refused(ThrowingCallable call) {
    RestException e = catchThrowableOfType(call, RestException.class);
    assertThat(e).as("a RestException").isNotNull();
    return e;
  }

  @Test
  void aSubscriptionIsATopicListOrAPattern() {
    assertThat(ConsumerBodies.subscription(json("{\"topics\": [\"a\", \"b\", \"a\"]}")))
        .isEqualTo(new ConsumerBodies.Subscribe(List.of("a", "b"), null));
    assertThat(ConsumerBodies.subscription(json("{\"topic_pattern\": \"ord.*\"}")))
        .isEqualTo(new ConsumerBodies.Subscribe(null, "ord.*"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"topics\": [\"a\"], \"topic_pattern\": \"a\"} | 400 | not both",
        "{} | 400 | neither",
        "{\"topics\": []} | 400 | non-empty array",
        "{\"topics\": \"a\"} | 400 | non-empty array",
        "{\"topics\": [\"\"]} | 400 | topics[0] is empty",
        "{\"topics\": [1]} | 400 | topics[0] must be a string",
        "{\"topic\": [\"a\"]} | 400 | unknown field 'topic'",
        "{\"topic_pattern\": \"(\"} | 40002 | not a valid regex",
        "{\"topic_pattern\": \"\"} | 40002 | 1 to 1000",
        "[] | 400 | must be a JSON object"
      })
  void aBadSubscriptionIsRefusedNamingTheField(String body, int code, String message) {
    RestException e = refused(() -> ConsumerBodies.subscription(json(body)));
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(e.status().intValue()).isEqualTo(400);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void aTooLongPatternIsRefused() {
    String body = "{\"topic_pattern\": \"" + "a".repeat(1001) + "\"}";
    assertThat(refused(() -> ConsumerBodies.subscription(json(body))).errorCode()).isEqualTo(40002);
  }

  @Test
  void partitionListsAreReadInOrderAndMayBeEmpty() {
    assertThat(
            ConsumerBodies.partitions(
                json(
                    "{\"partitions\": [{\"topic\": \"orders\", \"partition\": 1},"
                        + " {\"topic\": \"orders\", \"partition\": 0}]}")))
        .containsExactly(O1, O0);
    assertThat(ConsumerBodies.partitions(json("{\"partitions\": []}"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"partitions\": {}} | partitions must be an array",
        "{} | partitions must be an array",
        "{\"partitions\": [{\"topic\": \"a\"}]} | partitions[0].partition must be an integer",
        "{\"partitions\": [{\"topic\": \"a\", \"partition\": -1}]} | from 0",
        "{\"partitions\": [{\"partition\": 0}]} | partitions[0].topic must be a string",
        "{\"partitions\": [{\"topic\": \"\", \"partition\": 0}]} | partitions[0].topic is empty",
        "{\"partitions\": [1]} | partitions[0] must be a JSON object",
        "{\"partitions\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": 1}]} | unknown field",
        "{\"partitions\": [{\"topic\": \"a\", \"partition\": 0}, {\"topic\": \"a\", \"partition\": 0}]}"
            + " | partitions[1] names a partition given before",
        "{\"partitions\": [], \"x\": 1} | unknown field 'x'"
      })
  void aBadPartitionListIsRefusedNamingTheField(String body, String message) {
    RestException e = refused(() -> ConsumerBodies.partitions(json(body)));
    assertThat(e.errorCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void positionsAreTheNextOffsetsToFetch() {
    assertThat(
            ConsumerBodies.positions(
                json("{\"offsets\": [{\"topic\": \"orders\", \"partition\": 0, \"offset\": 7}]}")))
        .isEqualTo(Map.of(O0, 7L));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": -1}]} | offset must be a"
            + " non-negative integer, not the number -1",
        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0}]} | offsets[0].offset must be",
        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": \"1\"}]} | offset must be",
        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": 1.5}]} | offset must be",
        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": 1, \"metadata\": \"m\"}]}"
            + " | unknown field 'metadata'",
        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": 1},"
            + " {\"topic\": \"a\", \"partition\": 0, \"offset\": 2}]} | given before",
        "{\"timestamps\": []} | unknown field 'timestamps'"
      })
  void badPositionsAreRefused(String body, String message) {
    RestException e = refused(() -> ConsumerBodies.positions(json(body)));
    assertThat(e.errorCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void aCommitBodyCarriesTheLastConsumedOffsetsAndMetadataAndAnEmptyBodyIsNull() {
    assertThat(ConsumerBodies.commit(null)).isNull();
    assertThat(ConsumerBodies.commit(json("null"))).isNull();
    assertThat(
            ConsumerBodies.commit(
                json(
                    "{\"offsets\": [{\"topic\": \"orders\", \"partition\": 1, \"offset\": 41,"
                        + " \"metadata\": \"m\"}, {\"topic\": \"orders\", \"partition\": 0,"
                        + " \"offset\": 0}]}")))
        .containsExactly(
            new ConsumerBodies.PartitionOffset("orders", 1, 41, "m"),
            new ConsumerBodies.PartitionOffset("orders", 0, 0, ""));
    RestException e =
        refused(
            () ->
                ConsumerBodies.commit(
                    json(
                        "{\"offsets\": [{\"topic\": \"a\", \"partition\": 0, \"offset\": 1,"
                            + " \"metadata\": 5}]}")));
    assertThat(e.getMessage()).contains("offsets[0].metadata must be a string");
  }

  @Test
  void answersAreWrittenAsTheRestProxyWritesThem() {
    assertThat(Json.bytes(new ConsumerBodies.SubscriptionBody(List.of("a", "b"))).utf8String())
        .isEqualTo("{\"topics\":[\"a\",\"b\"]}");
    assertThat(Json.bytes(ConsumerBodies.AssignmentsBody.of(List.of(O0, O1))).utf8String())
        .isEqualTo(
            "{\"partitions\":[{\"topic\":\"orders\",\"partition\":0},"
                + "{\"topic\":\"orders\",\"partition\":1}]}");
    assertThat(
            Json.bytes(
                    new ConsumerBodies.OffsetsBody(
                        List.of(new ConsumerBodies.PartitionOffset("orders", 0, 42, ""))))
                .utf8String())
        .isEqualTo(
            "{\"offsets\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":42,\"metadata\":\"\"}]}");
  }
}
