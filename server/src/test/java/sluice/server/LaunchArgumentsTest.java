package sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchArgumentsTest {

  @Test
  void parsesConfigFileAndOverrides() {
    var args =
        LaunchArguments.parse(
            "server", "--config", "my.conf", "-Dsluice.http.port=9090", "-Da.b=x=y");
    assertThat(args.command()).isEqualTo("server");
    assertThat(args.configFile()).contains(Path.of("my.conf"));
    assertThat(args.overrides())
        .containsEntry("sluice.http.port", "9090")
        .containsEntry("a.b", "x=y");
  }

  @Test
  void rejectsUnknownCommandsAndArgumentsByName() {
    assertThatThrownBy(() -> LaunchArguments.parse("serve")).hasMessageContaining("'serve'");
    assertThatThrownBy(() -> LaunchArguments.parse("server", "--port", "1"))
        .hasMessageContaining("'--port'");
    assertThatThrownBy(() -> LaunchArguments.parse("server", "-Dnoequals"))
        .hasMessageContaining("-Dnoequals");
    assertThatThrownBy(() -> LaunchArguments.parse("server", "--config"))
        .hasMessageContaining("--config needs a file");
    assertThatThrownBy(LaunchArguments::parse).hasMessageContaining("no command");
  }

  @Test
  void overridesWinOverTheConfigFile(@TempDir Path dir) throws Exception {
    var file = dir.resolve("broker.conf");
    Files.writeString(file, "sluice.test-key = from-file\nsluice.other-key = kept\n");
    var config =
        ServerConfig.load(
            LaunchArguments.parse("server", "--config", file.toString(), "-Dsluice.test-key=cli"));
    assertThat(config.getString("sluice.test-key")).isEqualTo("cli");
    assertThat(config.getString("sluice.other-key")).isEqualTo("kept");
  }

  @Test
  void aMissingConfigFileIsNamed(@TempDir Path dir) {
    var missing = dir.resolve("nope.conf");
    assertThatThrownBy(
            () ->
                ServerConfig.load(LaunchArguments.parse("server", "--config", missing.toString())))
        .hasMessageContaining("nope.conf")
        .hasMessageContaining("not found");
  }
}
