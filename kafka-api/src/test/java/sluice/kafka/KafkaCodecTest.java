package sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
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
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sluice.actors.api.AdminRequest.ClusterDescription;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;

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
    ByteBuffer frame = ByteBuffer.allocate(8).putShort(ApiKeys.FETCH.id).putShort((short) 12);
    frame.putInt(1).flip();

    assertThat(KafkaCodec.decode(frame))
        .isInstanceOfSatisfying(
            KafkaCodec.Refused.class, r -> assertThat(r.reason()).contains("Fetch"));
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
      default -> throw new AssertionError("no response for " + key);
    };
  }
}
