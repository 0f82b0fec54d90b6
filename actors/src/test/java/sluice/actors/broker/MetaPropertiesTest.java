package sluice.actors.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {
  @TempDir Path dataDir;

  @Test
  void anEmptyDataDirHasNoIdentity() {
    assertThat(MetaProperties.read(dataDir)).isEmpty();
  }

  @Test
  void writtenPropertiesReadBackAndUseKafkasKeys() throws Exception {
    new MetaProperties(1, 7, "abcDEF123_-xyz").write(dataDir.resolve("sub"));
    assertThat(MetaProperties.read(dataDir.resolve("sub")))
        .contains(new MetaProperties(1, 7, "abcDEF123_-xyz"));
    String text = Files.readString(dataDir.resolve("sub/meta.properties"));
    assertThat(text).contains("version=1", "broker.id=7", "cluster.id=abcDEF123_-xyz");
    assertThat(dataDir.resolve("sub/meta.properties.tmp")).doesNotExist();
  }

  @Test
  void anotherBrokersDataIsRefusedNamingBothIds() {
    var meta = new MetaProperties(1, 2, "c1");
    assertThatThrownBy(() -> meta.checkBrokerId(dataDir, 1))
        .isInstanceOf(DataDirMismatchException.class)
        .hasMessageContaining("meta.properties")
        .hasMessageContaining("broker 2")
        .hasMessageContaining("sluice.broker-id=1");
    meta.checkBrokerId(dataDir, 2);
  }

  @Test
  void anotherClustersDataIsRefusedNamingBothClusterIds() {
    var meta = new MetaProperties(1, 1, "old-cluster");
    assertThatThrownBy(() -> meta.checkClusterId(dataDir, "new-cluster"))
        .isInstanceOf(DataDirMismatchException.class)
        .hasMessageContaining("old-cluster")
        .hasMessageContaining("new-cluster");
    meta.checkClusterId(dataDir, "old-cluster");
  }

  @Test
  void aDamagedFileIsReportedWithItsPathAndKey() throws Exception {
    Files.writeString(
        dataDir.resolve("meta.properties"), "version=1\nbroker.id=one\ncluster.id=x\n");
    assertThatThrownBy(() -> MetaProperties.read(dataDir))
        .hasMessageContaining("meta.properties")
        .hasMessageContaining("broker.id=one");
    Files.writeString(dataDir.resolve("meta.properties"), "version=2\nbroker.id=1\ncluster.id=x\n");
    assertThatThrownBy(() -> MetaProperties.read(dataDir)).hasMessageContaining("version=2");
    Files.writeString(dataDir.resolve("meta.properties"), "version=1\nbroker.id=1\n");
    assertThatThrownBy(() -> MetaProperties.read(dataDir)).hasMessageContaining("cluster.id");
  }
}
