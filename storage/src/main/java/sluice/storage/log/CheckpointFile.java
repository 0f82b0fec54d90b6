package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One kind of small text file a partition directory keeps beside its segments, in the layout of
 * Kafka's checkpoint files ({@code CheckpointFile}): UTF-8 lines, each ended by {@code '\n'},
 *
 * <pre>
 * version     the format version, a decimal integer
 * header      one line, if the kind has a header
 * n           the number of entries, if the kind has entries
 * entry       n lines, one per entry
 * </pre>
 *
 * A {@link LineFormat} per kind turns a header or an entry into its line and back. The file is
 * written whole and atomically ({@link Fs#writeAtomically}: a {@code .tmp} sibling, fsynced,
 * renamed over the file, the directory fsynced), so after a crash it is the old or the new version,
 * never a mix. There is no checksum: a file that does not parse (wrong version, a count that does
 * not match the lines, a line its format refuses, a file cut short) is a {@link
 * CorruptCheckpointException} naming the file and the problem, and the owner of the file decides
 * what recovery does about it.
 *
 * <p>Immutable and safe from any thread; concurrent writes of the same file must be ordered by the
 * caller (the last rename wins).
 *
 * @param <H> the header, {@link Void} for a kind without one
 * @param <E> the entries, {@link Void} for a kind without them
 */
final class CheckpointFile<H, E> {
  /** How one value is written as a line of a checkpoint file and read back. */
  interface LineFormat<T> {
    /** The line of {@code value}, without its line end. */
    String toLine(T value);

    /**
     * The value of {@code line}, which is trimmed of surrounding whitespace.
     *
     * @throws IllegalArgumentException (a {@link NumberFormatException} included) if the line is
     *     not a value of this format
     */
    T fromLine(String line);

    /** The format that writes with {@code toLine} and reads with {@code fromLine}. */
    static <T> LineFormat<T> of(Function<T, String> toLine, Function<String, T> fromLine) {
      return new LineFormat<>() {
        @Override
        public String toLine(T value) {
          return toLine.apply(value);
        }

        @Override
        public T fromLine(String line) {
          return fromLine.apply(line);
        }
      };
    }
  }

  /** What a checkpoint file holds: a header (null if the kind has none) and the entries. */
  record Contents<H, E>(H header, List<E> entries) {
    Contents {
      entries = List.copyOf(entries);
    }
  }

  private final String fileName;
  private final int version;
  private final LineFormat<H> header;
  private final LineFormat<E> entry;

  private CheckpointFile(String fileName, int version, LineFormat<H> header, LineFormat<E> entry) {
    this.fileName = fileName;
    this.version = version;
    this.header = header;
    this.entry = entry;
  }

  /** A kind with a header line and entries. */
  static <H, E> CheckpointFile<H, E> of(
      String fileName, int version, LineFormat<H> header, LineFormat<E> entry) {
    return new CheckpointFile<>(fileName, version, header, entry);
  }

  /** A kind with entries only: Kafka's own layout. */
  static <E> CheckpointFile<Void, E> ofEntries(String fileName, int version, LineFormat<E> entry) {
    return new CheckpointFile<>(fileName, version, null, entry);
  }

  /** A kind with a header line only: one value. */
  static <H> CheckpointFile<H, Void> ofValue(String fileName, int version, LineFormat<H> value) {
    return new CheckpointFile<>(fileName, version, value, null);
  }

  String fileName() {
    return fileName;
  }

  Path file(Path dir) {
    return dir.resolve(fileName);
  }

  /**
   * Replaces the file in {@code dir} with {@code header} and {@code entries} (either ignored if the
   * kind has none).
   */
  void write(Path dir, H headerValue, List<E> entries) {
    var text = new StringBuilder();
    text.append(version).append('\n');
    if (header != null) {
      text.append(header.toLine(headerValue)).append('\n');
    }
    if (entry != null) {
      text.append(entries.size()).append('\n');
      for (E value : entries) {
        text.append(entry.toLine(value)).append('\n');
      }
    }
    Fs.writeAtomically(file(dir), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The contents of the file in {@code dir}, or empty if there is no file.
   *
   * @throws CorruptCheckpointException if the file does not parse
   * @throws UncheckedIOException if it cannot be read
   */
  Optional<Contents<H, E>> read(Path dir) {
    Path file = file(dir);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return Optional.of(parse(file, lines));
  }

  private Contents<H, E> parse(Path file, List<String> lines) {
    int next = 0;
    int found = parse(file, lines, next++, "version", Integer::parseInt);
    if (found != version) {
      throw new CorruptCheckpointException(
          file, "version " + found + " where version " + version + " is expected");
    }
    H headerValue = header == null ? null : parse(file, lines, next++, "header", header::fromLine);
    List<E> entries = new ArrayList<>();
    if (entry != null) {
      int count = parse(file, lines, next++, "entry count", Integer::parseInt);
      if (count < 0 || lines.size() - next != count) {
        throw new CorruptCheckpointException(
            file, "declares " + count + " entries but has " + (lines.size() - next) + " lines");
      }
      while (next < lines.size()) {
        entries.add(parse(file, lines, next++, "entry", entry::fromLine));
      }
    }
    if (next != lines.size()) {
      throw new CorruptCheckpointException(
          file, (lines.size() - next) + " lines after the last expected one");
    }
    return new Contents<>(headerValue, entries);
  }

  private static <T> T parse(
      Path file, List<String> lines, int index, String what, Function<String, T> parser) {
    if (index >= lines.size()) {
      throw new CorruptCheckpointException(
          file, "ends after " + lines.size() + " lines, before its " + what + " line");
    }
    String line = lines.get(index);
    try {
      return parser.apply(line.trim());
    } catch (IllegalArgumentException e) { // also NumberFormatException
      throw new CorruptCheckpointException(
          file, "bad " + what + " line " + (index + 1) + " '" + line + "': " + e.getMessage());
    }
  }

  /** A line of whitespace-separated decimal numbers, exactly {@code count} of them. */
  static long[] numbers(String line, int count) {
    String[] fields = line.split("\\s+");
    if (fields.length != count) {
      throw new IllegalArgumentException("expected " + count + " numbers");
    }
    long[] values = new long[count];
    for (int i = 0; i < count; i++) {
      values[i] = Long.parseLong(fields[i]);
    }
    return values;
  }
}
