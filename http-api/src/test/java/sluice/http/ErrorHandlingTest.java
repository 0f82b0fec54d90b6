package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

class ErrorHandlingTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  @Test
  void anUnknownEndpointIsAJson404NamingIt() throws Exception {
    assertError(await(harness.get("/v4/whatever")), 404, 404, "GET /v4/whatever");
    assertError(
        await(harness.get("/topics/orders/partitions/0/nothing")),
        404,
        404,
        "/topics/orders/partitions/0/nothing");
    harness.assertNothingMoreSent();
  }

  @Test
  void aWrongMethodIsAJson405() throws Exception {
    assertError(
        await(harness.send("PUT", "/v3/clusters", "application/json", "{}")), 405, 405, "GET");
    assertError(await(harness.send("DELETE", "/topics", null, null)), 405, 405, "GET");
    harness.assertNothingMoreSent();
  }

  @Test
  void brokerErrorCodesMapToRestProxyCodesAndStatuses() {
    assertMapping(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, false, 404, 40401);
    assertMapping(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, true, 404, 40403);
    assertMapping(ErrorCode.OFFSET_OUT_OF_RANGE, true, 416, 416);
    assertMapping(ErrorCode.REQUEST_TIMED_OUT, true, 408, 408);
    assertMapping(ErrorCode.MESSAGE_TOO_LARGE, true, 413, 413);
    assertMapping(ErrorCode.RECORD_LIST_TOO_LARGE, true, 413, 413);
    assertMapping(ErrorCode.INVALID_CONFIG, false, 400, 40002);
    assertMapping(ErrorCode.INVALID_PARTITIONS, false, 400, 40002);
    assertMapping(ErrorCode.INVALID_REPLICATION_FACTOR, false, 400, 40002);
    assertMapping(ErrorCode.TOPIC_ALREADY_EXISTS, false, 400, 40002);
    assertMapping(ErrorCode.INVALID_TIMESTAMP, true, 400, 40002);
    assertMapping(ErrorCode.NOT_LEADER_OR_FOLLOWER, true, 503, 50003);
    assertMapping(ErrorCode.LEADER_NOT_AVAILABLE, true, 503, 50003);
    assertMapping(ErrorCode.NOT_ENOUGH_REPLICAS, true, 503, 50003);
    assertMapping(ErrorCode.KAFKA_STORAGE_ERROR, true, 503, 50003);
    assertMapping(ErrorCode.UNKNOWN_SERVER_ERROR, true, 500, 50002);
  }

  private static void assertMapping(ErrorCode code, boolean partitionLevel, int status, int rest) {
    RestException e = RestException.fromApiError(new ApiError(code, "why " + code), partitionLevel);
    assertThat(e.status().intValue()).as(code.name()).isEqualTo(status);
    assertThat(e.errorCode()).as(code.name()).isEqualTo(rest);
    assertThat(e.getMessage()).isEqualTo("why " + code);
    assertThat(e.retriable()).as(code.name()).isEqualTo(status == 408 || status == 503);
  }
}
