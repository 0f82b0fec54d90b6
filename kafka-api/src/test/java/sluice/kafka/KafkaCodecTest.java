package sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sluice.actors.api.AdminRequest.ClusterDescription;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.TopicDescription;
import sluice.actors.gateway.Gateway;

/**
 * Contract tests of the wire codec against kafka-clients 4.1.0 itself: every request its own
 * builders make, at every version we advertise, parses through {@link KafkaCodec#decode}; every
 * response we encode parses back with {@link AbstractResponse#parseResponse} at that version. A
 * kafka-clients upgrade that changes either side fails here, not in a client.
 */
class KafkaCodecTest {

  /** Every served API at every advertised version. */
  static Stream<Object[]> servedVersions() {
    List<Object[]> cases = new ArrayList<>();
    for (Map.Entry<ApiKeys, SupportedApis.Range> e : SupportedApis.all().entrySet()) {
      for (short v = e.getValue().min(); v <= e.getValue().max(); v++) {
        cases.add(new Object[] {e.getKey(), v});
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} v{1}")
  @MethodSource("servedVersions")
  void requestsBuiltByKafkaClientsParseThroughTheDecoder(ApiKeys key, short version) {
    AbstractRequest request = request(key, version);
    RequestHeader header = new RequestHeader(key, version, "contract-client", 42);

    KafkaCodec.Decoded decoded = KafkaCodec.decode(request.serializeWithHeader(header));

    assertThat(decoded).isInstanceOf(KafkaCodec.Request.class);
    KafkaCodec.Request parsed = (KafkaCodec.Request) decoded;
    assertThat(parsed.header().apiKey()).isEqualTo(key);
    assertThat(parsed.header().apiVersion()).isEqualTo(version);
    assertThat(parsed.header().correlationId()).isEqualTo(42);
    assertThat(parsed.header().clientId()).isEqualTo("contract-client");
    if (key == ApiKeys.API_VERSIONS && version < 3) {
      // Before v3 the client's software name and version are not on the wire.
      assertThat(parsed.body().data())
          .isEqualTo(new org.apache.kafka.common.message.ApiVersionsRequestData());
    } else if (key == ApiKeys.FETCH) {
      // Fields a version does not carry keep their builder values on one side only: compare the
      // ones every consumer fetch needs.
      FetchRequestData fetch = (FetchRequestData) parsed.body().data();
      assertThat(fetch.replicaId()).isEqualTo(-1);
      assertThat(fetch.maxWaitMs()).isEqualTo(500);
      assertThat(fetch.minBytes()).isEqualTo(1);
      assertThat(fetch.maxBytes()).isEqualTo(50 << 20);
      var topic = fetch.topics().get(0);
      if (version >= 13) {
        assertThat(topic.topicId()).isEqualTo(ORDERS_ID);
      } else {
        assertThat(topic.topic()).isEqualTo("orders");
      }
      assertThat(topic.partitions())
          .extracting(p -> p.partition() + "@" + p.fetchOffset() + "/" + p.partitionMaxBytes())
          .containsExactly("0@0/1048576", "1@9/1048576");
      assertThat(topic.partitions().get(0).currentLeaderEpoch()).isEqualTo(version >= 9 ? 4 : -1);
    } else {
      assertThat(parsed.body().data()).isEqualTo(request.data());
    }
  }

  @ParameterizedTest(name = "{0} v{1}")
  @MethodSource("servedVersions")
  void encodedResponsesParseBackWithKafkaClientsAtEveryAdvertisedVersion(
      ApiKeys key, short version) {
    RequestHeader header = new RequestHeader(key, version, "contract-client", 7);

    ByteString frame = KafkaCodec.encode(header, response(key, version));

    ByteBuffer buffer = frame.toByteBuffer();
    assertThat(buffer.getInt()).isEqualTo(buffer.remaining());
    AbstractResponse parsed = AbstractResponse.parseResponse(buffer, header);
    assertThat(buffer.hasRemaining()).as("bytes left after the response").isFalse();
    switch (key) {
      case API_VERSIONS -> {
        var versions = ((ApiVersionsResponse) parsed).data();
        assertThat(versions.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(versions.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion()).isEqualTo((short) 12);
      }
      case METADATA -> {
        MetadataResponse metadata = (MetadataResponse) parsed;
        assertThat(metadata.clusterId()).isEqualTo("cluster-1");
        assertThat(metadata.brokers()).hasSize(1);
        assertThat(metadata.brokers().iterator().next().port()).isEqualTo(9092);
        var topic = metadata.data().topics().find("orders");
        assertThat(topic.partitions().get(0).leaderId()).isEqualTo(1);
        assertThat(topic.partitions().get(0).isrNodes()).containsExactly(1);
        if (version >= 10) {
          assertThat(topic.topicId())
              .isEqualTo(MetadataAnswers.topicId("0b3f2a4e-9c1d-4e55-8f00-123456789abc"));
        }
        assertThat(metadata.data().topics().find("missing").errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      }
      case INIT_PRODUCER_ID -> {
        var init = ((InitProducerIdResponse) parsed).data();
        assertThat(init.producerId()).isEqualTo(4000L);
        assertThat(init.producerEpoch()).isEqualTo((short) 3);
      }
      case PRODUCE -> {
        var partition =
            ((ProduceResponse) parsed)
                .data()
                .responses()
                .iterator()
                .next()
                .partitionResponses()
                .get(0);
        assertThat(partition.baseOffset()).isEqualTo(17L);
        assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
      }
      case FETCH -> {
        FetchResponse fetch = (FetchResponse) parsed;
        assertThat(fetch.sessionId()).isZero();
        var topic = fetch.data().responses().get(0);
        if (version >= 13) {
          assertThat(topic.topicId()).isEqualTo(ORDERS_ID);
        } else {
          assertThat(topic.topic()).isEqualTo("orders");
        }
        var served = topic.partitions().get(0);
        assertThat(served.highWatermark()).isEqualTo(3L);
        assertThat(served.preferredReadReplica()).isEqualTo(-1);
        if (version >= 5) {
          assertThat(served.logStartOffset()).isZero();
        }
        List<String> values = new ArrayList<>();
        FetchResponse.recordsOrFail(served)
            .records()
            .forEach(r -> values.add(StandardCharsets.UTF_8.decode(r.value()).toString()));
        assertThat(values).containsExactly("a", "b", "c");
        var refused = topic.partitions().get(1);
        assertThat(refused.errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(refused.highWatermark()).isEqualTo(-1L);
      }
      case LIST_OFFSETS -> {
        var partitions = ((ListOffsetsResponse) parsed).data().topics().get(0).partitions();
        assertThat(partitions.get(0).offset()).isEqualTo(11L);
        assertThat(partitions.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(partitions.get(0).leaderEpoch()).isEqualTo(version >= 4 ? 6 : -1);
        assertThat(partitions.get(1).errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      }
      case OFFSET_FOR_LEADER_EPOCH -> {
        var partitions =
            ((OffsetsForLeaderEpochResponse) parsed).data().topics().find("orders").partitions();
        assertThat(partitions.get(0).leaderEpoch()).isEqualTo(3);
        assertThat(partitions.get(0).endOffset()).isEqualTo(120L);
        assertThat(partitions.get(1).errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
      }
      default -> throw new AssertionError("no case for " + key);
    }
  }

  @Test
  void anUnknownApiKeyIsRefused() {
    ByteBuffer frame = ByteBuffer.allocate(8).putShort((short) 9999).putShort((short) 0);
    frame.putInt(1).flip();

    assertThat(KafkaCodec.decode(frame))
        .isInstanceOfSatisfying(
            KafkaCodec.Refused.class, r -> assertThat(r.reason()).contains("unknown API key 9999"));
  }

  @Test
  void anApiSluiceDoesNotServeIsRefusedNamingIt() {
    ByteBuffer frame = ByteBuffer.allocate(8).putShort(ApiKeys.JOIN_GROUP.id).putShort((short) 9);
    frame.putInt(1).flip();

    assertThat(KafkaCodec.decode(frame))
        .isInstanceOfSatisfying(
            KafkaCodec.Refused.class, r -> assertThat(r.reason()).contains("JoinGroup"));
  }

  @Test
  void aProduceVersionBelowTheBaselineIsRefusedNamingTheServedRange() {
    AbstractRequest request = request(ApiKeys.PRODUCE, (short) 3);
    ByteBuffer frame =
        request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, (short) 3, "c", 1));
    frame.putShort(2, (short) 2);

    assertThat(KafkaCodec.decode(frame))
        .isInstanceOfSatisfying(
            KafkaCodec.Refused.class,
            r -> assertThat(r.reason()).contains("Produce v2 is not served (versions 3 to 12"));
  }

  @Test
  void anApiVersionsRequestOfAnUnknownVersionIsAnsweredNotRefused() {
    AbstractRequest request = request(ApiKeys.API_VERSIONS, (short) 4);
    ByteBuffer frame =
        request.serializeWithHeader(new RequestHeader(ApiKeys.API_VERSIONS, (short) 4, "c", 5));
    frame.putShort(2, (short) 99);

    assertThat(KafkaCodec.decode(frame))
        .isInstanceOfSatisfying(
            KafkaCodec.UnsupportedApiVersions.class,
            u -> assertThat(u.header().correlationId()).isEqualTo(5));
  }

  @Test
  void aTruncatedBodyIsRefused() {
    AbstractRequest request = request(ApiKeys.METADATA, (short) 12);
    ByteBuffer frame =
        request.serializeWithHeader(new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 5));
    frame.limit(frame.limit() - 3);

    assertThat(KafkaCodec.decode(frame))
        .isInstanceOfSatisfying(
            KafkaCodec.Refused.class,
            r -> assertThat(r.reason()).contains("malformed Metadata v12 body"));
  }

  private static AbstractRequest request(ApiKeys key, short version) {
    return switch (key) {
      case API_VERSIONS -> new ApiVersionsRequest.Builder().build(version);
      case METADATA ->
          new MetadataRequest.Builder(List.of("orders", "payments"), false, version, version)
              .build(version);
      case INIT_PRODUCER_ID ->
          new InitProducerIdRequest.Builder(
                  new InitProducerIdRequestData()
                      .setTransactionalId(null)
                      .setTransactionTimeoutMs(60000)
                      .setProducerId(version >= 3 ? 1000L : -1L)
                      .setProducerEpoch(version >= 3 ? (short) 2 : (short) -1))
              .build(version);
      case PRODUCE -> {
        var topics = new ProduceRequestData.TopicProduceDataCollection();
        var topic = new ProduceRequestData.TopicProduceData().setName("orders");
        topic
            .partitionData()
            .add(
                new ProduceRequestData.PartitionProduceData()
                    .setIndex(0)
                    .setRecords(
                        MemoryRecords.withIdempotentRecords(
                            Compression.NONE,
                            1000L,
                            (short) 2,
                            0,
                            new SimpleRecord(1L, "k".getBytes(), "v".getBytes()))));
        topics.add(topic);
        yield ProduceRequest.builder(
                new ProduceRequestData()
                    .setAcks((short) -1)
                    .setTimeoutMs(30000)
                    .setTopicData(topics))
            .build(version);
      }
      case FETCH -> fetchRequest(version);
      case LIST_OFFSETS -> {
        var topic = new ListOffsetsRequestData.ListOffsetsTopic().setName("orders");
        topic
            .partitions()
            .add(
                new ListOffsetsRequestData.ListOffsetsPartition()
                    .setPartitionIndex(0)
                    .setTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP)
                    .setCurrentLeaderEpoch(version >= 4 ? 6 : -1));
        yield ListOffsetsRequest.Builder.forConsumer(
                version >= 2,
                version >= 2 ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED)
            .setTargetTimes(List.of(topic))
            .build(version);
      }
      case OFFSET_FOR_LEADER_EPOCH -> {
        var topics = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        var topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("orders");
        topic
            .partitions()
            .add(
                new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                    .setPartition(0)
                    .setCurrentLeaderEpoch(5)
                    .setLeaderEpoch(3));
        topics.add(topic);
        // kafka-clients 4.1.0's builders start at v3 (what consumers send); v2, which Kafka 4.x
        // brokers still accept (KIP-896), is written by its request class directly.
        yield version >= 3
            ? OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build(version)
            : new OffsetsForLeaderEpochRequest(
                new OffsetForLeaderEpochRequestData()
                    .setReplicaId(OffsetsForLeaderEpochRequest.DEBUGGING_REPLICA_ID)
                    .setTopics(topics),
                version);
      }
      default -> throw new AssertionError("no request for " + key);
    };
  }

  private static ApiMessage response(ApiKeys key, short version) {
    return switch (key) {
      case API_VERSIONS -> SupportedApis.apiVersions(Errors.NONE);
      case METADATA ->
          MetadataAnswers.answer(
              new ClusterDescription(
                  "cluster-1", 1, List.of(new BrokerInfo(1, "127.0.0.1", 8080, "127.0.0.1", 9092))),
              List.of(
                  new MetadataAnswers.TopicAnswer(
                      "orders",
                      new TopicDescription(
                          "orders",
                          "0b3f2a4e-9c1d-4e55-8f00-123456789abc",
                          false,
                          1,
                          Map.of(),
                          List.of(new PartitionInfo(0, 1, 4, List.of(1), List.of(1)))),
                      null),
                  new MetadataAnswers.TopicAnswer(
                      "missing",
                      null,
                      sluice.actors.api.ApiError.of(
                          sluice.actors.api.ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                          "Topic 'missing' does not exist"))));
      case INIT_PRODUCER_ID ->
          new InitProducerIdResponseData().setProducerId(4000L).setProducerEpoch((short) 3);
      case PRODUCE -> {
        var data = new ProduceResponseData();
        var topic = new ProduceResponseData.TopicProduceResponse().setName("orders");
        topic
            .partitionResponses()
            .add(
                new ProduceResponseData.PartitionProduceResponse()
                    .setIndex(0)
                    .setBaseOffset(17L)
                    .setLogAppendTimeMs(-1L)
                    .setLogStartOffset(-1L));
        data.responses().add(topic);
        yield data;
      }
      case FETCH -> {
        FetchRequestData request = fetchRequest(version).data();
        byte[] batches = batch(0L, "a", "b", "c");
        yield FetchApi.response(
            request,
            List.of(
                new Gateway.FetchBatchesReply(batches, new PartitionOffsets(0L, 3L, 3L), null),
                Gateway.FetchBatchesReply.failed(
                    ApiError.of(ErrorCode.OFFSET_OUT_OF_RANGE, "Offset 9 is out of range"))),
            version >= 13);
      }
      case LIST_OFFSETS -> {
        var data = new ListOffsetsResponseData();
        var topic = new ListOffsetsResponseData.ListOffsetsTopicResponse().setName("orders");
        topic
            .partitions()
            .add(
                ListOffsetsApi.answered(
                    0, new ListOffsetsApi.Found(11L, 1_700_000_000_000L, 6), version));
        topic.partitions().add(ListOffsetsApi.failed(1, Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        data.topics().add(topic);
        yield data;
      }
      case OFFSET_FOR_LEADER_EPOCH -> {
        var data = new OffsetForLeaderEpochResponseData();
        var topic =
            new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic("orders");
        topic
            .partitions()
            .add(
                new OffsetForLeaderEpochResponseData.EpochEndOffset()
                    .setPartition(0)
                    .setLeaderEpoch(3)
                    .setEndOffset(120L));
        topic
            .partitions()
            .add(OffsetForLeaderEpochApi.failed(1, Errors.FENCED_LEADER_EPOCH.code()));
        data.topics().add(topic);
        yield data;
      }
      default -> throw new AssertionError("no response for " + key);
    };
  }

  static final Uuid ORDERS_ID = MetadataAnswers.topicId("0b3f2a4e-9c1d-4e55-8f00-123456789abc");

  /**
   * A consumer's fetch of orders-0 from offset 0 and orders-1 from offset 9, as 4.1.0 builds it.
   */
  private static FetchRequest fetchRequest(short version) {
    Map<TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
    partitions.put(
        new TopicPartition("orders", 0),
        new FetchRequest.PartitionData(ORDERS_ID, 0L, -1L, 1 << 20, Optional.of(4)));
    partitions.put(
        new TopicPartition("orders", 1),
        new FetchRequest.PartitionData(ORDERS_ID, 9L, -1L, 1 << 20, Optional.of(4)));
    return FetchRequest.Builder.forConsumer(version, 500, 1, partitions)
        .isolationLevel(IsolationLevel.READ_UNCOMMITTED)
        .setMaxBytes(50 << 20)
        .build(version);
  }

  /** One v2 batch of {@code values} from {@code baseOffset}, as a partition stores it. */
  static byte[] batch(long baseOffset, String... values) {
    SimpleRecord[] records = new SimpleRecord[values.length];
    for (int i = 0; i < values.length; i++) {
      records[i] = new SimpleRecord(1_700_000_000_000L + i, null, values[i].getBytes());
    }
    ByteBuffer buffer =
        MemoryRecords.withRecords(baseOffset, Compression.NONE, 6, records).buffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
