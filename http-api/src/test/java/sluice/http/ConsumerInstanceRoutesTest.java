package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.ApiError;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.consumer.InstanceCommand;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.Kind;
import sluice.actors.consumer.InstanceCommand.PartitionOffset;
import sluice.actors.consumer.InstanceConfig;
import sluice.actors.consumer.InstanceConfig.Format;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.group.state.TopicPartition;

/** The v2 consumer instance routes against a stand-in instance ({@link RouteHarness#instances}). */
class ConsumerInstanceRoutesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  static final String V2 = "application/vnd.kafka.v2+json";
  static final String INSTANCE = "/consumers/my-group/instances/c1";

  static final InstanceConfig BINARY_CONFIG = InstanceConfig.defaults();
  static final InstanceConfig JSON_CONFIG =
      new InstanceConfig(Format.JSON, OffsetReset.EARLIEST, true, 0, 1_000, 300_000, 5_000);

  static CompletableFuture<HttpResponse<String>> post(String path, String body) {
    return harness.send("POST", path, V2, body);
  }

  static <T extends InstanceCommand> T expect(Class<T> type) throws InterruptedException {
    return harness.expectInstance("my-group", "c1", type);
  }

  static Failure failure(Kind kind, String message) {
    return Failure.of(kind, message);
  }

  static ConsumedRecord record(String topic, int partition, long offset, String value) {
    return new ConsumedRecord(
        topic,
        partition,
        offset,
        1_000 + offset,
        false,
        null,
        value.getBytes(StandardCharsets.UTF_8),
        List.of());
  }

  // ---- create and delete ----------------------------------------------------------------------

  @Test
  void createSendsTheSettingsAndAnswersTheInstanceIdAndItsBaseUri() throws Exception {
    var response =
        post(
            "/consumers/my-group",
            "{\"name\": \"c1\", \"format\": \"json\", \"auto.offset.reset\": \"earliest\","
                + " \"auto.commit.enable\": \"false\"}");
    InstanceCommand.Create create = expect(InstanceCommand.Create.class);
    assertThat(create.config().format()).isEqualTo(Format.JSON);
    assertThat(create.config().autoOffsetReset()).isEqualTo(OffsetReset.EARLIEST);
    assertThat(create.config().autoCommitEnable()).isFalse();
    create.replyTo().tell(Done.OK);

    var answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue(V2);
    assertThat(json(answer).get("instance_id").textValue()).isEqualTo("c1");
    assertThat(json(answer).get("base_uri").textValue())
        .isEqualTo(harness.base + "/consumers/my-group/instances/c1");
  }

  @Test
  void createWithAnEmptyBodyTakesTheDefaultsAndAGeneratedName() throws Exception {
    var response = harness.send("POST", "/consumers/my-group", null, null);
    InstanceCommand.Create create =
        harness.instances.expectMessageClass(InstanceCommand.Create.class);
    String asked = harness.instanceAsked();
    assertThat(asked).matches("my-group/rest-consumer-[0-9a-f-]{36}");
    assertThat(create.config()).isEqualTo(InstanceConfig.defaults());
    create.replyTo().tell(Done.OK);

    JsonNode body = json(await(response));
    assertThat(body.get("instance_id").textValue())
        .isEqualTo(asked.substring("my-group/".length()));
    assertThat(body.get("base_uri").textValue())
        .endsWith("/instances/" + body.get("instance_id").textValue());
  }

  @Test
  void createRefusesAnInstanceThatExistsAndInvalidSettings() throws Exception {
    var exists = post("/consumers/my-group", "{\"name\": \"c1\"}");
    expect(InstanceCommand.Create.class)
        .replyTo()
        .tell(new Done(failure(Kind.ALREADY_EXISTS, "c1 exists")));
    assertError(await(exists), 409, 40902, "'c1'", "'my-group'");

    var refused = post("/consumers/my-group", "{\"name\": \"c1\"}");
    expect(InstanceCommand.Create.class)
        .replyTo()
        .tell(new Done(failure(Kind.INVALID, "fetch.min.bytes is too large")));
    assertError(await(refused), 422, 42204, "fetch.min.bytes is too large");

    assertError(await(post("/consumers/my-group", "{\"format\": \"avro\"}")), 422, 42204, "avro");
    assertError(
        await(post("/consumers/my-group", "{\"name\": \"a/b\"}")), 422, 42204, "name", "'a/b'");
    assertError(await(post("/consumers/my-group", "{\"group\": 1}")), 400, 400, "'group'");
    assertError(await(post("/consumers/my-group", "{\"name\": ")), 400, 400, "Malformed JSON");
    assertError(
        await(harness.send("POST", "/consumers/my-group", "text/plain", "{}")),
        415,
        415,
        "text/plain");
    harness.assertNothingMoreSentToInstances();
  }

  @Test
  void deleteAnswers204AndAnUnknownInstance404() throws Exception {
    var deleted = harness.send("DELETE", INSTANCE, null, null);
    expect(InstanceCommand.Delete.class).replyTo().tell(Done.OK);
    var answer = await(deleted);
    assertThat(answer.statusCode()).isEqualTo(204);
    assertThat(answer.body()).isEmpty();

    var unknown = harness.send("DELETE", INSTANCE, null, null);
    expect(InstanceCommand.Delete.class)
        .replyTo()
        .tell(new Done(failure(Kind.UNKNOWN_INSTANCE, "no c1")));
    assertError(await(unknown), 404, 40403, "'c1'", "'my-group'");
  }

  // ---- subscription and assignments -----------------------------------------------------------

  @Test
  void aSubscriptionIsSetReadAndDropped() throws Exception {
    var byTopics = post(INSTANCE + "/subscription", "{\"topics\": [\"a\", \"b\", \"a\"]}");
    InstanceCommand.Subscribe subscribe = expect(InstanceCommand.Subscribe.class);
    assertThat(subscribe.topics()).containsExactly("a", "b");
    assertThat(subscribe.topicPattern()).isNull();
    subscribe.replyTo().tell(Done.OK);
    assertThat(await(byTopics).statusCode()).isEqualTo(204);

    var byPattern = post(INSTANCE + "/subscription", "{\"topic_pattern\": \"orders-.*\"}");
    InstanceCommand.Subscribe pattern = expect(InstanceCommand.Subscribe.class);
    assertThat(pattern.topics()).isNull();
    assertThat(pattern.topicPattern()).isEqualTo("orders-.*");
    pattern.replyTo().tell(Done.OK);
    assertThat(await(byPattern).statusCode()).isEqualTo(204);

    var read = harness.get(INSTANCE + "/subscription");
    expect(InstanceCommand.GetSubscription.class)
        .replyTo()
        .tell(new InstanceCommand.TopicsAnswer(List.of("orders-1", "orders-2"), null));
    var answer = await(read);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue(V2);
    assertThat(answer.body()).isEqualTo("{\"topics\":[\"orders-1\",\"orders-2\"]}");

    var dropped = harness.send("DELETE", INSTANCE + "/subscription", null, null);
    expect(InstanceCommand.Unsubscribe.class).replyTo().tell(Done.OK);
    assertThat(await(dropped).statusCode()).isEqualTo(204);
  }

  @Test
  void mixingSubscriptionKindsIsAnIllegalState() throws Exception {
    var response = post(INSTANCE + "/subscription", "{\"topics\": [\"a\"]}");
    expect(InstanceCommand.Subscribe.class)
        .replyTo()
        .tell(new Done(failure(Kind.ILLEGAL_STATE, "partitions are assigned by hand")));
    assertError(await(response), 409, 40903, "partitions are assigned by hand");
  }

  @Test
  void badSubscriptionBodiesAreRefusedBeforeTheInstanceIsAsked() throws Exception {
    assertError(
        await(post(INSTANCE + "/subscription", "{\"topics\": [\"a\"], \"topic_pattern\": \"b\"}")),
        400,
        400,
        "not both");
    assertError(await(post(INSTANCE + "/subscription", "{\"topics\": []}")), 400, 400, "topics");
    assertError(
        await(post(INSTANCE + "/subscription", "{\"topic_pattern\": \"(\"}")),
        400,
        40002,
        "topic_pattern");
    assertError(await(post(INSTANCE + "/subscription", "")), 400, 400, "empty");
    harness.assertNothingMoreSentToInstances();
  }

  @Test
  void partitionsAreAssignedByHandAndListed() throws Exception {
    var assign =
        post(
            INSTANCE + "/assignments",
            "{\"partitions\": [{\"topic\": \"t\", \"partition\": 0}, {\"topic\": \"t\", \"partition\": 2}]}");
    InstanceCommand.Assign assigned = expect(InstanceCommand.Assign.class);
    assertThat(assigned.partitions())
        .containsExactly(new TopicPartition("t", 0), new TopicPartition("t", 2));
    assigned.replyTo().tell(Done.OK);
    assertThat(await(assign).statusCode()).isEqualTo(204);

    var list = harness.get(INSTANCE + "/assignments");
    expect(InstanceCommand.GetAssignment.class)
        .replyTo()
        .tell(new InstanceCommand.PartitionsAnswer(List.of(new TopicPartition("t", 2)), null));
    assertThat(await(list).body())
        .isEqualTo("{\"partitions\":[{\"topic\":\"t\",\"partition\":2}]}");

    assertError(
        await(post(INSTANCE + "/assignments", "{\"partitions\": [{\"topic\": \"t\"}]}")),
        400,
        400,
        "partitions[0].partition");
    harness.assertNothingMoreSentToInstances();
  }

  // ---- positions ------------------------------------------------------------------------------

  @Test
  void positionsAreSoughtAsGivenAndToEitherEnd() throws Exception {
    var seek =
        post(
            INSTANCE + "/positions",
            "{\"offsets\": [{\"topic\": \"t\", \"partition\": 1, \"offset\": 42}]}");
    InstanceCommand.Seek sought = expect(InstanceCommand.Seek.class);
    assertThat(sought.offsets()).hasSize(1);
    assertThat(sought.offsets().get(0).partition()).isEqualTo(new TopicPartition("t", 1));
    assertThat(sought.offsets().get(0).offset())
        .as("the next offset to fetch, as given")
        .isEqualTo(42);
    sought.replyTo().tell(Done.OK);
    assertThat(await(seek).statusCode()).isEqualTo(204);

    for (boolean beginning : new boolean[] {true, false}) {
      var toEnd =
          post(
              INSTANCE + "/positions/" + (beginning ? "beginning" : "end"),
              "{\"partitions\": [{\"topic\": \"t\", \"partition\": 1}]}");
      InstanceCommand.SeekTo seekTo = expect(InstanceCommand.SeekTo.class);
      assertThat(seekTo.beginning()).isEqualTo(beginning);
      assertThat(seekTo.partitions()).containsExactly(new TopicPartition("t", 1));
      seekTo.replyTo().tell(Done.OK);
      assertThat(await(toEnd).statusCode()).isEqualTo(204);
    }

    var notAssigned =
        post(
            INSTANCE + "/positions",
            "{\"offsets\": [{\"topic\": \"t\", \"partition\": 9, \"offset\": 0}]}");
    expect(InstanceCommand.Seek.class)
        .replyTo()
        .tell(new Done(failure(Kind.ILLEGAL_STATE, "t-9 is not assigned")));
    assertError(await(notAssigned), 409, 40903, "t-9 is not assigned");

    var invalid =
        post(
            INSTANCE + "/positions",
            "{\"offsets\": [{\"topic\": \"t\", \"partition\": 1, \"offset\": 99}]}");
    expect(InstanceCommand.Seek.class)
        .replyTo()
        .tell(new Done(failure(Kind.INVALID, "offset 99 is past the log end")));
    assertError(await(invalid), 400, 40002, "offset 99");

    assertError(
        await(
            post(
                INSTANCE + "/positions",
                "{\"offsets\": [{\"topic\": \"t\", \"partition\": 1, \"offset\": -1}]}")),
        400,
        400,
        "offset");
    harness.assertNothingMoreSentToInstances();
  }

  // ---- offsets --------------------------------------------------------------------------------

  @Test
  void aPostedOffsetIsPassedAsTheLastConsumedForTheInstanceToAddOne() throws Exception {
    var commit =
        post(
            INSTANCE + "/offsets",
            "{\"offsets\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 7, \"metadata\": \"m\"}]}");
    InstanceCommand.Commit committed = expect(InstanceCommand.Commit.class);
    assertThat(committed.lastConsumed())
        .containsExactly(new PartitionOffset(new TopicPartition("t", 0), 7, "m"));
    committed.replyTo().tell(Done.OK);
    var answer = await(commit);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEmpty();
  }

  @Test
  void aCommitWithNoBodyCommitsEverythingFetched() throws Exception {
    var commit = harness.send("POST", INSTANCE + "/offsets", null, null);
    InstanceCommand.Commit committed = expect(InstanceCommand.Commit.class);
    assertThat(committed.lastConsumed()).isNull();
    committed.replyTo().tell(Done.OK);
    assertThat(await(commit).statusCode()).isEqualTo(200);
  }

  @Test
  void aRefusedCommitIsAnIllegalState() throws Exception {
    var commit = harness.send("POST", INSTANCE + "/offsets", null, null);
    expect(InstanceCommand.Commit.class)
        .replyTo()
        .tell(new Done(failure(Kind.COMMIT_REFUSED, "t-0 now belongs to another member")));
    assertError(await(commit), 409, 40903, "Commit refused", "another member");
  }

  @Test
  void committedOffsetsAreReadForThePartitionsAskedFor() throws Exception {
    var read =
        harness.send(
            "GET",
            INSTANCE + "/offsets",
            V2,
            "{\"partitions\": [{\"topic\": \"t\", \"partition\": 0}, {\"topic\": \"t\", \"partition\": 1}]}");
    InstanceCommand.GetCommitted get = expect(InstanceCommand.GetCommitted.class);
    assertThat(get.partitions())
        .containsExactly(new TopicPartition("t", 0), new TopicPartition("t", 1));
    get.replyTo()
        .tell(
            new InstanceCommand.CommittedAnswer(
                List.of(new PartitionOffset(new TopicPartition("t", 0), 8, "m")), null));
    var answer = await(read);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue(V2);
    assertThat(answer.body())
        .isEqualTo(
            "{\"offsets\":[{\"topic\":\"t\",\"partition\":0,\"offset\":8,\"metadata\":\"m\"}]}");

    assertError(await(harness.send("GET", INSTANCE + "/offsets", null, null)), 400, 400, "empty");
    harness.assertNothingMoreSentToInstances();
  }

  // ---- records --------------------------------------------------------------------------------

  private InstanceCommand.Poll answerConfigThenExpectPoll(InstanceConfig config)
      throws InterruptedException {
    expect(InstanceCommand.GetConfig.class)
        .replyTo()
        .tell(new InstanceCommand.ConfigAnswer(config, null));
    return expect(InstanceCommand.Poll.class);
  }

  @Test
  void recordsOfABinaryInstanceAreBase64() throws Exception {
    var response = harness.get(INSTANCE + "/records?max_bytes=5000");
    InstanceCommand.Poll poll = answerConfigThenExpectPoll(BINARY_CONFIG);
    assertThat(poll.maxBytes()).isEqualTo(5000);
    assertThat(poll.timeoutMs())
        .as("without ?timeout, the instance's consumer.request.timeout.ms")
        .isEqualTo(1_000);
    poll.replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(record("a", 0, 3, "x"), record("b", 1, 9, "y")), null));
    var answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.binary.v2+json");
    JsonNode records = json(answer);
    assertThat(records.size()).isEqualTo(2);
    assertThat(records.get(0).get("topic").textValue()).isEqualTo("a");
    assertThat(records.get(0).get("offset").longValue()).isEqualTo(3);
    assertThat(records.get(0).get("value").textValue()).isEqualTo("eA==");
    assertThat(records.get(1).get("partition").intValue()).isEqualTo(1);
  }

  @Test
  void recordsOfAJsonInstanceAreEmbeddedJsonAndTheTimeoutIsTheSmallerWait() throws Exception {
    var response =
        harness.get(
            INSTANCE + "/records?timeout=300", "Accept", "application/vnd.kafka.json.v2+json");
    InstanceCommand.Poll poll = answerConfigThenExpectPoll(JSON_CONFIG);
    assertThat(poll.timeoutMs()).isEqualTo(300);
    assertThat(poll.maxBytes()).isEqualTo(harness.settings.consumeMaxBytes());
    poll.replyTo()
        .tell(new InstanceCommand.RecordsAnswer(List.of(record("a", 0, 3, "{\"n\": 1}")), null));
    var answer = await(response);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.json.v2+json");
    assertThat(json(answer).get(0).get("value").get("n").intValue()).isEqualTo(1);

    var longer = harness.get(INSTANCE + "/records?timeout=4000");
    InstanceCommand.Poll capped = answerConfigThenExpectPoll(JSON_CONFIG);
    assertThat(capped.timeoutMs()).as("capped by consumer.request.timeout.ms").isEqualTo(1_000);
    capped.replyTo().tell(new InstanceCommand.RecordsAnswer(List.of(), null));
    assertThat(await(longer).body()).isEqualTo("[]");
  }

  @Test
  void anAcceptOfTheOtherFormatIsRefusedBeforeAnyRecordIsConsumed() throws Exception {
    var response =
        harness.get(INSTANCE + "/records", "Accept", "application/vnd.kafka.json.v2+json");
    expect(InstanceCommand.GetConfig.class)
        .replyTo()
        .tell(new InstanceCommand.ConfigAnswer(BINARY_CONFIG, null));
    assertError(await(response), 406, 40601, "binary", "application/vnd.kafka.json.v2+json");
    harness.assertNothingMoreSentToInstances();
  }

  @Test
  void aRecordThatIsNotJsonCannotBeSentToAJsonInstance() throws Exception {
    var response = harness.get(INSTANCE + "/records");
    answerConfigThenExpectPoll(JSON_CONFIG)
        .replyTo()
        .tell(new InstanceCommand.RecordsAnswer(List.of(record("a", 0, 5, "plain")), null));
    assertError(await(response), 406, 40601, "offset 5", "a-0");
  }

  @Test
  void aPollWithNoOffsetIsAnIllegalStateAndBrokerErrorsAreMappedAsElsewhere() throws Exception {
    var noOffset = harness.get(INSTANCE + "/records");
    answerConfigThenExpectPoll(BINARY_CONFIG)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(), failure(Kind.NO_OFFSET, "t-0 has no committed offset")));
    assertError(await(noOffset), 409, 40903, "t-0 has no committed offset");

    var retriable = harness.get(INSTANCE + "/records");
    answerConfigThenExpectPoll(BINARY_CONFIG)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(),
                Failure.broker(
                    new ApiError(ErrorCode.COORDINATOR_NOT_AVAILABLE, "coordinator moving"))));
    assertError(await(retriable), 503, 50003, "coordinator moving");

    var unknownTopic = harness.get(INSTANCE + "/subscription");
    expect(InstanceCommand.GetSubscription.class)
        .replyTo()
        .tell(
            new InstanceCommand.TopicsAnswer(
                null,
                Failure.broker(new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no topic x"))));
    assertError(await(unknownTopic), 404, 40401, "no topic x");

    var unknown = harness.get(INSTANCE + "/records");
    expect(InstanceCommand.GetConfig.class)
        .replyTo()
        .tell(new InstanceCommand.ConfigAnswer(null, failure(Kind.UNKNOWN_INSTANCE, "gone")));
    assertError(await(unknown), 404, 40403, "'c1'");
    harness.assertNothingMoreSentToInstances();
  }

  @Test
  void badRecordsParametersAreRefusedBeforeTheInstanceIsAsked() throws Exception {
    assertError(await(harness.get(INSTANCE + "/records?timeout=-1")), 400, 400, "timeout");
    assertError(await(harness.get(INSTANCE + "/records?timeout=60000")), 400, 400, "timeout");
    assertError(await(harness.get(INSTANCE + "/records?max_bytes=0")), 400, 400, "max_bytes");
    harness.assertNothingMoreSentToInstances();
  }

  @Test
  void anInstanceThatDoesNotAnswerIs503() throws Exception {
    try (RouteHarness quick = harness.another("sluice.http.request-timeout = 1s")) {
      var response = quick.send("DELETE", INSTANCE, null, null);
      quick.instances.expectMessageClass(InstanceCommand.Delete.class);
      assertError(await(response), 503, 50302, "Delete", "'c1'");
    }
  }

  @Test
  void wrongMethodsAre405() throws Exception {
    assertError(
        await(harness.send("PUT", INSTANCE + "/offsets", V2, "{}")), 405, 405, "POST", "GET");
    assertError(await(harness.get("/consumers/my-group")), 405, 405, "POST");
    harness.assertNothingMoreSentToInstances();
  }
}
