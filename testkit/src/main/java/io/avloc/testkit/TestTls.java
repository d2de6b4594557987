package io.avloc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A broker key pair and the truststore that trusts it, generated at test time with the JDK's {@code
 * keytool} (no certificate files in the repository, nothing that expires between runs): a
 * self-signed RSA certificate for {@code CN=localhost} with the subject alternative names {@code
 * localhost} and {@code 127.0.0.1}, so that clients verify the host name of the loopback broker
 * ({@code ssl.endpoint.identification.algorithm=https}, Kafka's default). Both stores are PKCS12
 * under one password.
 *
 * @param keystore the broker's key and certificate
 * @param truststore the certificate alone, for clients
 * @param password of both stores and of the key (a test secret)
 */
public record TestTls(Path keystore, Path truststore, String password) {

  private static final String ALIAS = "broker";

  /** Generates the stores into {@code dir} (created if needed). */
  public static TestTls generate(Path dir) {
    String password = "avloc-test-tls-" + Long.toHexString(System.nanoTime());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path keystore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.crt");
    Path truststore = dir.resolve("truststore.p12");
    keytool(
        "-genkeypair",
        "-alias",
        ALIAS,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "7",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        ALIAS,
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        password,
        "-file",
        certificate.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        ALIAS,
        "-file",
        certificate.toString(),
        "-keystore",
        truststore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        password);
    return new TestTls(keystore, truststore, password);
  }

  /**
   * The client properties of a TLS client that trusts the broker: {@code security.protocol}, {@code
   * ssl.truststore.location}, {@code ssl.truststore.type} and {@code ssl.truststore.password}.
   */
  public Map<String, String> clientProperties() {
    return Map.of(
        "security.protocol",
        "SSL",
        "ssl.truststore.location",
        truststore.toString(),
        "ssl.truststore.type",
        "PKCS12",
        "ssl.truststore.password",
        password);
  }

  private static void keytool(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "keytool " + args[0] + " failed (exit " + p.exitValue() + "): " + out.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool from " + cmd.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
