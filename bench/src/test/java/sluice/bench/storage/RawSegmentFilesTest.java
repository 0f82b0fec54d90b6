package sluice.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawSegmentFilesTest {

  @TempDir Path dir;

  @Test
  void writesRollBeforeAFileWouldOverflowAndOnlyTheNewestFilesAreKept() throws IOException {
    try (RawSegmentFiles files = new RawSegmentFiles(dir, 25, 2)) {
      for (int i = 0; i < 7; i++) {
        files.write(ByteBuffer.wrap(new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
      }
    }

    List<Path> left;
    try (Stream<Path> s = Files.list(dir)) {
      left = s.sorted().toList();
    }
    assertThat(left).hasSize(2);
    assertThat(Files.size(left.get(0))).isEqualTo(20);
    assertThat(Files.readAllBytes(left.get(0))[0]).isEqualTo((byte) 4);
    assertThat(Files.size(left.get(1))).isEqualTo(10);
    assertThat(Files.readAllBytes(left.get(1))[0]).isEqualTo((byte) 6);
  }
}
