package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.journal.Logs.StoredLog;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;

class StrayLogsTest {
  private static final DeletedTopic GONE = new DeletedTopic("gone", "id-gone", 5L);

  private static List<String> strays(
      List<StoredLog> stored, Set<String> liveTopicIds, Set<String> inUse) {
    return StrayLogs.select(stored, Map.of("id-gone", GONE), liveTopicIds, inUse).stream()
        .map(stray -> stray.log().topicPartition())
        .toList();
  }

  @Test
  void onlyADirectoryRecordingADeletedTopicsIdIsStray() {
    List<StoredLog> stored =
        List.of(
            new StoredLog("gone-0", "id-gone"),
            new StoredLog("gone-1", "id-other"),
            new StoredLog("other-0", null));

    assertThat(strays(stored, Set.of(), Set.of())).containsExactly("gone-0");
    assertThat(StrayLogs.select(stored, Map.of("id-gone", GONE), Set.of(), Set.of()).get(0))
        .isEqualTo(new StrayLogs.Stray(new StoredLog("gone-0", "id-gone"), GONE));
  }

  @Test
  void aDeletedIdStillInTheMetadataAPartitionInUseOrAnInternalTopicIsNeverStray() {
    List<StoredLog> gone = List.of(new StoredLog("gone-0", "id-gone"));

    assertThat(strays(gone, Set.of("id-gone"), Set.of())).isEmpty();
    assertThat(strays(gone, Set.of(), Set.of("gone-0"))).isEmpty();
    assertThat(strays(List.of(new StoredLog("__gone-0", "id-gone")), Set.of(), Set.of())).isEmpty();
  }
}
