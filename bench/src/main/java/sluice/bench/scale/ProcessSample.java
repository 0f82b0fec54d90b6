package sluice.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * One reading of a Linux process's counters from {@code /proc/<pid>}: CPU time ({@code stat} utime
 * + stime, in clock ticks), resident set size ({@code status} VmRSS), open file descriptors
 * (entries of {@code fd/}) and bytes it caused to be written to storage ({@code io} write_bytes:
 * counted when a page of the page cache becomes dirty, so it counts each 4 KiB page once per
 * write-back, whatever file it belongs to). Immutable.
 *
 * @param cpuTicks user + system CPU time in clock ticks ({@code getconf CLK_TCK} per second)
 * @param rssBytes resident set size in bytes
 * @param openFds number of open file descriptors
 * @param writeBytes bytes written to storage since the process started
 */
public record ProcessSample(long cpuTicks, long rssBytes, int openFds, long writeBytes) {

  /** Reads the counters of process {@code pid} (same user; Linux only). */
  public static ProcessSample read(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    int fds;
    try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
      fds = (int) entries.count();
    }
    return new ProcessSample(
        cpuTicks(Files.readString(proc.resolve("stat"))),
        field(Files.readString(proc.resolve("status")), "VmRSS:") * 1024,
        fds,
        field(Files.readString(proc.resolve("io")), "write_bytes:"));
  }

  /**
   * utime + stime from the text of {@code /proc/<pid>/stat}: fields 14 and 15, counted after the
   * command name in parentheses, which may itself hold spaces and parentheses.
   */
  static long cpuTicks(String stat) {
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // afterName[0] is field 3 (state), so field N is afterName[N - 3].
    return Long.parseLong(afterName[14 - 3]) + Long.parseLong(afterName[15 - 3]);
  }

  /** The number after {@code name} on its line, e.g. {@code VmRSS: 438000 kB} gives 438000. */
  static long field(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalArgumentException("no " + name + " line in:\n" + text);
  }
}
