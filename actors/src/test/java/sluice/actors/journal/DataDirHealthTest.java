package sluice.actors.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirHealthTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private static UncheckedIOException noSpace() {
    return new UncheckedIOException(
        "Cannot append to 00000000000000000000.log", new IOException("No space left on device"));
  }

  @Test
  void anIoFailureTakesTheDirectoryOfflineOnceNamingWhatFailedAndWhy() {
    var health = new DataDirHealth(dir, CLOCK, 4096);
    List<DataDirHealth.State> told = new ArrayList<>();
    health.subscribe(told::add);

    assertThat(health.reportFailure("orders-0", noSpace())).isTrue();
    assertThat(health.reportFailure("orders-1", noSpace())).as("already offline").isFalse();

    assertThat(health.isOnline()).isFalse();
    assertThat(told).hasSize(1);
    var offline = (DataDirHealth.Offline) health.state();
    assertThat(offline.cause()).isEqualTo("orders-0: No space left on device");
    assertThat(offline.since()).isEqualTo(CLOCK.instant());
  }

  @Test
  void aFailureThatIsNotTheDisksChangesNothing() {
    var health = new DataDirHealth(dir, CLOCK, 4096);
    assertThat(health.reportFailure("orders-0", new IllegalStateException("not the log end")))
        .isFalse();
    assertThat(health.isOnline()).isTrue();
  }

  @Test
  void aMappedPageTheKernelCannotBackIsADiskFailure() {
    assertThat(DataDirHealth.isStorageFailure(new InternalError("unsafe memory access"))).isTrue();
    assertThat(DataDirHealth.isStorageFailure(new RuntimeException(new IOException("EIO"))))
        .isTrue();
    assertThat(DataDirHealth.isStorageFailure(new IllegalArgumentException("bad"))).isFalse();
  }

  @Test
  void aProbeThatWritesBringsTheDirectoryBackAndLeavesNoFile() throws IOException {
    var health = new DataDirHealth(dir, CLOCK, 100_000);
    List<DataDirHealth.State> told = new ArrayList<>();
    health.subscribe(told::add);
    health.reportFailure("orders-0", noSpace());

    assertThat(health.probe()).isTrue();

    assertThat(health.isOnline()).isTrue();
    assertThat(told).hasSize(2).last().isInstanceOf(DataDirHealth.Online.class);
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aProbeThatCannotWriteLeavesTheDirectoryOffline() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    var health = new DataDirHealth(notADirectory, CLOCK, 4096);
    health.reportFailure("orders-0", noSpace());

    assertThat(health.probe()).isFalse();
    assertThat(health.isOnline()).isFalse();
  }
}
