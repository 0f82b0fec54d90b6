package sluice.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerInstanceClientTest {

  private static final String ANSWER =
      """
      [{"topic":"t","key":null,"value":"AAAAAAAAAHs=","partition":3,"offset":17,\
      "timestamp":1,"headers":[{"key":"h","value":"dg=="}]},
       {"topic":"t","key":"a2V5","value":null,"partition":0,"offset":0}]""";

  @Test
  void aPollsRecordsGiveTheirPartitionOffsetAndDecodedValue() throws IOException {
    List<ConsumerInstanceClient.Record> records =
        ConsumerInstanceClient.parseRecords(ANSWER.getBytes(StandardCharsets.UTF_8), true);

    assertThat(records).hasSize(2);
    assertThat(records.get(0).partition()).isEqualTo(3);
    assertThat(records.get(0).offset()).isEqualTo(17);
    assertThat(records.get(0).value()).containsExactly(0, 0, 0, 0, 0, 0, 0, 123);
    assertThat(records.get(1).partition()).isZero();
    assertThat(records.get(1).value()).isNull();
  }

  @Test
  void valuesAreLeftUndecodedWhenNotAskedFor() throws IOException {
    List<ConsumerInstanceClient.Record> records =
        ConsumerInstanceClient.parseRecords(ANSWER.getBytes(StandardCharsets.UTF_8), false);

    assertThat(records).extracting(ConsumerInstanceClient.Record::value).containsOnlyNulls();
    assertThat(records).extracting(ConsumerInstanceClient.Record::offset).containsExactly(17L, 0L);
  }

  @Test
  void anAnswerThatIsNotAnArrayOfRecordsIsAnError() {
    byte[] error = "{\"error_code\":40403,\"message\":\"gone\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ConsumerInstanceClient.parseRecords(error, false))
        .hasMessageContaining("40403");
    byte[] noOffset = "[{\"partition\":1}]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ConsumerInstanceClient.parseRecords(noOffset, false))
        .hasMessageContaining("without partition or offset");
  }
}
