package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.log.CheckpointFile.Contents;
import sluice.storage.log.CheckpointFile.LineFormat;

/** The generic checkpoint file: its layout, atomic replacement, and what it refuses to read. */
class CheckpointFileTest {
  @TempDir Path dir;

  static final LineFormat<Long> NUMBER = LineFormat.of(String::valueOf, Long::parseLong);
  static final LineFormat<String> WORD =
      LineFormat.of(
          word -> word,
          line -> {
            if (!line.matches("[a-z]+")) {
              throw new IllegalArgumentException("not a word");
            }
            return line;
          });

  final CheckpointFile<String, Long> headed = CheckpointFile.of("test.checkpoint", 3, WORD, NUMBER);
  final CheckpointFile<Void, Long> entries = CheckpointFile.ofEntries("test.checkpoint", 3, NUMBER);
  final CheckpointFile<Long, Void> value = CheckpointFile.ofValue("test.checkpoint", 3, NUMBER);

  Path file() {
    return dir.resolve("test.checkpoint");
  }

  void put(String content) throws IOException {
    Files.write(file(), content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachKindWritesVersionHeaderCountAndEntriesAndReadsThemBack() throws IOException {
    headed.write(dir, "abc", List.of(7L, 8L));
    assertThat(Files.readString(file())).isEqualTo("3\nabc\n2\n7\n8\n");
    assertThat(headed.read(dir)).contains(new Contents<>("abc", List.of(7L, 8L)));

    entries.write(dir, null, List.of(5L));
    assertThat(Files.readString(file())).isEqualTo("3\n1\n5\n");
    assertThat(entries.read(dir)).contains(new Contents<>(null, List.of(5L)));

    value.write(dir, 42L, List.of());
    assertThat(Files.readString(file())).isEqualTo("3\n42\n");
    assertThat(value.read(dir)).contains(new Contents<>(42L, List.of()));
  }

  @Test
  void aWriteReplacesTheWholeFileAndLeavesNoTemporaryFile() throws IOException {
    headed.write(dir, "abc", List.of(1L, 2L, 3L));
    headed.write(dir, "d", List.of());
    assertThat(headed.read(dir)).contains(new Contents<>("d", List.of()));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file());
    }
  }

  @Test
  void aMissingFileReadsAsEmpty() {
    assertThat(headed.read(dir)).isEmpty();
  }

  @Test
  void surroundingWhitespaceOnALineIsIgnored() throws IOException {
    put(" 3 \nabc\t\n 1\n 9 \n");
    assertThat(headed.read(dir)).contains(new Contents<>("abc", List.of(9L)));
  }

  @Test
  void aTruncatedFileIsCorrupt() throws IOException {
    headed.write(dir, "abc", List.of(7L, 8L));
    byte[] whole = Files.readAllBytes(file());
    for (int length = 0; length < whole.length - 1; length++) {
      Files.write(file(), java.util.Arrays.copyOf(whole, length));
      int cut = length;
      assertThatThrownBy(() -> headed.read(dir))
          .as("cut to %d bytes", cut)
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining(file().toString());
    }
    put("3\n");
    assertThatThrownBy(() -> value.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("ends after 1 lines, before its header line");
  }

  @Test
  void aFileOfAnotherVersionIsCorrupt() throws IOException {
    put("4\nabc\n0\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("version 4 where version 3 is expected");
    put("three\nabc\n0\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("bad version line 1 'three'");
  }

  @Test
  void aCountThatDoesNotMatchTheLinesIsCorrupt() throws IOException {
    put("3\nabc\n3\n1\n2\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("declares 3 entries but has 2 lines");
    put("3\nabc\n1\n1\n2\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("declares 1 entries but has 2 lines");
    put("3\nabc\n-1\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("declares -1 entries");
    put("3\nabc\nmany\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("bad entry count line 3 'many'");
  }

  @Test
  void aGarbageLineIsCorruptNamingTheLine() throws IOException {
    put("3\nabc\n2\n1\ngarbage\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("bad entry line 5 'garbage'");
    put("3\nABC\n0\n");
    assertThatThrownBy(() -> headed.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("bad header line 2 'ABC': not a word");
    put("3\n\u0000\u0007\n");
    assertThatThrownBy(() -> value.read(dir)).isInstanceOf(CorruptCheckpointException.class);
  }

  @Test
  void linesAfterASingleValueAreCorrupt() throws IOException {
    put("3\n42\n43\n");
    assertThatThrownBy(() -> value.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("1 lines after the last expected one");
  }
}
