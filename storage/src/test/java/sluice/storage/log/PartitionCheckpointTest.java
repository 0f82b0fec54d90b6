package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionCheckpointTest {
  @TempDir Path dir;

  @Test
  void aWrittenCheckpointReadsBackAndLeavesNoTemporaryFile() throws IOException {
    var checkpoint = new PartitionCheckpoint(120, 17, Map.of(0L, 1L, 100L, 15L));
    checkpoint.write(dir);
    assertThat(PartitionCheckpoint.read(dir)).contains(checkpoint);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve(PartitionCheckpoint.FILE_NAME));
    }
  }

  @Test
  void aMissingCheckpointReadsAsEmpty() {
    assertThat(PartitionCheckpoint.read(dir)).isEmpty();
  }

  @Test
  void rewritingReplacesTheWholeFile() {
    new PartitionCheckpoint(1, 1, Map.of(0L, 1L, 5L, 3L)).write(dir);
    var second = new PartitionCheckpoint(9, 4, Map.of(5L, 3L));
    second.write(dir);
    assertThat(PartitionCheckpoint.read(dir)).contains(second);
  }

  @Test
  void aMalformedCheckpointIsRejectedNamingTheFile() throws IOException {
    Files.writeString(dir.resolve(PartitionCheckpoint.FILE_NAME), "0\n12 3\n2\n0 1\n");
    assertThatThrownBy(() -> PartitionCheckpoint.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(PartitionCheckpoint.FILE_NAME)
        .hasMessageContaining("declares 2 entries");
    Files.writeString(dir.resolve(PartitionCheckpoint.FILE_NAME), "0\nx 3\n0\n");
    assertThatThrownBy(() -> PartitionCheckpoint.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("Malformed checkpoint")
        .hasMessageContaining("'x 3'");
  }
}
