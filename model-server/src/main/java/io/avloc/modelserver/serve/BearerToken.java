package io.avloc.modelserver.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The secret that {@code POST /v1/localize} requires as {@code Authorization: Bearer <token>} when
 * set. It comes from a file or the {@value #ENV} environment variable, never from a command-line
 * value (which every user of the machine can read in the process list). Tokens are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and the length of the token
 * does not leak either. {@link #toString} never shows it.
 */
public final class BearerToken {

  /** The environment variable that holds the token when no file is given. */
  public static final String ENV = "AVLOC_SERVE_TOKEN";

  private static final String SCHEME = "bearer ";

  private final byte[] digest;

  private BearerToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the bearer token is empty");
    }
    this.digest = sha256(token.strip());
  }

  /** A token given as text (tests, embedding). */
  public static BearerToken of(String token) {
    return new BearerToken(token);
  }

  /**
   * The token of {@code file} (its content, surrounding white space removed) when it is not null,
   * else of the {@value #ENV} variable of {@code env}; null when neither is set: no authentication.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable or empty
   */
  public static BearerToken resolve(Path file, Map<String, String> env) {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("token file " + file + " does not exist");
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read token file " + file + ": " + e.getMessage(), e);
      }
      if (text.isBlank()) {
        throw new IllegalArgumentException(
            "token file " + file + " is empty; write the token into it");
      }
      return new BearerToken(text);
    }
    String v = env.get(ENV);
    return v == null || v.isBlank() ? null : new BearerToken(v);
  }

  /** Whether an {@code Authorization} header value carries this token. */
  public boolean matches(String authorization) {
    if (authorization == null
        || authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length()).strip()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[****]";
  }
}
